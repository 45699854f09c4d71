import { createHash } from "node:crypto";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { compactVerify, decodeProtectedHeader, importSPKI } from "jose";
import jsonld from "jsonld";
import { bundledContext, offlineDocumentLoader } from "./contexts.ts";
import { errorMessage, fetchJson } from "./fetch-json.ts";
import { asArray, idOf, isHttpUrl, isObject, type JsonObject, str, typesOf } from "./json.ts";
import { REASON_CODES as C, type Reasons } from "./reasons.ts";
import {
  originOf,
  servedFrom,
  TRUST_CODES as T,
  type TrustEvidence,
  hostOf as trustHostOf,
} from "./trust.ts";
import type { Fetcher, IssuerInfo } from "./types.ts";

export const OB2_CONTEXT = "https://w3id.org/openbadges/v2";

// Class terms of the OB 2.0 context; anything else must be an absolute IRI (an extension class).
const OB2_CLASSES = new Set([
  "AlignmentObject",
  "CryptographicKey",
  "Endorsement",
  "Assertion",
  "BadgeClass",
  "Criteria",
  "Evidence",
  "Extension",
  "FrameValidation",
  "IdentityObject",
  "Image",
  "HostedBadge",
  "hosted",
  "Issuer",
  "Profile",
  "RevocationList",
  "SignedBadge",
  "signed",
  "TypeValidation",
  "VerificationObject",
]);

export interface Ob2Context {
  fetcher: Fetcher;
  now: Date;
  expectedEmails: readonly string[];
  reasons: Reasons;
  /** URL the input was fetched from (after redirects), when it was. */
  fetchedFrom: string | null;
  /** Collects how the badge is tied to its issuer. */
  trust?: TrustEvidence;
  /** Compact JWS the assertion came in, for signed assertions. */
  jws: string | null;
}

export interface Ob2Outcome {
  issuer: IssuerInfo | null;
  name: string | null;
  issuedOn: string | null;
  expires: string | null;
  recipientMatch: boolean | "not_checkable";
  evidenceUrl: string | null;
  credentialUrl: string | null;
}

/** Heuristic used to route JSON to the OB 2.0 verifier. */
export function looksLikeOb2(doc: JsonObject): boolean {
  const ctx = JSON.stringify(doc["@context"] ?? "");
  if (/openbadges|openbadgespec/.test(ctx) && !/ob\/v3p0|credentials\/v[12]/.test(ctx)) return true;
  return !doc["@context"] && ("badge" in doc || "recipient" in doc);
}

async function compact(doc: JsonObject, context: unknown = OB2_CONTEXT): Promise<JsonObject> {
  const out = await jsonld.compact(doc, context, {
    documentLoader: offlineDocumentLoader(),
    compactToRelative: false,
  });
  delete out["@context"];
  return out;
}

function isAbsoluteIri(v: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(v);
}

/** Type must be present and every entry a known OB class or an absolute IRI. */
function checkTypes(node: JsonObject, label: string, reasons: Reasons): string[] {
  const types = typesOf(node);
  if (types.length === 0) {
    reasons.error(C.typeInvalid, `The ${label} has no type.`);
    return types;
  }
  for (const t of types) {
    if (!OB2_CLASSES.has(t) && !isAbsoluteIri(t)) {
      reasons.error(C.typeInvalid, `The ${label} has an unknown type "${t}".`);
    }
  }
  return types;
}

function parseDate(v: unknown): Date | null {
  if (typeof v !== "string") return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

interface Loaded {
  node: JsonObject;
  url: string | null;
  /** Fetched from its own id, and not redirected to another origin. */
  servedFromId: boolean;
}

/** Loads a node given by IRI (fetched) or embedded (already compacted). */
async function loadNode(ref: unknown, label: string, ctx: Ob2Context): Promise<Loaded | null> {
  if (isObject(ref)) return { node: ref, url: null, servedFromId: false };
  if (typeof ref !== "string") {
    ctx.reasons.error(C.propertyMissing, `The ${label} is missing.`);
    return null;
  }
  if (!isHttpUrl(ref)) {
    ctx.reasons.error(C.propertyInvalid, `The ${label} ${ref} cannot be fetched.`);
    return null;
  }
  const got = await fetchJson(ctx.fetcher, ref);
  if (!got.ok || !isObject(got.json)) {
    ctx.reasons.error(
      C.fetchFailed,
      `The ${label} ${ref} could not be loaded (${got.ok ? "not a JSON object" : got.message}).`,
    );
    return null;
  }
  let node: JsonObject;
  try {
    node = await compact(got.json);
  } catch (err) {
    ctx.reasons.error(
      C.contextInvalid,
      `The ${label} ${ref} is not valid JSON-LD: ${errorMessage(err)}`,
    );
    return null;
  }
  const id = str(node.id);
  if (id && id !== ref) {
    ctx.reasons.warn(C.idMismatch, `The ${label} fetched from ${ref} says its id is ${id}.`);
  }
  const servedFromId = id === ref && servedFrom(got.resource, originOf(ref) ?? "");
  return { node, url: ref, servedFromId };
}

function checkIssuerNode(issuer: JsonObject, ctx: Ob2Context): void {
  const types = checkTypes(issuer, "issuer", ctx.reasons);
  if (types.length > 0 && !types.some((t) => t === "Issuer" || t === "Profile")) {
    ctx.reasons.error(
      C.typeInvalid,
      `The issuer's type is ${types.join(", ")}, not Issuer or Profile.`,
    );
  }
  if (!str(issuer.id)) ctx.reasons.error(C.propertyMissing, "The issuer has no id.");
  if (!str(issuer.name)) ctx.reasons.error(C.propertyMissing, "The issuer has no name.");
}

function checkBadgeNode(badge: JsonObject, ctx: Ob2Context): void {
  const types = checkTypes(badge, "badge class", ctx.reasons);
  if (types.length > 0 && !types.includes("BadgeClass")) {
    ctx.reasons.error(C.typeInvalid, `The badge's type is ${types.join(", ")}, not BadgeClass.`);
  }
  for (const p of ["id", "name", "description", "criteria", "issuer"]) {
    if (badge[p] === undefined)
      ctx.reasons.error(C.propertyMissing, `The badge class has no ${p}.`);
  }
}

function issuerInfo(issuer: JsonObject | null): IssuerInfo | null {
  if (!issuer) return null;
  return { name: str(issuer.name), id: str(issuer.id), url: idOf(issuer.url) };
}

/** sha256$hex(identity + salt), compared case-insensitively like the official validator. */
export function ob2RecipientMatches(
  recipient: JsonObject,
  emails: readonly string[],
): boolean | "not_checkable" {
  const type = str(recipient.type) ?? "email";
  const identity = str(recipient.identity);
  if (!identity || type !== "email" || emails.length === 0) return "not_checkable";
  const salt = typeof recipient.salt === "string" ? recipient.salt : "";
  const hashed = recipient.hashed === true || recipient.hashed === "true";
  const candidates = new Set(emails.flatMap((e) => [e.trim(), e.trim().toLowerCase()]));
  if (!hashed) {
    return [...candidates].some((e) => e.toLowerCase() === identity.trim().toLowerCase());
  }
  const m = /^(sha256|md5)\$([0-9a-fA-F]+)$/.exec(identity.trim());
  if (!m?.[1] || !m[2]) return false;
  const algo = m[1];
  const expected = m[2].toLowerCase();
  return [...candidates].some(
    (e) =>
      createHash(algo)
        .update(e + salt)
        .digest("hex") === expected,
  );
}

export async function verifyOb2(input: JsonObject, ctx: Ob2Context): Promise<Ob2Outcome> {
  const outcome: Ob2Outcome = {
    issuer: null,
    name: null,
    issuedOn: null,
    expires: null,
    recipientMatch: "not_checkable",
    evidenceUrl: null,
    credentialUrl: null,
  };
  const { reasons } = ctx;
  if (input["@context"] === undefined) {
    reasons.error(C.contextInvalid, "The badge has no JSON-LD @context.");
    return outcome;
  }
  let node: JsonObject;
  try {
    node = await compact(input);
  } catch (err) {
    reasons.error(
      C.contextInvalid,
      `The badge's JSON-LD context cannot be processed: ${errorMessage(err)}`,
    );
    return outcome;
  }
  const types = checkTypes(node, "document", reasons);
  await checkExtensions(input, node, ctx);

  if (types.includes("Assertion")) return verifyAssertion(node, ctx, outcome);
  if (types.includes("BadgeClass")) {
    checkBadgeNode(node, ctx);
    outcome.name = str(node.name);
    const issuer = await loadNode(node.issuer, "issuer", ctx);
    if (issuer) checkIssuerNode(issuer.node, ctx);
    outcome.issuer = issuerInfo(issuer?.node ?? null);
    noRecipient(ctx);
    return outcome;
  }
  if (types.includes("Issuer") || types.includes("Profile")) {
    checkIssuerNode(node, ctx);
    outcome.issuer = issuerInfo(node);
    noRecipient(ctx);
    return outcome;
  }
  noRecipient(ctx);
  return outcome;
}

function noRecipient(ctx: Ob2Context): void {
  if (ctx.expectedEmails.length > 0) {
    ctx.reasons.warn(
      C.recipientNotCheckable,
      "This is not an awarded badge (no assertion), so it proves nothing about its holder.",
    );
  }
}

async function verifyAssertion(
  input: JsonObject,
  ctx: Ob2Context,
  outcome: Ob2Outcome,
): Promise<Ob2Outcome> {
  const { reasons } = ctx;
  let assertion = input;
  const verification = isObject(assertion.verification) ? assertion.verification : null;
  const vtype = str(verification?.type) ?? (ctx.jws ? "signed" : null);
  const hosted = vtype === "hosted" || vtype === "HostedBadge";
  const signed = vtype === "signed" || vtype === "SignedBadge";
  if (!hosted && !signed) {
    reasons.error(C.propertyInvalid, "The assertion does not say whether it is hosted or signed.");
  }
  if (signed && !ctx.jws) {
    reasons.error(
      C.signatureInvalid,
      "The assertion says it is signed, but it was not given in its signed (JWS) form.",
    );
  }

  const assertionId = str(assertion.id);
  if (!assertionId) reasons.error(C.propertyMissing, "The assertion has no id.");
  let servedAtId = false;
  if (hosted && assertionId) {
    const fresh = await refetchHosted(assertion, assertionId, ctx);
    assertion = fresh.assertion;
    servedAtId = fresh.servedAtId;
  }
  if (assertion.revoked === true) {
    const why = str(assertion.revocationReason);
    reasons.error(C.hostedRevoked, `The issuer revoked this badge${why ? `: ${why}` : ""}.`);
  }

  // required properties
  for (const p of ["recipient", "badge", "verification", "issuedOn"]) {
    if (assertion[p] === undefined) reasons.error(C.propertyMissing, `The assertion has no ${p}.`);
  }
  const image = idOf(assertion.image);
  if (image?.startsWith("data:")) {
    reasons.error(C.dataUriImage, "An assertion image must be a URL, not a data: URI.");
  }

  // timestamps
  const issued = parseDate(assertion.issuedOn);
  const expires = parseDate(assertion.expires);
  outcome.issuedOn = issued ? issued.toISOString() : null;
  outcome.expires = expires ? expires.toISOString() : null;
  if (assertion.issuedOn !== undefined && !issued) {
    reasons.error(C.propertyInvalid, "The assertion's issue date is not a valid date.");
  }
  if (issued && issued.getTime() > ctx.now.getTime()) {
    reasons.error(C.issuedInFuture, `The badge is dated in the future (${assertion.issuedOn}).`);
  }
  if (issued && expires && expires.getTime() < issued.getTime()) {
    reasons.error(C.expiresBeforeIssued, "The badge expires before it was issued.");
  }
  if (expires && expires.getTime() < ctx.now.getTime()) {
    reasons.error(C.expired, `The badge expired on ${assertion.expires}.`);
  }

  // evidence
  for (const e of asArray(assertion.evidence)) {
    const id = idOf(e);
    if (id && isHttpUrl(id)) {
      outcome.evidenceUrl = id;
      break;
    }
  }
  if (assertionId && isHttpUrl(assertionId)) outcome.credentialUrl = assertionId;

  // recipient
  if (isObject(assertion.recipient)) {
    outcome.recipientMatch = ob2RecipientMatches(assertion.recipient, ctx.expectedEmails);
    reportRecipient(outcome.recipientMatch, ctx);
  }

  // badge class and issuer
  const badge = await loadNode(assertion.badge, "badge class", ctx);
  let issuer: Loaded | null = null;
  if (badge) {
    checkBadgeNode(badge.node, ctx);
    outcome.name = str(badge.node.name);
    issuer = await loadNode(badge.node.issuer, "issuer", ctx);
    if (issuer) checkIssuerNode(issuer.node, ctx);
  }
  outcome.issuer = issuerInfo(issuer?.node ?? null);

  if (hosted && assertionId && issuer) {
    checkHostedPolicy(assertionId, issuer.node, ctx);
    bindHosted(assertionId, servedAtId, issuer, ctx);
  }
  if (signed && ctx.jws && issuer) await checkSigned(ctx.jws, assertion, issuer, ctx);
  return outcome;
}

export function reportRecipient(
  match: boolean | "not_checkable",
  ctx: { reasons: Reasons; expectedEmails: readonly string[] },
): void {
  if (match === true) {
    ctx.reasons.info(C.recipientMatch, "The badge was awarded to this person's email address.");
  } else if (match === false) {
    ctx.reasons.error(C.recipientMismatch, "The badge was awarded to a different person.");
  } else if (ctx.expectedEmails.length > 0) {
    ctx.reasons.warn(
      C.recipientNotCheckable,
      "The badge's recipient cannot be compared with this person's email address.",
    );
  }
}

/** Hosted assertions are authoritative at their id: re-fetch, 410 or revoked:true means revoked. */
async function refetchHosted(
  assertion: JsonObject,
  assertionId: string,
  ctx: Ob2Context,
): Promise<{ assertion: JsonObject; servedAtId: boolean }> {
  const stale = { assertion, servedAtId: false };
  if (!isHttpUrl(assertionId)) {
    ctx.reasons.error(C.propertyInvalid, "A hosted assertion's id must be an http(s) URL.");
    return stale;
  }
  if (ctx.fetchedFrom === assertionId) return { assertion, servedAtId: true };
  const got = await fetchJson(ctx.fetcher, assertionId);
  if (!got.ok) {
    if (got.status === 410) {
      ctx.reasons.error(
        C.hostedRevoked,
        "The issuer revoked this badge (its URL answers 410 Gone).",
      );
    } else {
      ctx.reasons.warn(
        C.hostedUnreachable,
        `The badge's hosted copy at ${assertionId} could not be loaded (${got.message}).`,
      );
    }
    return stale;
  }
  if (!isObject(got.json)) return stale;
  try {
    const fresh = await compact(got.json);
    if (str(fresh.id) !== assertionId) {
      ctx.reasons.error(C.hostedMismatch, `The document at ${assertionId} is a different badge.`);
      return stale;
    }
    return {
      assertion: fresh,
      servedAtId: servedFrom(got.resource, originOf(assertionId) ?? ""),
    };
  } catch (err) {
    ctx.reasons.error(
      C.contextInvalid,
      `The hosted badge is not valid JSON-LD: ${errorMessage(err)}`,
    );
    return stale;
  }
}

/** The issuer's own profile, served from its id: only then do its policy and keys count. */
function provenIssuer(issuer: Loaded, ctx: Ob2Context): boolean {
  if (issuer.servedFromId) return true;
  ctx.trust?.unbound(
    T.issuerUnproven,
    issuer.url
      ? `The issuer profile at ${issuer.url} is not the issuer's own (it says it is ${str(issuer.node.id) ?? "nobody"}).`
      : "The issuer profile is written into the badge, not served by the issuer.",
  );
  return false;
}

/** A hosted badge is bound when it was served at its id, from an origin its (proven) issuer allows. */
function bindHosted(assertionId: string, servedAtId: boolean, issuer: Loaded, ctx: Ob2Context) {
  if (!provenIssuer(issuer, ctx)) return;
  if (!servedAtId) {
    ctx.trust?.unbound(
      T.hostUnbound,
      `The badge could not be loaded from its own address ${assertionId}.`,
    );
    return;
  }
  const policy = isObject(issuer.node.verification) ? issuer.node.verification : {};
  const startsWith = asArray(policy.startsWith).filter((x): x is string => typeof x === "string");
  const origins = asArray(policy.allowedOrigins)
    .filter((x): x is string => typeof x === "string")
    .map((o) => o.toLowerCase());
  const host = trustHostOf(assertionId);
  const issuerHost = trustHostOf(str(issuer.node.id));
  const hostOk =
    origins.length > 0
      ? !!host && origins.includes(host)
      : startsWith.length > 0 || (!!host && host === issuerHost);
  const prefixOk = startsWith.length === 0 || startsWith.some((p) => assertionId.startsWith(p));
  if (hostOk && prefixOk)
    ctx.trust?.bound(`The badge is served from ${host}, which its issuer allows.`);
  else
    ctx.trust?.unbound(
      T.hostUnbound,
      `The badge is served from ${host ?? "?"}, which its issuer ${issuerHost ?? "?"} does not allow.`,
    );
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/** The issuer's verification policy: allowedOrigins (default: the issuer's own host) and startsWith. */
function checkHostedPolicy(assertionId: string, issuer: JsonObject, ctx: Ob2Context): void {
  const policy = isObject(issuer.verification) ? issuer.verification : {};
  const startsWith = asArray(policy.startsWith).filter((s): s is string => typeof s === "string");
  let origins = asArray(policy.allowedOrigins).filter((s): s is string => typeof s === "string");
  if (origins.length === 0 && startsWith.length === 0) {
    const issuerId = str(issuer.id);
    const host = issuerId && isHttpUrl(issuerId) ? hostOf(issuerId) : null;
    if (!host) {
      ctx.reasons.warn(
        C.verificationPolicyUncheckable,
        "The issuer's id is not a web address, so the badge's hosting domain cannot be checked.",
      );
      return;
    }
    origins = [host];
  }
  const host = hostOf(assertionId);
  if (origins.length > 0 && (!host || !origins.some((o) => o.toLowerCase() === host))) {
    ctx.reasons.error(
      C.verificationPolicy,
      `The badge is hosted on ${host ?? "?"}, which its issuer does not allow (${origins.join(", ")}).`,
    );
  }
  if (startsWith.length > 0 && !startsWith.some((p) => assertionId.startsWith(p))) {
    ctx.reasons.error(
      C.verificationPolicy,
      `The badge's URL does not start with any prefix its issuer allows (${startsWith.join(", ")}).`,
    );
  }
}

/** Signed assertion: RS256 JWS by a key the issuer lists, then the issuer's revocation list. */
async function checkSigned(
  jws: string,
  assertion: JsonObject,
  loaded: Loaded,
  ctx: Ob2Context,
): Promise<void> {
  const { reasons } = ctx;
  const issuer = loaded.node;
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(jws).alg;
  } catch {
    reasons.error(C.signatureInvalid, "The signed badge's header cannot be read.");
    return;
  }
  if (alg !== "RS256") {
    reasons.error(C.signatureInvalid, `Signed OB 2.0 badges use RS256, not ${alg ?? "nothing"}.`);
    return;
  }
  const verification = isObject(assertion.verification) ? assertion.verification : {};
  const creator = idOf(verification.creator);
  const issuerKeys = asArray(issuer.publicKey)
    .map(idOf)
    .filter((k): k is string => !!k);
  const keyUrl = creator ?? (issuerKeys.length === 1 ? issuerKeys[0] : null);
  if (!keyUrl) {
    reasons.error(C.keyUnresolvable, "The signed badge does not say which key signed it.");
    return;
  }
  if (!issuerKeys.includes(keyUrl)) {
    reasons.error(C.keyNotAuthorized, `The signing key ${keyUrl} is not one of the issuer's keys.`);
    return;
  }
  const got = await fetchJson(ctx.fetcher, keyUrl);
  if (!got.ok || !isObject(got.json) || typeof got.json.publicKeyPem !== "string") {
    reasons.error(C.keyUnresolvable, `The signing key ${keyUrl} could not be loaded.`);
    return;
  }
  const owner = idOf(got.json.owner);
  if (owner && owner !== str(issuer.id)) {
    reasons.error(C.keyNotAuthorized, `The signing key belongs to ${owner}, not the issuer.`);
    return;
  }
  try {
    const key = await importSPKI(got.json.publicKeyPem, "RS256");
    await compactVerify(jws, key, { algorithms: ["RS256"] });
    reasons.info(C.signatureValid, "The badge's signature is valid.");
    bindSigningKey(keyUrl, owner, got.resource, loaded, ctx);
  } catch (err) {
    reasons.error(
      C.signatureInvalid,
      `The badge's signature does not verify: ${errorMessage(err)}`,
    );
    return;
  }

  const listUrl = idOf(issuer.revocationList);
  if (!listUrl) return;
  const list = await fetchJson(ctx.fetcher, listUrl);
  if (!list.ok || !isObject(list.json)) {
    reasons.warn(C.revocationListUnreachable, `The issuer's revocation list could not be loaded.`);
    return;
  }
  const revoked = asArray(list.json.revokedAssertions ?? list.json.revoked);
  const ids = new Set([str(assertion.id), str(assertion.uid)].filter((x): x is string => !!x));
  for (const entry of revoked) {
    const id =
      typeof entry === "string" ? entry : isObject(entry) ? (idOf(entry) ?? str(entry.uid)) : null;
    if (id && ids.has(id)) {
      const why = isObject(entry) ? str(entry.revocationReason) : null;
      reasons.error(C.hostedRevoked, `The issuer revoked this badge${why ? `: ${why}` : ""}.`);
      return;
    }
  }
}

/** A signing key binds when the proven issuer owns it and it is published at the issuer's origin. */
function bindSigningKey(
  keyUrl: string,
  owner: string | null,
  resource: { url: string; finalUrl: string },
  issuer: Loaded,
  ctx: Ob2Context,
): void {
  if (!provenIssuer(issuer, ctx)) return;
  const origin = originOf(str(issuer.node.id));
  if (origin && owner === str(issuer.node.id) && servedFrom(resource, origin)) {
    ctx.trust?.bound(`The issuer publishes the signing key ${keyUrl}.`);
  } else {
    ctx.trust?.unbound(
      T.keyUnbound,
      `The signing key ${keyUrl} is not published by the issuer at its own address.`,
    );
  }
}

/** Extension nodes are validated against the JSON Schemas their extension contexts declare. */
async function checkExtensions(
  original: JsonObject,
  compacted: JsonObject,
  ctx: Ob2Context,
): Promise<void> {
  const extensionContexts = new Set<string>();
  collectContexts(original, extensionContexts, 0);
  extensionContexts.delete(OB2_CONTEXT);
  const found: JsonObject[] = [];
  collectExtensionNodes(compacted, found, 0);
  if (found.length === 0) return;
  // re-compact the whole document with the extension contexts so extension terms read as declared
  let withExtensions: JsonObject;
  try {
    withExtensions = await compact(original, [OB2_CONTEXT, ...extensionContexts]);
  } catch (err) {
    ctx.reasons.error(C.extensionInvalid, `An extension cannot be processed: ${errorMessage(err)}`);
    return;
  }
  const nodes: JsonObject[] = [];
  collectExtensionNodes(withExtensions, nodes, 0);

  const validations: { type: string; schema: string }[] = [];
  for (const url of extensionContexts) {
    const doc = offlineContext(url);
    for (const v of asArray(doc?.["obi:validation"] ?? doc?.validation)) {
      if (!isObject(v)) continue;
      const type = str(v["obi:validatesType"] ?? v.validatesType);
      const schema = str(v["obi:validationSchema"] ?? v.validationSchema);
      if (type && schema) validations.push({ type, schema });
    }
  }
  for (const local of nodes) {
    const nodeTypes = typesOf(local);
    const matching = validations.filter((v) => nodeTypes.some((t) => sameClass(t, v.type)));
    if (matching.length === 0 && validations.length === 0) {
      ctx.reasons.info(C.extensionUnchecked, "An extension has no schema to check it against.");
      continue;
    }
    // a node whose type matches no declared validation is held to all in-scope schemas
    for (const v of matching.length > 0 ? matching : validations) {
      const schema = await fetchJson(ctx.fetcher, v.schema);
      if (!schema.ok || !isObject(schema.json)) {
        ctx.reasons.warn(
          C.extensionUnchecked,
          `The extension schema ${v.schema} could not be loaded.`,
        );
        continue;
      }
      const { $schema: _ignored, ...body } = schema.json;
      try {
        const ajv = new Ajv({ strict: false, allErrors: true });
        addFormats.default(ajv);
        const validate = ajv.compile(body);
        if (!validate(local)) {
          const first = validate.errors?.[0];
          ctx.reasons.error(
            C.extensionInvalid,
            `An extension does not match its schema: ${first?.instancePath || "/"} ${first?.message ?? ""}`.trim(),
          );
        }
      } catch (err) {
        ctx.reasons.warn(
          C.extensionUnchecked,
          `The extension schema is unusable: ${errorMessage(err)}`,
        );
      }
    }
  }
}

function sameClass(a: string, b: string): boolean {
  if (a === b) return true;
  const local = (s: string) => s.split(/[#:/]/).filter(Boolean).pop() ?? s;
  return local(a) === local(b);
}

/** Extension contexts are read from the bundled set only, like every other context. */
function offlineContext(url: string): JsonObject | null {
  const doc = bundledContext(url);
  return isObject(doc) ? doc : null;
}

function collectContexts(v: unknown, out: Set<string>, depth: number): void {
  if (depth > 10) return;
  if (Array.isArray(v)) {
    for (const x of v) collectContexts(x, out, depth + 1);
    return;
  }
  if (!isObject(v)) return;
  for (const c of asArray(v["@context"])) if (typeof c === "string") out.add(c);
  for (const [k, x] of Object.entries(v)) if (k !== "@context") collectContexts(x, out, depth + 1);
}

function collectExtensionNodes(v: unknown, out: JsonObject[], depth: number): void {
  if (depth > 10) return;
  if (Array.isArray(v)) {
    for (const x of v) collectExtensionNodes(x, out, depth + 1);
    return;
  }
  if (!isObject(v)) return;
  if (typesOf(v).includes("Extension")) out.push(v);
  for (const x of Object.values(v)) collectExtensionNodes(x, out, depth + 1);
}
