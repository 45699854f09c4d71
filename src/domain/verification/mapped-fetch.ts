import { readFile, stat } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import type { FetchedResource, Fetcher } from "./types.ts";

export interface UrlMapping {
  /** URL prefix, e.g. "https://example.org/" or a whole URL. */
  prefix: string;
  /** A folder (rest of the URL is a file under it) or, for a whole-URL prefix, a file. */
  path: string;
}

const CONTENT_TYPES: Record<string, string> = {
  ".json": "application/ld+json",
  ".jsonld": "application/ld+json",
  ".1ob": "application/ld+json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".html": "text/html",
  ".htm": "text/html",
  ".jwt": "text/plain",
  "": "application/json",
};

/**
 * Serves URLs under the given prefixes from local files (longest prefix wins, #fragment dropped).
 * A URL no mapping covers goes to `fallback`; without one it is unreachable, never fetched.
 */
export function createMappedFetch(mappings: readonly UrlMapping[], fallback?: Fetcher): Fetcher {
  const sorted = [...mappings].sort((a, b) => b.prefix.length - a.prefix.length);
  return async (url, options): Promise<FetchedResource> => {
    const bare = url.split("#")[0] ?? url;
    const mapping = sorted.find((m) => bare.startsWith(m.prefix));
    if (!mapping) {
      if (fallback) return fallback(url, options);
      throw new Error(`${bare} is not available offline`);
    }
    const root = resolve(mapping.path);
    const info = await stat(root).catch(() => null);
    let file: string;
    if (info?.isDirectory()) {
      const rest = decodeURIComponent(bare.slice(mapping.prefix.length).split("?")[0] ?? "");
      file = resolve(root, rest);
      // a mapped folder never serves files outside itself
      if (file !== root && !file.startsWith(root + sep)) return notFound(url);
    } else if (info?.isFile() && bare === mapping.prefix) {
      file = root;
    } else {
      return notFound(url);
    }
    const body = await readFile(file).catch(() => null);
    if (!body) return notFound(url);
    const contentType = CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
    return { url, finalUrl: url, status: 200, contentType, body: new Uint8Array(body) };
  };
}

function notFound(url: string): FetchedResource {
  return { url, finalUrl: url, status: 404, contentType: "text/plain", body: new Uint8Array() };
}
