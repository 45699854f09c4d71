import { decode as base58Decode } from "base58-universal";
import { fetchJson } from "./fetch-json.ts";
import { asArray, isObject, type JsonObject, str } from "./json.ts";
import { REASON_CODES, type ReasonText, reasonOf } from "./reasons.ts";
import { originOf, servedFrom, TRUST_CODES as T, trustReason } from "./trust.ts";
import type { Fetcher, Reason, ReasonValues } from "./types.ts";

export const MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1";
export const ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1";

export type MultikeyAlgorithm = "Ed25519" | "P-256";

/** Algorithm of a multibase multikey, or null when the string is not one. */
export function multikeyAlgorithm(value: string): MultikeyAlgorithm | null {
  if (!value.startsWith("z")) return null;
  let bytes: Uint8Array;
  try {
    bytes = base58Decode(value.slice(1));
  } catch {
    return null;
  }
  if (bytes.length === 34 && bytes[0] === 0xed && bytes[1] === 0x01) return "Ed25519";
  if (bytes.length === 35 && bytes[0] === 0x80 && bytes[1] === 0x24) return "P-256";
  return null;
}

/** Whether the key is published by the issuer itself, not just named by the credential. */
export type KeyBinding = { bound: true } | { bound: false; reason: Reason };

export interface ResolvedMethod {
  /** Verification method document handed to the proof suite. */
  method: JsonObject;
  /** Controller that must authorise the method for assertions. */
  controller: JsonObject;
  binding: KeyBinding;
}

const BOUND: KeyBinding = { bound: true };
/** A key its issuer does not publish, and why (`verify.reason.key.unbound.<detail>`). */
export const unbound = (text: ReasonText): KeyBinding => ({
  bound: false,
  reason: trustReason(T.keyUnbound, text),
});

/** Why a key could not be resolved: a `key.unresolvable` reason worded as a clause. */
export type MethodResolution = { ok: true; value: ResolvedMethod } | { ok: false; cause: Reason };

function multikeyMethod(
  id: string,
  controller: string,
  key: string,
  binding: KeyBinding,
): ResolvedMethod {
  return {
    binding,
    method: {
      "@context": MULTIKEY_CONTEXT,
      id,
      type: "Multikey",
      controller,
      publicKeyMultibase: key,
    },
    controller: { id: controller, assertionMethod: [id] },
  };
}

/** A key that cannot be resolved, and why (`verify.reason.key.unresolvable.<detail>`). */
export function keyFailure(detail: string, values: ReasonValues = {}): Reason {
  return reasonOf(REASON_CODES.keyUnresolvable, "error", { detail, values });
}

function fail(detail: string, values: ReasonValues = {}): MethodResolution {
  return { ok: false, cause: keyFailure(detail, values) };
}

/** did:web:host[:path] -> https://host/.well-known/did.json or https://host/path/did.json */
export function didWebUrl(did: string): string | null {
  const m = /^did:web:([^#?]+)$/.exec(did);
  if (!m?.[1]) return null;
  const parts = m[1].split(":").map((p) => decodeURIComponent(p));
  const host = parts.shift();
  if (!host || /[/\\@]/.test(host)) return null;
  return parts.length === 0
    ? `https://${host}/.well-known/did.json`
    : `https://${host}/${parts.map(encodeURIComponent).join("/")}/did.json`;
}

function findMethodInDocument(doc: JsonObject, methodId: string): JsonObject | null {
  const candidates = [
    ...asArray(doc.verificationMethod),
    ...asArray(doc.assertionMethod),
    ...asArray(doc.publicKey),
  ];
  const base = str(doc.id) ?? "";
  for (const c of candidates) {
    if (!isObject(c)) continue;
    const id = str(c.id);
    if (!id) continue;
    const absolute = id.startsWith("#") ? `${base}${id}` : id;
    if (absolute === methodId) return { ...c, id: absolute };
  }
  return null;
}

function authorises(doc: JsonObject, methodId: string): boolean {
  const base = str(doc.id) ?? "";
  return asArray(doc.assertionMethod).some((m) => {
    const id = typeof m === "string" ? m : isObject(m) ? str(m.id) : null;
    if (!id) return false;
    return (id.startsWith("#") ? `${base}${id}` : id) === methodId;
  });
}

function methodFromDocumentEntry(
  entry: JsonObject,
  controller: JsonObject,
  binding: KeyBinding,
): ResolvedMethod | null {
  const id = str(entry.id);
  if (!id) return null;
  if (typeof entry.publicKeyMultibase === "string" || isObject(entry.publicKeyJwk)) {
    return { method: { "@context": MULTIKEY_CONTEXT, ...entry }, controller, binding };
  }
  return null;
}

/**
 * Resolves a Data Integrity verification method the way the official validator does: key in the
 * URL fragment (controller must be the issuer), did:key, did:web, or a dereferenced key document.
 */
export async function resolveVerificationMethod(
  methodId: string,
  issuerId: string | null,
  fetcher: Fetcher,
): Promise<MethodResolution> {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(methodId)?.[1]?.toLowerCase();
  if (!scheme) return fail("not_uri", { id: methodId });

  const hash = methodId.indexOf("#");
  const fragment = hash >= 0 ? methodId.slice(hash + 1) : "";
  const base = hash >= 0 ? methodId.slice(0, hash) : methodId;

  if (scheme === "did") {
    const method = /^did:([a-z0-9]+):/.exec(base)?.[1];
    if (method === "key") {
      const key = base.slice("did:key:".length);
      if (!multikeyAlgorithm(key)) return fail("did_key_unsupported", { id: base });
      if (fragment && fragment !== key) return fail("did_key_fragment");
      const binding =
        base === issuerId ? BOUND : unbound({ detail: "did_key_other", values: { did: base } });
      return { ok: true, value: multikeyMethod(methodId, base, key, binding) };
    }
    if (method === "web") {
      const url = didWebUrl(base);
      if (!url) return fail("did_web_invalid", { id: base });
      const got = await fetchJson(fetcher, url);
      if (!got.ok || !isObject(got.json)) {
        // the fragment may still carry the key itself
        if (fragment && multikeyAlgorithm(fragment) && base === issuerId) {
          const binding = unbound({ detail: "did_web_name_only", values: { did: base, url } });
          return { ok: true, value: multikeyMethod(methodId, base, fragment, binding) };
        }
        return got.ok
          ? fail("did_doc_not_json", { url })
          : fail("did_doc_unloaded", { url, error: got.message });
      }
      const doc = got.json;
      if (str(doc.id) !== base) return fail("did_doc_id", { id: base });
      const entry = findMethodInDocument(doc, methodId);
      if (!entry) return fail("not_in_did_doc", { id: methodId });
      if (!authorises(doc, methodId)) {
        return fail("not_assertion_method", { id: methodId, controller: base });
      }
      const binding =
        base !== issuerId
          ? unbound({ detail: "did_other", values: { did: base, issuer: issuerId ?? "?" } })
          : servedFrom(got.resource, originOf(url) ?? "")
            ? BOUND
            : unbound({ detail: "did_doc_elsewhere", values: { did: base } });
      const resolved = methodFromDocumentEntry(
        entry,
        { id: base, assertionMethod: [methodId] },
        binding,
      );
      return resolved ? { ok: true, value: resolved } : fail("no_usable_key", { id: methodId });
    }
    return fail("did_method", { method: method ?? "?" });
  }

  if (scheme !== "http" && scheme !== "https") {
    return fail("scheme", { scheme });
  }

  if (fragment && multikeyAlgorithm(fragment)) {
    if (issuerId !== null && base !== issuerId) {
      return fail("controller_not_issuer", { controller: base, issuer: issuerId });
    }
    const binding = (await issuerPublishesKey(issuerId, fetcher, methodId, fragment))
      ? BOUND
      : unbound({ detail: "name_only" });
    return { ok: true, value: multikeyMethod(methodId, base, fragment, binding) };
  }

  const got = await fetchJson(fetcher, methodId);
  if (!got.ok || !isObject(got.json)) {
    return fail("method_unloaded", { id: methodId });
  }
  const doc = got.json;
  const entry = str(doc.id) === methodId ? doc : findMethodInDocument(doc, methodId);
  if (!entry) return fail("not_in_document", { id: methodId });
  const controllerId = str(entry.controller) ?? str(doc.id);
  if (!controllerId) return fail("no_controller", { id: methodId });
  let authorised = controllerId === issuerId && authorises(doc, methodId);
  if (!authorised) {
    const ctl = await fetchJson(fetcher, controllerId);
    authorised = ctl.ok && isObject(ctl.json) && authorises(ctl.json, methodId);
  }
  if (!authorised) return fail("not_authorised", { id: methodId });
  if (issuerId !== null && controllerId !== issuerId) {
    return fail("controller_not_issuer", { controller: controllerId, issuer: issuerId });
  }
  const origin = originOf(issuerId);
  const binding =
    origin && originOf(methodId) === origin && servedFrom(got.resource, origin)
      ? BOUND
      : unbound({ detail: "not_at_issuer", values: { id: methodId } });
  const resolved = methodFromDocumentEntry(
    entry,
    { id: controllerId, assertionMethod: [methodId] },
    binding,
  );
  return resolved ? { ok: true, value: resolved } : fail("no_usable_key", { id: methodId });
}

/**
 * True when the issuer's profile, served from the issuer's own address, lists the key: by the
 * method's id, or by the same multibase key.
 */
export async function issuerPublishesKey(
  issuerId: string | null,
  fetcher: Fetcher,
  methodId: string,
  multibase: string | null,
): Promise<boolean> {
  const origin = originOf(issuerId);
  if (!issuerId || !origin) return false;
  const got = await fetchJson(fetcher, issuerId);
  if (!got.ok || !isObject(got.json) || !servedFrom(got.resource, origin)) return false;
  const profile = got.json;
  if (str(profile.id) !== issuerId) return false;
  const listed = [
    ...asArray(profile.verificationMethod),
    ...asArray(profile.assertionMethod),
    ...asArray(profile.publicKey),
  ];
  return listed.some((m) => {
    const id = typeof m === "string" ? m : isObject(m) ? str(m.id) : null;
    const absolute = id?.startsWith("#") ? `${issuerId}${id}` : id;
    if (absolute === methodId) return true;
    return !!multibase && isObject(m) && m.publicKeyMultibase === multibase;
  });
}
