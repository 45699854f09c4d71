import Fuse from "fuse.js";
import type { GoalRow } from "./repository.ts";

export type GoalMatch =
  | { kind: "one"; goal: GoalRow }
  | { kind: "several"; goals: GoalRow[] }
  | { kind: "none"; goals: GoalRow[] };

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, " ").trim();

/** Finds which of a person's goals a few typed words mean. */
export function matchGoal(goals: GoalRow[], query: string): GoalMatch {
  const q = norm(query);
  if (!q) return goals.length === 1 ? { kind: "one", goal: goals[0]! } : { kind: "several", goals };
  const exact = goals.filter((g) => norm(g.title) === q);
  if (exact.length === 1) return { kind: "one", goal: exact[0]! };
  const results = new Fuse(goals, {
    includeScore: true,
    ignoreLocation: true,
    useTokenSearch: true,
    threshold: 0.4,
    keys: [
      { name: "title", weight: 3 },
      { name: "provider", weight: 1 },
    ],
  }).search(query.trim());
  const best = results[0];
  if (!best || (best.score ?? 1) > 0.4) return { kind: "none", goals };
  const bestScore = best.score ?? 1;
  const close = results.filter((r) => (r.score ?? 1) <= bestScore + 0.1);
  if (close.length === 1) return { kind: "one", goal: best.item };
  return { kind: "several", goals: close.map((r) => r.item) };
}

/**
 * Splits "the rest" of `log <hours> …` into a goal and a note. An explicit separator
 * (" - ", " — ", ": ") wins; otherwise the longest run of leading words that names one goal.
 */
export function splitGoalAndNote(
  goals: GoalRow[],
  rest: string,
): { match: GoalMatch; note: string | null } {
  const text = rest.trim();
  if (!text) return { match: matchGoal(goals, ""), note: null };
  const sep = /\s+(?:-{1,2}|—)\s+|:\s+/.exec(text);
  if (sep) {
    const goalPart = text.slice(0, sep.index).trim();
    const note = text.slice(sep.index + sep[0].length).trim() || null;
    return { match: matchGoal(goals, goalPart), note };
  }
  const words = text.split(" ");
  for (let n = words.length; n >= 1; n--) {
    const prefix = words.slice(0, n).join(" ");
    const match = matchGoal(goals, prefix);
    if (match.kind === "one") {
      const note = words.slice(n).join(" ").trim() || null;
      return { match, note };
    }
  }
  // No goal named: with one open goal the words are the note.
  if (goals.length === 1) return { match: { kind: "one", goal: goals[0]! }, note: text };
  return { match: { kind: "several", goals }, note: text };
}
