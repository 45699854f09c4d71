import type { FetchedResource, Fetcher } from "./types.ts";

export type JsonFetch =
  | { ok: true; json: unknown; resource: FetchedResource }
  | { ok: false; status: number | null; message: string; resource?: FetchedResource };

const decoder = new TextDecoder();

export function bytesToText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Fetches a URL and parses JSON; never throws. */
export async function fetchJson(fetcher: Fetcher, url: string): Promise<JsonFetch> {
  let resource: FetchedResource;
  try {
    resource = await fetcher(url, {
      accept: "application/ld+json, application/json;q=0.9, */*;q=0.1",
    });
  } catch (err) {
    return { ok: false, status: null, message: errorMessage(err) };
  }
  if (resource.status < 200 || resource.status >= 300) {
    return { ok: false, status: resource.status, message: `HTTP ${resource.status}`, resource };
  }
  try {
    return { ok: true, json: JSON.parse(bytesToText(resource.body)), resource };
  } catch {
    return { ok: false, status: resource.status, message: "response is not JSON", resource };
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
