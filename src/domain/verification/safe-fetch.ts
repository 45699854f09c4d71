import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import type { FetchedResource, Fetcher, FetchOptions } from "./types.ts";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface SafeFetchOptions {
  /** DNS resolver; defaults to the system resolver. */
  resolve?: Resolver;
  /**
   * CIDR ranges that are reachable although they are not public (for tests and development),
   * e.g. ["127.0.0.1/32"]. Empty in production.
   */
  allowRanges?: readonly string[];
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
}

export class FetchRefusedError extends Error {
  override name = "FetchRefusedError";
}

/** The body went past the size limit (reading stopped there). */
export class ResponseTooLargeError extends FetchRefusedError {
  override name = "ResponseTooLargeError";
  constructor(readonly maxBytes: number) {
    super(`Response larger than ${maxBytes} bytes`);
  }
}

export const DEFAULT_MAX_BYTES = 1_000_000;
export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_REDIRECTS = 3;

// Only these response types can hold a credential or a page about one.
const ALLOWED_CONTENT_TYPE =
  /^(application\/([a-z0-9.+-]*\+)?json|application\/(jwt|vc\+jwt|vc|vp|octet-stream|xml)|text\/(html|plain|xml)|image\/(png|svg\+xml))$/;

export function isAllowedContentType(contentType: string): boolean {
  const base = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return base === "" || ALLOWED_CONTENT_TYPE.test(base);
}

export const systemResolver: Resolver = async (hostname) => {
  const all = await lookup(hostname, { all: true, verbatim: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

function parseAddress(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    const parsed = ipaddr.parse(ip.replace(/^\[|\]$/g, ""));
    if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
      return (parsed as ipaddr.IPv6).toIPv4Address();
    }
    return parsed;
  } catch {
    return null;
  }
}

/**
 * True when an address must not be contacted: anything that is not plain public unicast
 * (private, loopback, link-local incl. cloud metadata, unique-local, CGNAT, multicast, reserved,
 * IPv4 embedded in IPv6 transition ranges).
 */
export function isForbiddenAddress(ip: string, allowRanges: readonly string[] = []): boolean {
  const addr = parseAddress(ip);
  if (!addr) return true;
  for (const range of allowRanges) {
    try {
      const [net, bits] = ipaddr.parseCIDR(range);
      if (net.kind() === addr.kind() && addr.match([net, bits] as never)) return false;
    } catch {
      // an unparsable allow-list entry allows nothing
    }
  }
  return addr.range() !== "unicast";
}

/** A lookup that answers with the address already checked: no second DNS answer to rebind. */
export function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as LookupFunction;
}

/**
 * A Fetcher for URLs typed by users: http(s) only, every hop's resolved address checked and
 * pinned (no second DNS lookup to rebind), bounded redirects, size and time.
 */
export function createSafeFetch(options: SafeFetchOptions = {}): Fetcher {
  const resolve = options.resolve ?? systemResolver;
  const allowRanges = options.allowRanges ?? [];
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;

  return async (url: string, fetchOptions?: FetchOptions): Promise<FetchedResource> => {
    const deadline = Date.now() + timeoutMs;
    let current = url;
    for (let hop = 0; ; hop++) {
      const target = await checkTarget(current, resolve, allowRanges, fetchRefusal);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`Timed out fetching ${url}`);
      const response = await request(target, fetchOptions, remaining, maxBytes);
      if ([301, 302, 303, 307, 308].includes(response.status) && response.location) {
        if (hop >= maxRedirects) throw new FetchRefusedError(`Too many redirects from ${url}`);
        current = new URL(response.location, current).toString();
        continue;
      }
      if (!isAllowedContentType(response.contentType)) {
        throw new FetchRefusedError(`Unexpected content type ${response.contentType}`);
      }
      return {
        url,
        finalUrl: current,
        status: response.status,
        contentType: response.contentType,
        body: response.body,
      };
    }
  };
}

/** A URL checked for contact: every address it resolves to is public (or allowed), the first one pinned. */
export interface Target {
  url: URL;
  address: string;
  family: 4 | 6;
  addresses: ResolvedAddress[];
}

/** Why a URL may not be contacted. */
export type Refusal = "not_url" | "scheme" | "credentials" | "unresolved" | "not_public";

/**
 * Checks a URL before anything is sent to it; `refuse` makes each caller's own error, so a caller
 * whose URLs are secrets can keep them out of its messages. Resolver errors pass through.
 */
export async function checkTarget(
  raw: string,
  resolve: Resolver,
  allowRanges: readonly string[],
  refuse: (reason: Refusal, detail: string) => Error,
): Promise<Target> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse("not_url", raw);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw refuse("scheme", url.protocol);
  if (url.username || url.password) throw refuse("credentials", url.hostname);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = ipaddr.isValid(host)
    ? [{ address: host, family: (host.includes(":") ? 6 : 4) as 4 | 6 }]
    : await resolve(host);
  if (addresses.length === 0) throw refuse("unresolved", host);
  // every answer must be public, or a rebinding resolver could pick the private one later
  for (const a of addresses) {
    if (isForbiddenAddress(a.address, allowRanges)) throw refuse("not_public", host);
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family, addresses };
}

const fetchRefusal = (reason: Refusal, detail: string): Error => {
  switch (reason) {
    case "not_url":
      return new FetchRefusedError(`Not a URL: ${detail}`);
    case "scheme":
      return new FetchRefusedError(`Only http and https URLs are fetched, not ${detail}`);
    case "credentials":
      return new FetchRefusedError("URLs with credentials are refused");
    case "unresolved":
      return new Error(`${detail} does not resolve`);
    case "not_public":
      return new FetchRefusedError(`${detail} resolves to a non-public address`);
  }
};

interface RawResponse {
  status: number;
  contentType: string;
  location: string | null;
  body: Uint8Array;
}

function request(
  target: Target,
  fetchOptions: FetchOptions | undefined,
  timeoutMs: number,
  maxBytes: number,
): Promise<RawResponse> {
  const mod = target.url.protocol === "https:" ? https : http;
  return new Promise((resolvePromise, reject) => {
    const req = mod.request(
      target.url,
      {
        method: "GET",
        lookup: pinnedLookup(target.address, target.family),
        headers: {
          accept: fetchOptions?.accept ?? "*/*",
          "user-agent": "Stackup-Verifier/1.0",
        },
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const contentType = String(res.headers["content-type"] ?? "");
        const location = typeof res.headers.location === "string" ? res.headers.location : null;
        const declared = Number(res.headers["content-length"] ?? "0");
        if (declared > maxBytes) {
          req.destroy();
          reject(new ResponseTooLargeError(maxBytes));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy();
            reject(new ResponseTooLargeError(maxBytes));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => {
          clearTimeout(timer);
          resolvePromise({
            status,
            contentType,
            location,
            body: new Uint8Array(Buffer.concat(chunks)),
          });
        });
        res.on("error", reject);
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`Timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const signal = fetchOptions?.signal;
    const abort = () => {
      clearTimeout(timer);
      req.destroy();
      reject(new Error("The request was stopped"));
    };
    if (signal?.aborted) abort();
    signal?.addEventListener("abort", abort, { once: true });
    req.on("close", () => signal?.removeEventListener("abort", abort));
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}
