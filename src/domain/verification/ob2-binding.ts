import { compactVerify, decodeProtectedHeader, importSPKI } from "jose";
import { errorMessage, fetchJson } from "./fetch-json.ts";
import { asArray, idOf, isHttpUrl, isObject, type JsonObject, str } from "./json.ts";
import type { Loaded, Ob2Context } from "./ob2-nodes.ts";
import { REASON_CODES as C } from "./reasons.ts";
import {
  originOf,
  servedFrom,
  TRUST_CODES as T,
  hostOf as trustHostOf,
  trustReason,
} from "./trust.ts";

/**
 * Open Badges 2.0 hosting and signatures: the issuer's verification policy, the signed badge's
 * key and revocation list, and whether the hosting or the key binds the badge to its issuer.
 */

/** The issuer's own profile, served from its id: only then do its policy and keys count. */
function provenIssuer(issuer: Loaded, ctx: Ob2Context): boolean {
  if (issuer.servedFromId) return true;
  const says = str(issuer.node.id);
  ctx.trust?.unbound(
    trustReason(
      T.issuerUnproven,
      !issuer.url
        ? { detail: "embedded" }
        : says
          ? { detail: "not_own", values: { url: issuer.url, id: says } }
          : { detail: "not_own_no_id", values: { url: issuer.url } },
    ),
  );
  return false;
}

/** A hosted badge is bound when it was served at its id, from an origin its (proven) issuer allows. */
export function bindHosted(
  assertionId: string,
  servedAtId: boolean,
  issuer: Loaded,
  ctx: Ob2Context,
) {
  if (!provenIssuer(issuer, ctx)) return;
  if (!servedAtId) {
    ctx.trust?.unbound(
      trustReason(T.hostUnbound, { detail: "not_at_id", values: { id: assertionId } }),
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
  if (hostOk && prefixOk) ctx.trust?.bound();
  else
    ctx.trust?.unbound(
      trustReason(T.hostUnbound, {
        detail: "not_allowed",
        values: { host: host ?? "?", issuer: issuerHost ?? "?" },
      }),
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
export function checkHostedPolicy(assertionId: string, issuer: JsonObject, ctx: Ob2Context): void {
  const policy = isObject(issuer.verification) ? issuer.verification : {};
  const startsWith = asArray(policy.startsWith).filter((s): s is string => typeof s === "string");
  let origins = asArray(policy.allowedOrigins).filter((s): s is string => typeof s === "string");
  if (origins.length === 0 && startsWith.length === 0) {
    const issuerId = str(issuer.id);
    const host = issuerId && isHttpUrl(issuerId) ? hostOf(issuerId) : null;
    if (!host) {
      ctx.reasons.warn(C.verificationPolicyUncheckable, { detail: "ob2" });
      return;
    }
    origins = [host];
  }
  const host = hostOf(assertionId);
  if (origins.length > 0 && (!host || !origins.some((o) => o.toLowerCase() === host))) {
    ctx.reasons.error(C.verificationPolicy, {
      detail: "ob2_origin",
      values: { host: host ?? "?", allowed: origins.join(", ") },
    });
  }
  if (startsWith.length > 0 && !startsWith.some((p) => assertionId.startsWith(p))) {
    ctx.reasons.error(C.verificationPolicy, {
      detail: "ob2_prefix",
      values: { allowed: startsWith.join(", ") },
    });
  }
}

/** Signed assertion: RS256 JWS by a key the issuer lists, then the issuer's revocation list. */
export async function checkSigned(
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
    reasons.error(C.signatureInvalid, { detail: "ob2_header" });
    return;
  }
  if (alg !== "RS256") {
    reasons.error(C.signatureInvalid, {
      detail: alg ? "ob2_alg" : "ob2_no_alg",
      values: alg ? { alg } : {},
    });
    return;
  }
  const verification = isObject(assertion.verification) ? assertion.verification : {};
  const creator = idOf(verification.creator);
  const issuerKeys = asArray(issuer.publicKey)
    .map(idOf)
    .filter((k): k is string => !!k);
  const keyUrl = creator ?? (issuerKeys.length === 1 ? issuerKeys[0] : null);
  if (!keyUrl) {
    reasons.error(C.keyUnresolvable, { detail: "ob2_unnamed" });
    return;
  }
  if (!issuerKeys.includes(keyUrl)) {
    reasons.error(C.keyNotAuthorized, { detail: "ob2_foreign", values: { url: keyUrl } });
    return;
  }
  const got = await fetchJson(ctx.fetcher, keyUrl);
  if (!got.ok || !isObject(got.json) || typeof got.json.publicKeyPem !== "string") {
    reasons.error(C.keyUnresolvable, { detail: "ob2_unloaded", values: { url: keyUrl } });
    return;
  }
  const owner = idOf(got.json.owner);
  if (owner && owner !== str(issuer.id)) {
    reasons.error(C.keyNotAuthorized, { detail: "ob2_owner", values: { owner } });
    return;
  }
  try {
    const key = await importSPKI(got.json.publicKeyPem, "RS256");
    await compactVerify(jws, key, { algorithms: ["RS256"] });
    reasons.info(C.signatureValid, { detail: "ob2" });
    bindSigningKey(keyUrl, owner, got.resource, loaded, ctx);
  } catch (err) {
    reasons.error(C.signatureInvalid, { detail: "ob2", values: { error: errorMessage(err) } });
    return;
  }

  const listUrl = idOf(issuer.revocationList);
  if (!listUrl) return;
  const list = await fetchJson(ctx.fetcher, listUrl);
  if (!list.ok || !isObject(list.json)) {
    reasons.warn(C.revocationListUnreachable, { detail: "ob2" });
    return;
  }
  const revoked = asArray(list.json.revokedAssertions ?? list.json.revoked);
  const ids = new Set([str(assertion.id), str(assertion.uid)].filter((x): x is string => !!x));
  for (const entry of revoked) {
    const id =
      typeof entry === "string" ? entry : isObject(entry) ? (idOf(entry) ?? str(entry.uid)) : null;
    if (id && ids.has(id)) {
      const why = isObject(entry) ? str(entry.revocationReason) : null;
      reasons.error(C.hostedRevoked, {
        detail: why ? "badge_why" : "badge",
        values: why ? { why } : {},
      });
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
    ctx.trust?.bound();
  } else {
    ctx.trust?.unbound(
      trustReason(T.keyUnbound, { detail: "ob2_not_at_issuer", values: { id: keyUrl } }),
    );
  }
}
