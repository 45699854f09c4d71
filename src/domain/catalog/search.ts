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

// Fuse scores: 0 is perfect. Tuned on the seeded catalog (see test/commands/core.test.ts).
const SURE = 0.2;
const CLEAR_GAP = 0.1;
const NO_MATCH = 0.45;
/** Browsing forgives more than picking a goal does. */
const BROWSE_LIMIT = 0.5;

const KEYS = [
  { name: "title", weight: 3 },
  { name: "provider", weight: 1 },
  { name: "skills", weight: 1 },
];

/**
 * Scores with Fuse twice — word by word (good for several words in any order) and as one
 * phrase (good for typos in short names) — and keeps each entry's better score.
 */
function rank(entries: CatalogEntry[], query: string, limit: number): Scored<CatalogEntry>[] {
  const options = { includeScore: true, ignoreLocation: true, threshold: 0.6, keys: KEYS };
  const best = new Map<CatalogEntry, number>();
  for (const useTokenSearch of [true, false]) {
    for (const r of new Fuse(entries, { ...options, useTokenSearch }).search(query)) {
      const score = r.score ?? 1;
      if (score < (best.get(r.item) ?? 1)) best.set(r.item, score);
    }
  }
  return [...best]
    .map(([item, score]) => ({ item, score }))
    .sort((a, b) => a.score - b.score)
    .slice(0, limit);
}

/** Ranked catalog search: typos, partial names and provider names all match. */
export function searchCatalog(entries: CatalogEntry[], query: string, limit = 10): CatalogEntry[] {
  const q = query.trim();
  if (!q) return entries.slice(0, limit);
  return rank(entries, q, limit)
    .filter((r) => r.score <= BROWSE_LIMIT)
    .map((r) => r.item);
}

/** Decides whether a typed name picks one credential, several, or none. */
export function matchCredential(entries: CatalogEntry[], query: string): CredentialMatch {
  const q = normalise(query);
  if (!q) return { kind: "none" };
  const exact = entries.filter(
    (e) => normalise(e.title) === q || normalise(`${e.provider} ${e.title}`) === q,
  );
  if (exact.length === 1) return { kind: "exact", entry: exact[0]! };
  const results = rank(entries, query.trim(), 5);
  const best = results[0];
  const bestScore = best?.score ?? 1;
  if (!best || bestScore > NO_MATCH) return { kind: "none" };
  const secondScore = results[1]?.score ?? 1;
  if (bestScore <= SURE && secondScore - bestScore > CLEAR_GAP)
    return { kind: "exact", entry: best.item };
  return {
    kind: "ambiguous",
    candidates: results.filter((r) => r.score <= bestScore + 0.15).map((r) => r.item),
  };
}
