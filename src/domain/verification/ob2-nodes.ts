import jsonld from "jsonld";
import { offlineDocumentLoader } from "./contexts.ts";
import { errorMessage, fetchJson } from "./fetch-json.ts";
import { idOf, isHttpUrl, isObject, type JsonObject, str, typesOf } from "./json.ts";
import { REASON_CODES as C, type Reasons } from "./reasons.ts";
import { originOf, servedFrom, type TrustEvidence } from "./trust.ts";
import type { Fetcher, IssuerInfo } from "./types.ts";

// Open Badges 2.0: the shapes every step shares; loading and checking issuer and badge class nodes.

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
  /** Badge ids on the person's own Credly profile (lower case). */
  credlyBadges?: readonly string[];
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

export async function compact(
  doc: JsonObject,
  context: unknown = OB2_CONTEXT,
): Promise<JsonObject> {
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
/** Which 2.0 node a reason is about; the catalogue words it. */
export type Ob2Node = "document" | "issuer" | "badge_class";

export function checkTypes(node: JsonObject, label: Ob2Node, reasons: Reasons): string[] {
  const types = typesOf(node);
  if (types.length === 0) {
    reasons.error(C.typeInvalid, { detail: "ob2_none", values: { node: label } });
    return types;
  }
  for (const t of types) {
    if (!OB2_CLASSES.has(t) && !isAbsoluteIri(t)) {
      reasons.error(C.typeInvalid, { detail: "ob2_unknown", values: { node: label, type: t } });
    }
  }
  return types;
}

export function parseDate(v: unknown): Date | null {
  if (typeof v !== "string") return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

export interface Loaded {
  node: JsonObject;
  url: string | null;
  /** Fetched from its own id, and not redirected to another origin. */
  servedFromId: boolean;
}

/** Loads a node given by IRI (fetched) or embedded (already compacted). */
export async function loadNode(
  ref: unknown,
  label: Ob2Node,
  ctx: Ob2Context,
): Promise<Loaded | null> {
  if (isObject(ref)) return { node: ref, url: null, servedFromId: false };
  if (typeof ref !== "string") {
    ctx.reasons.error(C.propertyMissing, { detail: "ob2_node", values: { node: label } });
    return null;
  }
  if (!isHttpUrl(ref)) {
    ctx.reasons.error(C.propertyInvalid, {
      detail: "ob2_node_url",
      values: { node: label, url: ref },
    });
    return null;
  }
  const got = await fetchJson(ctx.fetcher, ref);
  if (!got.ok || !isObject(got.json)) {
    ctx.reasons.error(
      C.fetchFailed,
      got.ok
        ? { detail: "ob2_node_not_object", values: { node: label, url: ref } }
        : { detail: "ob2_node", values: { node: label, url: ref, error: got.message } },
    );
    return null;
  }
  let node: JsonObject;
  try {
    node = await compact(got.json);
  } catch (err) {
    ctx.reasons.error(C.contextInvalid, {
      detail: "ob2_node",
      values: { node: label, url: ref, error: errorMessage(err) },
    });
    return null;
  }
  const id = str(node.id);
  if (id && id !== ref) {
    ctx.reasons.warn(C.idMismatch, { detail: "ob2", values: { node: label, url: ref, id } });
  }
  const servedFromId = id === ref && servedFrom(got.resource, originOf(ref) ?? "");
  return { node, url: ref, servedFromId };
}

export function checkIssuerNode(issuer: JsonObject, ctx: Ob2Context): void {
  const types = checkTypes(issuer, "issuer", ctx.reasons);
  if (types.length > 0 && !types.some((t) => t === "Issuer" || t === "Profile")) {
    ctx.reasons.error(C.typeInvalid, { detail: "ob2_issuer", values: { type: types.join(", ") } });
  }
  if (!str(issuer.id)) ctx.reasons.error(C.propertyMissing, { detail: "ob2_issuer_id" });
  if (!str(issuer.name)) ctx.reasons.error(C.propertyMissing, { detail: "ob2_issuer_name" });
}

export function checkBadgeNode(badge: JsonObject, ctx: Ob2Context): void {
  const types = checkTypes(badge, "badge_class", ctx.reasons);
  if (types.length > 0 && !types.includes("BadgeClass")) {
    ctx.reasons.error(C.typeInvalid, { detail: "ob2_badge", values: { type: types.join(", ") } });
  }
  for (const p of ["id", "name", "description", "criteria", "issuer"]) {
    if (badge[p] === undefined)
      ctx.reasons.error(C.propertyMissing, { detail: "ob2_badge", values: { property: p } });
  }
}

export function issuerInfo(issuer: JsonObject | null): IssuerInfo | null {
  if (!issuer) return null;
  return { name: str(issuer.name), id: str(issuer.id), url: idOf(issuer.url) };
}
