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
    reasons.error(C.contextInvalid, { detail: "ob2_missing" });
    return outcome;
  }
  let node: JsonObject;
  try {
    node = await compact(input);
  } catch (err) {
    reasons.error(C.contextInvalid, { detail: "ob2", values: { error: errorMessage(err) } });
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
    ctx.reasons.warn(C.recipientNotCheckable, { detail: "no_assertion" });
  }
}

/** How the assertion says it is verified: hosted at its id, or signed (then given as a JWS). */
function verificationType(assertion: JsonObject, ctx: Ob2Context) {
  const verification = isObject(assertion.verification) ? assertion.verification : null;
  const vtype = str(verification?.type) ?? (ctx.jws ? "signed" : null);
  const hosted = vtype === "hosted" || vtype === "HostedBadge";
  const signed = vtype === "signed" || vtype === "SignedBadge";
  if (!hosted && !signed) {
    ctx.reasons.error(C.propertyInvalid, { detail: "ob2_verification" });
  }
  if (signed && !ctx.jws) {
    ctx.reasons.error(C.signatureInvalid, { detail: "ob2_unsigned" });
  }
  return { hosted, signed };
}

/** Required properties, the image, and the issue and expiry dates against `ctx.now`. */
function checkAssertionFields(assertion: JsonObject, ctx: Ob2Context, outcome: Ob2Outcome) {
  const { reasons } = ctx;
  if (assertion.revoked === true) {
    const why = str(assertion.revocationReason);
    reasons.error(C.hostedRevoked, {
      detail: why ? "badge_why" : "badge",
      values: why ? { why } : {},
    });
  }
  for (const p of ["recipient", "badge", "verification", "issuedOn"]) {
    if (assertion[p] === undefined)
      reasons.error(C.propertyMissing, { detail: "ob2_assertion", values: { property: p } });
  }
  const image = idOf(assertion.image);
  if (image?.startsWith("data:")) {
    reasons.error(C.dataUriImage, { detail: "ob2" });
  }
  const issued = parseDate(assertion.issuedOn);
  const expires = parseDate(assertion.expires);
  outcome.issuedOn = issued ? issued.toISOString() : null;
  outcome.expires = expires ? expires.toISOString() : null;
  if (assertion.issuedOn !== undefined && !issued) {
    reasons.error(C.propertyInvalid, { detail: "ob2_issued" });
  }
  if (issued && issued.getTime() > ctx.now.getTime()) {
    reasons.error(C.issuedInFuture, {
      detail: "ob2",
      values: { date: String(assertion.issuedOn) },
    });
  }
  if (issued && expires && expires.getTime() < issued.getTime()) {
    reasons.error(C.expiresBeforeIssued, { detail: "ob2" });
  }
  if (expires && expires.getTime() < ctx.now.getTime()) {
    reasons.error(C.expired, { detail: "ob2", values: { date: String(assertion.expires) } });
  }
}

/** The badge class and its issuer, loaded and checked; the issuer is null when it can't be. */
async function loadBadgeAndIssuer(
  assertion: JsonObject,
  ctx: Ob2Context,
  outcome: Ob2Outcome,
): Promise<Loaded | null> {
  const badge = await loadNode(assertion.badge, "badge_class", ctx);
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
  if (!assertionId) ctx.reasons.error(C.propertyMissing, { detail: "ob2_assertion_id" });
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
    ctx.reasons.info(C.recipientCredlyEarner, { detail: "ob2" });
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
    ctx.reasons.info(C.recipientMatch, { detail: "ob2" });
  } else if (match === false) {
    ctx.reasons.error(C.recipientMismatch, { detail: "ob2" });
  } else if (ctx.expectedEmails.length > 0) {
    ctx.reasons.warn(C.recipientNotCheckable, { detail: "ob2" });
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
    ctx.reasons.error(C.propertyInvalid, { detail: "ob2_hosted_id" });
    return stale;
  }
  if (ctx.fetchedFrom === assertionId) return { assertion, servedAtId: true };
  const got = await fetchJson(ctx.fetcher, assertionId);
  if (!got.ok) {
    if (got.status === 410) {
      ctx.reasons.error(C.hostedRevoked, { detail: "gone" });
    } else {
      ctx.reasons.warn(C.hostedUnreachable, {
        detail: "ob2",
        values: { url: assertionId, error: got.message },
      });
    }
    return stale;
  }
  if (!isObject(got.json)) return stale;
  try {
    const fresh = await compact(got.json);
    if (str(fresh.id) !== assertionId) {
      ctx.reasons.error(C.hostedMismatch, { detail: "ob2", values: { url: assertionId } });
      return stale;
    }
    return {
      assertion: fresh,
      servedAtId: servedFrom(got.resource, originOf(assertionId) ?? ""),
    };
  } catch (err) {
    ctx.reasons.error(C.contextInvalid, {
      detail: "ob2_hosted",
      values: { error: errorMessage(err) },
    });
    return stale;
  }
}
