import http from "node:http";
import https from "node:https";
import {
  checkTarget,
  isForbiddenAddress,
  pinnedLookup,
  type Refusal,
  type Resolver,
  systemResolver,
  type Target,
} from "../../src/domain/verification/safe-fetch.ts";

/** Puts a file's bytes at an upload link Teams handed us (the person's OneDrive). */
export type FileUploader = (url: string, bytes: Uint8Array) => Promise<void>;

/**
 * The upload did not happen. The message never holds the link: it lets anyone write into the
 * person's OneDrive until it expires.
 */
export class FileUploadError extends Error {
  override name = "FileUploadError";
}

export interface FileUploaderOptions {
  /** As for badge links: address ranges reachable although not public (tests, development). */
  allowRanges?: readonly string[];
  resolve?: Resolver;
  timeoutMs?: number;
  maxRedirects?: number;
}

const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_MAX_REDIRECTS = 3;

const uploadRefusal = (reason: Refusal): Error => {
  switch (reason) {
    case "not_url":
      return new FileUploadError("The upload link is not a URL");
    case "scheme":
      return new FileUploadError("Uploads go over https");
    case "credentials":
      return new FileUploadError("Upload links with credentials are refused");
    case "unresolved":
      return new FileUploadError("The upload host does not resolve");
    case "not_public":
      return new FileUploadError("The upload host is not a public address");
  }
};

/**
 * The badge-link rules for an address we write to: public addresses only, every DNS answer
 * checked and the first one pinned. Plain http only reaches what the development allowance
 * opens, as the bytes may be a report about people.
 */
export async function checkUploadTarget(
  raw: string,
  resolve: Resolver,
  allowRanges: readonly string[],
): Promise<Target> {
  let target: Target;
  try {
    target = await checkTarget(raw, resolve, allowRanges, uploadRefusal);
  } catch (error) {
    throw error instanceof FileUploadError ? error : uploadRefusal("unresolved");
  }
  if (
    target.url.protocol === "http:" &&
    target.addresses.some((a) => !isForbiddenAddress(a.address))
  ) {
    throw new FileUploadError("Uploads go over https, not http:");
  }
  return target;
}

interface UploadResponse {
  status: number;
  location: string | null;
}

function put(target: Target, bytes: Uint8Array, timeoutMs: number): Promise<UploadResponse> {
  const mod = target.url.protocol === "https:" ? https : http;
  const size = bytes.byteLength;
  return new Promise((resolvePromise, reject) => {
    const req = mod.request(
      target.url,
      {
        method: "PUT",
        lookup: pinnedLookup(target.address, target.family),
        // The link itself grants the write: no token or cookie of ours goes with it.
        headers: {
          "content-length": String(size),
          "content-range": `bytes 0-${size - 1}/${size}`,
          "user-agent": "Stackup/1.0",
        },
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const location = typeof res.headers.location === "string" ? res.headers.location : null;
        // What OneDrive answers (the item's metadata) is not needed; read it to the end unseen.
        res.resume();
        res.on("end", () => {
          clearTimeout(timer);
          resolvePromise({ status, location });
        });
        res.on("error", () => fail("the upload's answer broke off"));
      },
    );
    const fail = (reason: string) => {
      clearTimeout(timer);
      req.destroy();
      reject(new FileUploadError(`Upload failed: ${reason}`));
    };
    const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
    // Node's errors name the host and port, never the path; still, only the code is kept.
    req.on("error", (error: Error & { code?: string }) => fail(error.code ?? error.name));
    req.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
}

/**
 * Uploads a whole file in one PUT with Content-Length and Content-Range, as OneDrive's upload
 * sessions take it, under the rules badge links are fetched by: public addresses only, each
 * redirect (307/308, which keep the method and body) checked again, a time limit, and nothing
 * of ours sent along.
 */
export function createFileUploader(options: FileUploaderOptions = {}): FileUploader {
  const resolve = options.resolve ?? systemResolver;
  const allowRanges = options.allowRanges ?? [];
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  return async (url, bytes) => {
    if (bytes.byteLength === 0) throw new FileUploadError("Nothing to upload");
    const deadline = Date.now() + timeoutMs;
    let current = url;
    for (let hop = 0; ; hop++) {
      const target = await checkUploadTarget(current, resolve, allowRanges);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new FileUploadError("Upload failed: timed out");
      const response = await put(target, bytes, remaining);
      if ((response.status === 307 || response.status === 308) && response.location) {
        if (hop >= maxRedirects) throw new FileUploadError("Upload failed: too many redirects");
        try {
          current = new URL(response.location, current).toString();
        } catch {
          throw new FileUploadError("Upload failed: a redirect to no URL");
        }
        continue;
      }
      // 200 or 201: the session has every byte and the file is in place.
      if (response.status === 200 || response.status === 201) return;
      throw new FileUploadError(`Upload answered ${response.status}`);
    }
  };
}
