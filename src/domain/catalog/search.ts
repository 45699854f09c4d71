import Fuse from "fuse.js";
import type { CatalogEntry } from "./repository.ts";

export interface Scored<T> {
  item: T;
  /** 0 is a perfect match, 1 no match at all. */
  score: number;
}

export type CredentialMatch =
  | { kind: "exact"; entry: CatalogEntry }
  | { kind: "ambiguous"; candidates: CatalogEntry[] }
  | { kind: "none" };

const normalise = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

function fuse(entries: CatalogEntry[]) {
  return new Fuse(entries, {
    includeScore: true,
    ignoreLocation: true,
    threshold: 0.45,
    useTokenSearch: true,
    keys: [
      { name: "title", weight: 3 },
      { name: "provider", weight: 1 },
      { name: "skills", weight: 1 },
    ],
  });
}

/** Ranked catalog search: typos, partial names and provider names all match. */
export function searchCatalog(entries: CatalogEntry[], query: string, limit = 10): CatalogEntry[] {
  const q = query.trim();
  if (!q) return entries.slice(0, limit);
  return fuse(entries)
    .search(q, { limit })
    .map((r) => r.item);
}

// Fuse scores: 0 is perfect. Tuned on the seeded catalog (see test/catalog/search.test.ts).
const SURE = 0.2;
const CLEAR_GAP = 0.1;
const NO_MATCH = 0.45;

/** Decides whether a typed name picks one credential, several, or none. */
export function matchCredential(entries: CatalogEntry[], query: string): CredentialMatch {
  const q = normalise(query);
  if (!q) return { kind: "none" };
  const exact = entries.filter(
    (e) => normalise(e.title) === q || normalise(`${e.provider} ${e.title}`) === q,
  );
  if (exact.length === 1) return { kind: "exact", entry: exact[0]! };
  const results = fuse(entries).search(query.trim(), { limit: 5 });
  const best = results[0];
  const bestScore = best?.score ?? 1;
  if (!best || bestScore > NO_MATCH) return { kind: "none" };
  const secondScore = results[1]?.score ?? 1;
  if (bestScore <= SURE && secondScore - bestScore > CLEAR_GAP)
    return { kind: "exact", entry: best.item };
  return {
    kind: "ambiguous",
    candidates: results.filter((r) => (r.score ?? 1) <= bestScore + 0.15).map((r) => r.item),
  };
}
