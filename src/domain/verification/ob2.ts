import { createHash } from "node:crypto";
import { errorMessage, fetchJson } from "./fetch-json.ts";
import { asArray, idOf, isHttpUrl, isObject, type JsonObject, str } from "./json.ts";
import { bindHosted, checkHostedPolicy, checkSigned } from "./ob2-binding.ts";
import { checkExtensions } from "./ob2-extensions.ts";
import {
  checkBadgeNode,
  checkIssuerNode,
  checkTypes,
  compact,
  issuerInfo,
  type Loaded,
  loadNode,
  type Ob2Context,
  type Ob2Outcome,
  parseDate,
} from "./ob2-nodes.ts";
import { REASON_CODES as C, type Reasons } from "./reasons.ts";
import { credlyBadgeId, originOf, servedFrom } from "./trust.ts";

export { OB2_CONTEXT, type Ob2Context, type Ob2Outcome } from "./ob2-nodes.ts";

/** Heuristic used to route JSON to the OB 2.0 verifier. */
export function looksLikeOb2(doc: JsonObject): boolean {
  const ctx = JSON.stringify(doc["@context"] ?? "");
  if (/openbadges|openbadgespec/.test(ctx) && !/ob\/v3p0|credentials\/v[12]/.test(ctx)) return true;
  return !doc["@context"] && ("badge" in doc || "recipient" in doc);
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

/** How the assertion says it is verified: hosted at its id, or signed (then given as a JWS). */
function verificationType(assertion: JsonObject, ctx: Ob2Context) {
  const verification = isObject(assertion.verification) ? assertion.verification : null;
  const vtype = str(verification?.type) ?? (ctx.jws ? "signed" : null);
  const hosted = vtype === "hosted" || vtype === "HostedBadge";
  const signed = vtype === "signed" || vtype === "SignedBadge";
  if (!hosted && !signed) {
    ctx.reasons.error(
      C.propertyInvalid,
      "The assertion does not say whether it is hosted or signed.",
    );
  }
  if (signed && !ctx.jws) {
    ctx.reasons.error(
      C.signatureInvalid,
      "The assertion says it is signed, but it was not given in its signed (JWS) form.",
    );
  }
  return { hosted, signed };
}

/** Required properties, the image, and the issue and expiry dates against `ctx.now`. */
function checkAssertionFields(assertion: JsonObject, ctx: Ob2Context, outcome: Ob2Outcome) {
  const { reasons } = ctx;
  if (assertion.revoked === true) {
    const why = str(assertion.revocationReason);
    reasons.error(C.hostedRevoked, `The issuer revoked this badge${why ? `: ${why}` : ""}.`);
  }
  for (const p of ["recipient", "badge", "verification", "issuedOn"]) {
    if (assertion[p] === undefined) reasons.error(C.propertyMissing, `The assertion has no ${p}.`);
  }
  const image = idOf(assertion.image);
  if (image?.startsWith("data:")) {
    reasons.error(C.dataUriImage, "An assertion image must be a URL, not a data: URI.");
  }
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
}

/** The badge class and its issuer, loaded and checked; the issuer is null when it can't be. */
async function loadBadgeAndIssuer(
  assertion: JsonObject,
  ctx: Ob2Context,
  outcome: Ob2Outcome,
): Promise<Loaded | null> {
  const badge = await loadNode(assertion.badge, "badge class", ctx);
  let issuer: Loaded | null = null;
  if (badge) {
    checkBadgeNode(badge.node, ctx);
    outcome.name = str(badge.node.name);
    issuer = await loadNode(badge.node.issuer, "issuer", ctx);
    if (issuer) checkIssuerNode(issuer.node, ctx);
  }
  outcome.issuer = issuerInfo(issuer?.node ?? null);
  return issuer;
}

/** A badge Credly serves, listed by the person's own Credly profile: its earner is this person. */
function credlyEarner(assertionId: string, ctx: Ob2Context): boolean {
  const id = credlyBadgeId(assertionId);
  return id !== null && (ctx.credlyBadges ?? []).includes(id);
}

async function verifyAssertion(
  input: JsonObject,
  ctx: Ob2Context,
  outcome: Ob2Outcome,
): Promise<Ob2Outcome> {
  let assertion = input;
  const { hosted, signed } = verificationType(assertion, ctx);
  const assertionId = str(assertion.id);
  if (!assertionId) ctx.reasons.error(C.propertyMissing, "The assertion has no id.");
  let servedAtId = false;
  if (hosted && assertionId) {
    const fresh = await refetchHosted(assertion, assertionId, ctx);
    assertion = fresh.assertion;
    servedAtId = fresh.servedAtId;
  }
  checkAssertionFields(assertion, ctx, outcome);
  for (const e of asArray(assertion.evidence)) {
    const id = idOf(e);
    if (id && isHttpUrl(id)) {
      outcome.evidenceUrl = id;
      break;
    }
  }
  if (assertionId && isHttpUrl(assertionId)) outcome.credentialUrl = assertionId;
  if (servedAtId && assertionId && credlyEarner(assertionId, ctx)) {
    outcome.recipientMatch = true;
    ctx.reasons.info(
      C.recipientCredlyEarner,
      "The badge is on this person's own Credly profile, served by Credly.",
    );
  } else if (isObject(assertion.recipient)) {
    outcome.recipientMatch = ob2RecipientMatches(assertion.recipient, ctx.expectedEmails);
    reportRecipient(outcome.recipientMatch, ctx);
  }
  const issuer = await loadBadgeAndIssuer(assertion, ctx, outcome);
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
