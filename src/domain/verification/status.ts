import { gunzipSync } from "node:zlib";
import { fetchJson } from "./fetch-json.ts";
import { asArray, idOf, isObject, type JsonObject, str } from "./json.ts";
import { REASON_CODES as C, Reasons } from "./reasons.ts";
import type { Fetcher } from "./types.ts";

export interface StatusContext {
  fetcher: Fetcher;
  reasons: Reasons;
  /** Verifies a fetched status list credential's proof. */
  verifyListProof: (list: JsonObject, reasons: Reasons) => Promise<boolean>;
}

/** Largest status list inflated: 32 million entries, far past any real list. */
export const MAX_STATUS_LIST_BYTES = 4_000_000;

/** Bit `index` (most significant bit first) of a multibase base64url, gzipped bitstring. */
export function bitstringStatus(encodedList: string, index: number): boolean | null {
  if (!encodedList.startsWith("u")) return null;
  let bits: Buffer;
  try {
    bits = gunzipSync(Buffer.from(encodedList.slice(1), "base64url"), {
      maxOutputLength: MAX_STATUS_LIST_BYTES,
    });
  } catch {
    return null;
  }
  const byte = bits[Math.floor(index / 8)];
  if (byte === undefined) return null;
  return ((byte >> (7 - (index % 8))) & 1) === 1;
}

export async function checkCredentialStatus(
  credential: JsonObject,
  ctx: StatusContext,
): Promise<void> {
  const credentialId = str(credential.id);
  for (const entry of asArray(credential.credentialStatus)) {
    if (!isObject(entry)) continue;
    const type = asArray(entry.type);
    if (type.includes("1EdTechRevocationList")) {
      await revocationList(entry, credentialId, ctx);
    } else if (type.includes("BitstringStatusListEntry") || type.includes("StatusList2021Entry")) {
      await bitstringEntry(entry, ctx);
    } else {
      ctx.reasons.warn(C.statusUnsupported, { detail: "type", values: { type: type.join(", ") } });
    }
  }
}

async function revocationList(
  entry: JsonObject,
  credentialId: string | null,
  ctx: StatusContext,
): Promise<void> {
  const url = str(entry.id);
  if (!url) return;
  const got = await fetchJson(ctx.fetcher, url);
  if (!got.ok || !isObject(got.json)) {
    ctx.reasons.warn(C.revocationListUnreachable, { detail: "revocation_list", values: { url } });
    return;
  }
  for (const r of asArray(got.json.revokedCredential)) {
    if (credentialId && idOf(r) === credentialId) {
      const why = isObject(r) ? str(r.revocationReason) : null;
      ctx.reasons.error(C.hostedRevoked, {
        detail: why ? "credential_why" : "credential",
        values: why ? { why } : {},
      });
      return;
    }
  }
}

async function bitstringEntry(entry: JsonObject, ctx: StatusContext): Promise<void> {
  const url = str(entry.statusListCredential);
  const index = Number(entry.statusListIndex);
  const purpose = str(entry.statusPurpose) ?? "revocation";
  if (!url || !Number.isInteger(index) || index < 0) {
    ctx.reasons.warn(C.statusUnsupported, { detail: "incomplete" });
    return;
  }
  const got = await fetchJson(ctx.fetcher, url);
  if (!got.ok || !isObject(got.json)) {
    ctx.reasons.warn(C.revocationListUnreachable, { detail: "list", values: { url } });
    return;
  }
  const list = got.json;
  const listReasons = new Reasons();
  if (!(await ctx.verifyListProof(list, listReasons))) {
    ctx.reasons.warn(C.revocationListUnreachable, { detail: "list_unsigned", values: { url } });
    return;
  }
  const subject = asArray(list.credentialSubject).find(isObject);
  const encoded = subject ? str(subject.encodedList) : null;
  const set = encoded ? bitstringStatus(encoded, index) : null;
  if (set === null) {
    ctx.reasons.warn(C.revocationListUnreachable, { detail: "list_undecodable", values: { url } });
    return;
  }
  if (!set) return;
  if (purpose === "revocation") {
    ctx.reasons.error(C.hostedRevoked, { detail: "credential" });
  } else if (purpose === "suspension") {
    ctx.reasons.error(C.statusSuspended, { detail: "suspended" });
  } else {
    ctx.reasons.info(C.statusUnsupported, { detail: "purpose", values: { purpose } });
  }
}
