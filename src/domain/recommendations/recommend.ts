import Fuse from "fuse.js";
import type { CatalogEntry } from "../catalog/repository.ts";
import type { StackSummary } from "../stacks/repository.ts";
import {
  canonicalSkill,
  extractSkills,
  normalise,
  skillLabel,
  type Vocabulary,
} from "./vocabulary.ts";

export interface Suggestion {
  entry: CatalogEntry;
  /** Labels of the asked-for skills this credential teaches, in the order they were asked. */
  covers: string[];
}

export interface Recommendation {
  /** Labels of the skills read from the text. */
  skills: string[];
  roles: string[];
  suggestions: Suggestion[];
  /** Stacks for the recognised roles, or the closest ones when nothing matched. */
  stacks: StackSummary[];
  /** False when no credential teaches any of the skills (or none were recognised). */
  matched: boolean;
}

export type CostBand = "free" | "under $100" | "$100 or more" | "cost varies";

export function costBand(usd: number | null): CostBand {
  if (usd === null) return "cost varies";
  if (usd === 0) return "free";
  return usd < 100 ? "under $100" : "$100 or more";
}

const byCoverageThenEffort = (a: Suggestion, b: Suggestion) =>
  b.covers.length - a.covers.length ||
  a.entry.estimatedHours - b.entry.estimatedHours ||
  (a.entry.costUsd ?? Number.POSITIVE_INFINITY) - (b.entry.costUsd ?? Number.POSITIVE_INFINITY) ||
  a.entry.title.localeCompare(b.entry.title);

/**
 * Ranks credentials for a role, title or job description: by how many of the asked-for skills
 * each teaches, then fewer hours, then lower cost.
 */
export function recommend(
  text: string,
  entries: readonly CatalogEntry[],
  stacks: readonly StackSummary[],
  vocab: Vocabulary,
  limit = 5,
): Recommendation {
  const catalogSkills = new Set(entries.flatMap((e) => e.skills));
  const extracted = extractSkills(text, vocab, catalogSkills);
  const wanted = extracted.skills;

  const suggestions: Suggestion[] = [];
  for (const entry of entries) {
    const teaches = new Set(entry.skills.map((s) => canonicalSkill(s, vocab)));
    const covers = wanted.filter((s) => teaches.has(s)).map((s) => skillLabel(s, vocab));
    if (covers.length > 0) suggestions.push({ entry, covers });
  }
  suggestions.sort(byCoverageThenEffort);

  const roleNames = new Set(extracted.roles.flatMap((r) => r.aliases));
  const forRoles = stacks.filter((s) => roleNames.has(normalise(s.role)));
  const matched = suggestions.length > 0;
  return {
    skills: wanted.map((s) => skillLabel(s, vocab)),
    roles: extracted.roles.map((r) => r.name),
    suggestions: suggestions.slice(0, limit),
    stacks:
      forRoles.length > 0 || matched ? forRoles : closestStacks(text, wanted, stacks, entries),
    matched,
  };
}

/**
 * Stacks nearest to what was asked when no credential fits: by shared skills when any were
 * recognised, else by the words of the role, else all of them (there are few).
 */
export function closestStacks(
  text: string,
  wanted: readonly string[],
  stacks: readonly StackSummary[],
  entries: readonly CatalogEntry[],
  limit = 3,
): StackSummary[] {
  if (stacks.length === 0) return [];
  const byId = new Map(entries.map((e) => [e.id, e]));
  if (wanted.length > 0) {
    const overlap = (s: StackSummary) =>
      s.credentialIds
        .flatMap((id) => byId.get(id)?.skills ?? [])
        .filter((k) => wanted.includes(normalise(k))).length;
    const scored = stacks.map((s) => ({ s, n: overlap(s) })).filter((x) => x.n > 0);
    if (scored.length > 0) {
      return scored
        .sort((a, b) => b.n - a.n)
        .slice(0, limit)
        .map((x) => x.s);
    }
  }
  const fuzzy = new Fuse(stacks as StackSummary[], {
    includeScore: true,
    ignoreLocation: true,
    threshold: 0.3,
    keys: ["role", "title", "description"],
  }).search(text.slice(0, 200));
  if (fuzzy.length > 0) return fuzzy.slice(0, limit).map((r) => r.item);
  return stacks.slice(0, limit);
}
