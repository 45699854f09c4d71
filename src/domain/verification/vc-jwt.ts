import * as EcdsaMultikey from "@digitalbazaar/ecdsa-multikey";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import {
  calculateJwkThumbprint,
  decodeJwt,
  decodeProtectedHeader,
  importJWK,
  type JWK,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
} from "jose";
import { errorMessage, fetchJson } from "./fetch-json.ts";
import { asArray, idOf, isHttpUrl, isObject, type JsonObject, str } from "./json.ts";
import {
  type KeyBinding,
  keyFailure,
  multikeyAlgorithm,
  resolveVerificationMethod,
  unbound,
} from "./keys.ts";
import { REASON_CODES as C, type Reasons } from "./reasons.ts";
import { originOf, servedFrom, type TrustEvidence } from "./trust.ts";
import type { Fetcher, Reason } from "./types.ts";

const ALGORITHMS = ["RS256", "ES256", "EdDSA"];

export interface DecodedVcJwt {
  credential: JsonObject;
  payload: JWTPayload;
  header: JsonObject;
}

/** The credential inside a VC-JWT: the `vc` claim (VCDM 1.1) or the payload itself (VCDM 2.0). */
export function decodeVcJwt(jwt: string): DecodedVcJwt | null {
  try {
    const header = decodeProtectedHeader(jwt) as JsonObject;
    const payload = decodeJwt(jwt);
    const credential = isObject(payload.vc) ? payload.vc : (payload as JsonObject);
    return { credential, payload, header };
  } catch {
    return null;
  }
}

async function multikeyToJwk(multikey: string): Promise<JWK | null> {
  const alg = multikeyAlgorithm(multikey);
  const key = { type: "Multikey", publicKeyMultibase: multikey };
  if (alg === "Ed25519") {
    return (await Ed25519Multikey.toJwk({ keyPair: await Ed25519Multikey.from(key) })) as JWK;
  }
  if (alg === "P-256") {
    return (await EcdsaMultikey.toJwk({ keyPair: await EcdsaMultikey.from(key) })) as JWK;
  }
  return null;
}

async function jwkFromMethod(method: JsonObject): Promise<JWK | null> {
  if (isObject(method.publicKeyJwk)) return method.publicKeyJwk as JWK;
  if (typeof method.publicKeyMultibase === "string")
    return multikeyToJwk(method.publicKeyMultibase);
  return null;
}

function pickFromJwks(doc: JsonObject, kid: string | null): JWK | null {
  const keys = asArray(doc.keys).filter(isObject) as JWK[];
  if (kid)
    return (
      keys.find((k) => k.kid === kid || (kid.includes("#") && k.kid === kid.split("#")[1])) ?? null
    );
  return keys.length === 1 ? (keys[0] ?? null) : null;
}

type FoundKey = { jwk: JWK; binding: KeyBinding } | { error: Reason };

/** The issuer's published key set: its profile's own `keys`, or its `jwks_uri` on the same origin. */
async function issuerKeySet(issuerId: string | null, fetcher: Fetcher): Promise<JsonObject | null> {
  const origin = originOf(issuerId);
  if (!issuerId || !origin) return null;
  const got = await fetchJson(fetcher, issuerId);
  if (!got.ok || !isObject(got.json) || !servedFrom(got.resource, origin)) return null;
  if (Array.isArray(got.json.keys)) return got.json;
  const jwksUri = str(got.json.jwks_uri) ?? str(got.json.jwksUri);
  if (!jwksUri || originOf(jwksUri) !== origin) return null;
  const ks = await fetchJson(fetcher, jwksUri);
  return ks.ok && isObject(ks.json) && servedFrom(ks.resource, origin) ? ks.json : null;
}

/** True when the issuer's published key set holds the same key (by JWK thumbprint). */
async function issuerPublishesJwk(
  jwk: JWK,
  issuerId: string | null,
  fetcher: Fetcher,
): Promise<boolean> {
  const set = await issuerKeySet(issuerId, fetcher);
  if (!set) return false;
  let want: string;
  try {
    want = await calculateJwkThumbprint(jwk);
  } catch {
    return false;
  }
  for (const k of asArray(set.keys).filter(isObject) as JWK[]) {
    try {
      if ((await calculateJwkThumbprint(k)) === want) return true;
    } catch {
      // a malformed entry matches nothing
    }
  }
  return false;
}

/** Finds the verification key: header jwk, kid (DID URL or URL), else the issuer's JWKS. */
async function findKey(
  header: JsonObject,
  issuerId: string | null,
  fetcher: Fetcher,
): Promise<FoundKey> {
  if (isObject(header.jwk)) {
    const jwk = header.jwk as JWK;
    // anyone can put a key in the header; it counts only when the issuer publishes it too
    const binding: KeyBinding = (await issuerPublishesJwk(jwk, issuerId, fetcher))
      ? { bound: true }
      : unbound({ detail: "jwt_header_only" });
    return { jwk, binding };
  }
  const kid = str(header.kid);
  if (kid?.startsWith("did:")) {
    const resolved = await resolveVerificationMethod(kid, issuerId, fetcher);
    if (!resolved.ok) return { error: resolved.cause };
    const jwk = await jwkFromMethod(resolved.value.method);
    return jwk
      ? { jwk, binding: resolved.value.binding }
      : { error: keyFailure("no_usable_key", { id: kid }) };
  }
  if (kid && isHttpUrl(kid)) {
    const got = await fetchJson(fetcher, kid);
    if (!got.ok || !isObject(got.json)) return { error: keyFailure("key_unloaded", { id: kid }) };
    const doc = got.json;
    const jwk =
      typeof doc.kty === "string"
        ? (doc as JWK)
        : (pickFromJwks(doc, kid) ?? (await jwkFromMethod(doc)));
    const origin = originOf(issuerId);
    const binding: KeyBinding =
      origin && originOf(kid) === origin && servedFrom(got.resource, origin)
        ? { bound: true }
        : unbound({ detail: "jwt_not_at_issuer", values: { id: kid } });
    return jwk ? { jwk, binding } : { error: keyFailure("holds_no_key", { id: kid }) };
  }
  const set = await issuerKeySet(issuerId, fetcher);
  const jwk = set ? pickFromJwks(set, kid) : null;
  if (jwk) return { jwk, binding: { bound: true } };
  return { error: keyFailure("jwt_no_key") };
}

/** Verifies a VC-JWT's signature and iss / jti / nbf / exp claims. */
export async function verifyVcJwt(
  jwt: string,
  decoded: DecodedVcJwt,
  fetcher: Fetcher,
  now: Date,
  reasons: Reasons,
  trust?: TrustEvidence,
): Promise<void> {
  const { header, payload, credential } = decoded;
  const alg = str(header.alg);
  if (!alg || !ALGORITHMS.includes(alg)) {
    reasons.error(C.proofUnsupported, {
      detail: alg ? "jwt_alg" : "jwt_no_alg",
      values: alg ? { alg } : {},
    });
    return;
  }
  const issuerId = idOf(credential.issuer);
  if (payload.iss !== undefined && issuerId && payload.iss !== issuerId) {
    reasons.error(C.jwtClaimMismatch, { detail: "iss", values: { iss: String(payload.iss) } });
  }
  const credentialId = str(credential.id);
  if (payload.jti !== undefined && credentialId && payload.jti !== credentialId) {
    reasons.error(C.jwtClaimMismatch, { detail: "jti" });
  }
  const key = await findKey(header, str(payload.iss) ?? issuerId, fetcher);
  if ("error" in key) {
    reasons.error(C.keyUnresolvable, { detail: "jwt", cause: key.error });
    return;
  }
  try {
    const cryptoKey = await importJWK(key.jwk, alg);
    await jwtVerify(jwt, cryptoKey, { algorithms: [alg], currentDate: now });
    reasons.info(C.signatureValid, { detail: "jwt" });
    if (key.binding.bound) trust?.bound();
    else trust?.unbound(key.binding.reason);
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) {
      reasons.error(C.expired, { detail: "jwt" });
    } else if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === "nbf") {
      reasons.error(C.issuedInFuture, { detail: "jwt" });
    } else {
      reasons.error(C.signatureInvalid, { detail: "jwt", values: { error: errorMessage(err) } });
    }
  }
}
