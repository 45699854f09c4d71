import { createHash } from "node:crypto";
import jsonld from "jsonld";
import { offlineDocumentLoader } from "./contexts.ts";
import { errorMessage } from "./fetch-json.ts";
import { asArray, idOf, isHttpUrl, isObject, type JsonObject, str, typesOf } from "./json.ts";
import { reportRecipient } from "./ob2.ts";
import { verifyEmbeddedProofs } from "./proofs.ts";
import { REASON_CODES as C, Reasons } from "./reasons.ts";
import { checkCredentialStatus } from "./status.ts";
import type { TrustEvidence } from "./trust.ts";
import type { Fetcher, IssuerInfo } from "./types.ts";

export const VC_V2 = "https://www.w3.org/ns/credentials/v2";
export const VC_V1 = "https://www.w3.org/2018/credentials/v1";
const OB3_CURRENT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
const OB3_CONTEXT =
  /^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/(context(-3\.0\.\d+)?\.json|context\/ob_v3p0\.jsonld)$/;
const MAX_ENDORSEMENT_DEPTH = 2;
/** Endorsements checked per credential; each costs fetches and signature checks. */
export const MAX_ENDORSEMENTS = 10;
/** More endorsements than this and the credential is not processed at all: it is a flood. */
export const ENDORSEMENT_FLOOD = 50;

export interface Ob3Context {
  fetcher: Fetcher;
  now: Date;
  expectedEmails: readonly string[];
  reasons: Reasons;
  /** True when the credential came inside a VC-JWT whose signature is checked separately. */
  jwtSecured: boolean;
  depth?: number;
  /** Collects how the credential is tied to its issuer (the outer credential only). */
  trust?: TrustEvidence;
}

export interface Ob3Outcome {
  issuer: IssuerInfo | null;
  name: string | null;
  issuedOn: string | null;
  expires: string | null;
  recipientMatch: boolean | "not_checkable";
  evidenceUrl: string | null;
  credentialUrl: string | null;
}

export function looksLikeVc(doc: JsonObject): boolean {
  const ctx = asArray(doc["@context"]);
  return (
    ctx.includes(VC_V2) ||
    ctx.includes(VC_V1) ||
    typesOf(doc).includes("VerifiableCredential") ||
    JSON.stringify(doc["@context"] ?? "").includes("ob/v3p0")
  );
}

type Kind = "achievement" | "endorsement" | "statusList" | null;

function kindOf(types: string[]): Kind {
  if (types.includes("OpenBadgeCredential") || types.includes("AchievementCredential")) {
    return "achievement";
  }
  if (types.includes("EndorsementCredential")) return "endorsement";
  if (types.includes("BitstringStatusListCredential")) return "statusList";
  return null;
}

function parseDate(v: unknown): Date | null {
  if (typeof v !== "string") return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

function checkContexts(doc: JsonObject, kind: Kind, reasons: Reasons): void {
  const ctx = asArray(doc["@context"]);
  const first = ctx[0];
  if (first === VC_V1) {
    reasons.warn(C.contextOutdated, { detail: "vc11" });
  } else if (first !== VC_V2) {
    reasons.error(C.contextInvalid, {
      detail: "vc_first",
      values: { expected: VC_V2, found: JSON.stringify(first ?? null) },
    });
  }
  if (kind === "statusList" || kind === null) return;
  const ob = ctx.filter((c): c is string => typeof c === "string" && OB3_CONTEXT.test(c));
  if (ob.length === 0) {
    reasons.error(C.contextInvalid, { detail: "ob3_missing" });
  } else if (!ob.includes(OB3_CURRENT)) {
    reasons.warn(C.contextOutdated, {
      detail: "ob3",
      values: { found: String(ob[0]), expected: OB3_CURRENT },
    });
  }
}

/** Which 3.0 node a type reason is about; the catalogue words it. */
type Ob3Node =
  | `${"issuer" | "creator" | "source"}${"" | "_parent" | "_identifier"}`
  | "subject"
  | "achievement"
  | "result_description"
  | "result"
  | "identifier"
  | "evidence";

function requireType(node: unknown, expected: string, label: Ob3Node, reasons: Reasons): void {
  if (!isObject(node)) return;
  const types = typesOf(node);
  if (!types.includes(expected)) {
    reasons.error(C.typeInvalid, {
      detail: types.length > 0 ? "vc_node" : "vc_node_none",
      values: { node: label, type: types.join(", "), expected },
    });
  }
}

function checkProfile(
  profile: unknown,
  label: "issuer" | "creator" | "source",
  reasons: Reasons,
): void {
  if (!isObject(profile)) return;
  requireType(profile, "Profile", label, reasons);
  if (profile.parentOrg !== undefined)
    requireType(profile.parentOrg, "Profile", `${label}_parent`, reasons);
  for (const o of asArray(profile.otherIdentifier)) {
    requireType(o, "IdentifierEntry", `${label}_identifier`, reasons);
  }
}

function checkShape(doc: JsonObject, kind: Kind, reasons: Reasons): void {
  if (doc.issuer === undefined) {
    reasons.error(C.propertyMissing, { detail: "vc_issuer" });
  } else if (!idOf(doc.issuer)) {
    reasons.error(C.propertyInvalid, { detail: "vc_issuer_id" });
  }
  checkProfile(doc.issuer, "issuer", reasons);
  const subject = asArray(doc.credentialSubject)[0];
  if (!isObject(subject)) {
    reasons.error(C.propertyMissing, { detail: "vc_subject" });
    return;
  }
  if (kind === "endorsement") {
    requireType(subject, "EndorsementSubject", "subject", reasons);
  } else if (kind === "statusList") {
    requireType(subject, "BitstringStatusList", "subject", reasons);
  } else if (kind === "achievement") {
    requireType(subject, "AchievementSubject", "subject", reasons);
    const achievement = subject.achievement;
    if (!isObject(achievement)) {
      reasons.error(C.propertyMissing, { detail: "vc_achievement" });
    } else {
      requireType(achievement, "Achievement", "achievement", reasons);
      for (const rd of asArray(achievement.resultDescription)) {
        requireType(rd, "ResultDescription", "result_description", reasons);
      }
      if (achievement.creator !== undefined) checkProfile(achievement.creator, "creator", reasons);
    }
    for (const r of asArray(subject.result)) requireType(r, "Result", "result", reasons);
    for (const i of asArray(subject.identifier))
      requireType(i, "IdentityObject", "identifier", reasons);
    if (subject.source !== undefined) checkProfile(subject.source, "source", reasons);
  }
  for (const e of asArray(doc.evidence)) requireType(e, "Evidence", "evidence", reasons);
}

/** Strict JSON-LD expansion: every term must be defined by the (bundled) contexts. */
async function checkJsonLd(doc: JsonObject, reasons: Reasons): Promise<void> {
  try {
    await jsonld.expand(doc, { documentLoader: offlineDocumentLoader(), safe: true, base: null });
  } catch (err) {
    reasons.error(C.jsonLdInvalid, { detail: "vc", values: { error: errorMessage(err) } });
  }
}

/** Recipient identifier hash: sha256$hex(email + salt), or a plain email, compared case-insensitively. */
export function ob3RecipientMatches(
  subject: JsonObject,
  emails: readonly string[],
): boolean | "not_checkable" {
  if (emails.length === 0) return "not_checkable";
  const candidates = [...new Set(emails.flatMap((e) => [e.trim(), e.trim().toLowerCase()]))];
  let checkable = false;
  for (const ident of asArray(subject.identifier)) {
    if (!isObject(ident) || str(ident.identityType) !== "emailAddress") continue;
    const hash = str(ident.identityHash);
    if (!hash) continue;
    checkable = true;
    const salt = typeof ident.salt === "string" ? ident.salt : "";
    if (ident.hashed === true) {
      const m = /^(sha256|md5)\$([0-9a-fA-F]+)$/.exec(hash);
      if (m?.[1] && m[2]) {
        const algo = m[1];
        const want = m[2].toLowerCase();
        if (
          candidates.some(
            (e) =>
              createHash(algo)
                .update(e + salt)
                .digest("hex") === want,
          )
        )
          return true;
      }
    } else if (candidates.some((e) => e.toLowerCase() === hash.toLowerCase())) {
      return true;
    }
  }
  const id = str(subject.id);
  if (id?.startsWith("mailto:")) {
    checkable = true;
    if (candidates.some((e) => e.toLowerCase() === id.slice(7).toLowerCase())) return true;
  }
  return checkable ? false : "not_checkable";
}

/** Collects embedded endorsements, stopping once there are more than `max`. */
function collectEndorsements(v: unknown, out: JsonObject[], depth: number, max: number): void {
  if (depth > 6 || out.length > max) return;
  if (Array.isArray(v)) {
    for (const x of v) collectEndorsements(x, out, depth + 1, max);
    return;
  }
  if (!isObject(v)) return;
  for (const e of asArray(v.endorsement)) {
    if (out.length > max) return;
    if (isObject(e)) out.push(e);
  }
  for (const [k, x] of Object.entries(v)) {
    if (k !== "endorsement" && k !== "proof") collectEndorsements(x, out, depth + 1, max);
  }
}

function floodOutcome(doc: JsonObject): Ob3Outcome {
  return {
    issuer: null,
    name: str(doc.name),
    issuedOn: null,
    expires: null,
    recipientMatch: "not_checkable",
    evidenceUrl: null,
    credentialUrl: null,
  };
}

export async function verifyOb3(doc: JsonObject, ctx: Ob3Context): Promise<Ob3Outcome> {
  const { reasons } = ctx;
  const types = typesOf(doc);
  const kind = kindOf(types);
  if (!types.includes("VerifiableCredential") || kind === null) {
    reasons.error(C.typeInvalid, {
      detail: types.length > 0 ? "vc" : "vc_none",
      values: { type: types.join(", ") },
    });
  }
  const counted: JsonObject[] = [];
  collectEndorsements(doc, counted, 0, ENDORSEMENT_FLOOD);
  if (counted.length > ENDORSEMENT_FLOOD) {
    reasons.error(C.endorsementFlood, { detail: "vc", values: { count: ENDORSEMENT_FLOOD } });
    return floodOutcome(doc);
  }
  checkContexts(doc, kind, reasons);
  await checkJsonLd(doc, reasons);
  checkShape(doc, kind, reasons);

  const v2 = asArray(doc["@context"])[0] !== VC_V1;
  const fromRaw = v2 ? doc.validFrom : (doc.issuanceDate ?? doc.validFrom);
  const untilRaw = v2 ? doc.validUntil : (doc.expirationDate ?? doc.validUntil);
  const from = parseDate(fromRaw);
  const until = parseDate(untilRaw);
  if (fromRaw !== undefined && !from) reasons.error(C.propertyInvalid, { detail: "vc_start" });
  if (!v2 && fromRaw === undefined) reasons.error(C.propertyMissing, { detail: "vc_issued" });
  if (untilRaw !== undefined && !until) reasons.error(C.propertyInvalid, { detail: "vc_expiry" });
  if (from && from.getTime() > ctx.now.getTime()) {
    reasons.error(C.issuedInFuture, { detail: "vc", values: { date: String(fromRaw) } });
  }
  if (from && until && until.getTime() < from.getTime()) {
    reasons.error(C.expiresBeforeIssued, { detail: "vc" });
  }
  if (until && until.getTime() < ctx.now.getTime()) {
    reasons.error(C.expired, { detail: "vc", values: { date: String(untilRaw) } });
  }

  const issuerId = idOf(doc.issuer);
  if (!ctx.jwtSecured || doc.proof !== undefined) {
    await verifyEmbeddedProofs(doc, issuerId, ctx.fetcher, ctx.now, reasons, ctx.trust);
  }

  await checkCredentialStatus(doc, {
    fetcher: ctx.fetcher,
    reasons,
    verifyListProof: async (list, listReasons) =>
      (await verifyEmbeddedProofs(list, idOf(list.issuer), ctx.fetcher, ctx.now, listReasons))
        .verified,
  });

  if (asArray(doc.credentialSchema).length > 0) {
    reasons.info(C.schemaUnchecked, { detail: "vc" });
  }

  // embedded endorsements are credentials too; their failures make this one fail
  const depth = ctx.depth ?? 0;
  if (depth < MAX_ENDORSEMENT_DEPTH) {
    const endorsements: JsonObject[] = [];
    collectEndorsements(doc, endorsements, 0, MAX_ENDORSEMENTS);
    if (endorsements.length > MAX_ENDORSEMENTS) {
      reasons.info(C.endorsementSkipped, { detail: "vc", values: { count: MAX_ENDORSEMENTS } });
    }
    for (const e of endorsements.slice(0, MAX_ENDORSEMENTS)) {
      const inner = new Reasons();
      await verifyOb3(e, {
        ...ctx,
        reasons: inner,
        jwtSecured: false,
        expectedEmails: [],
        depth: depth + 1,
        trust: undefined,
      });
      for (const r of inner.list.filter((x) => x.severity === "error")) {
        const id = str(e.id);
        reasons.error(C.endorsementInvalid, {
          detail: id ? "vc" : "vc_no_id",
          values: id ? { id } : {},
          cause: r,
        });
      }
    }
  }

  const subject = asArray(doc.credentialSubject).find(isObject) ?? null;
  const achievement = subject && isObject(subject.achievement) ? subject.achievement : null;
  const issuer = doc.issuer;
  const recipientMatch =
    kind === "achievement" && subject
      ? ob3RecipientMatches(subject, ctx.expectedEmails)
      : "not_checkable";
  if (depth === 0) reportRecipient(recipientMatch, ctx);
  const evidence =
    asArray(doc.evidence)
      .map(idOf)
      .find((e): e is string => !!e && isHttpUrl(e)) ?? null;
  return {
    issuer: issuerId
      ? {
          id: issuerId,
          name: isObject(issuer) ? str(issuer.name) : null,
          url: isObject(issuer) ? idOf(issuer.url) : null,
        }
      : null,
    name: (achievement ? str(achievement.name) : null) ?? str(doc.name),
    issuedOn: from ? from.toISOString() : null,
    expires: until ? until.toISOString() : null,
    recipientMatch,
    evidenceUrl: evidence,
    credentialUrl: str(doc.id) && isHttpUrl(String(doc.id)) ? String(doc.id) : null,
  };
}
