import type { Kysely } from "kysely";
import type { Database } from "../../db/types.ts";
import type { Window } from "../scoring/periods.ts";
import { type CompletionLabels, type Score, scores } from "../scoring/points.ts";

export interface Standing {
  rank: number;
  userId: number;
  /** Null when the person chose to appear as "a teammate". */
  name: string | null;
  points: number;
  hours: number;
  completions: number;
  labels: CompletionLabels;
}

export interface Leaderboard {
  window: Window;
  /** Ranked people with points, hidden people left out entirely. */
  standings: Standing[];
  /** The asker's own place; `hidden` when they chose not to appear to others. */
  own: { rank: number | null; points: number; hidden: boolean } | null;
  people: number;
}

/** Ranks people by points; equal points share a rank (1, 2, 2, 4). */
export function rank(rows: { userId: number; score: Score }[]): Map<number, number> {
  const sorted = [...rows].sort((a, b) => b.score.points - a.score.points || a.userId - b.userId);
  const ranks = new Map<number, number>();
  sorted.forEach((r, i) => {
    const prev = sorted[i - 1];
    ranks.set(
      r.userId,
      prev && prev.score.points === r.score.points ? ranks.get(prev.userId)! : i + 1,
    );
  });
  return ranks;
}

/** A leaderboard of `userIds` over `window`; two queries whatever the size. */
export async function leaderboard(
  db: Kysely<Database>,
  userIds: number[],
  window: Window,
  askerId: number,
): Promise<Leaderboard> {
  const [byUser, people] = await Promise.all([
    scores(db, userIds, window.from, window.to),
    userIds.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom("users")
          .leftJoin("org_people", "org_people.user_id", "users.id")
          .where("users.id", "in", userIds)
          .select(["users.id", "users.display_name", "org_people.leaderboard"])
          .execute(),
  ]);
  const choice = new Map(people.map((p) => [p.id, p.leaderboard ?? "shown"]));
  const names = new Map(people.map((p) => [p.id, p.display_name]));
  const visible = [...byUser.values()]
    .filter((s) => choice.get(s.userId) !== "hidden")
    .map((score) => ({ userId: score.userId, score }));
  const ranks = rank(visible);
  const standings: Standing[] = visible
    .filter((v) => v.score.points > 0)
    .map(({ userId, score }) => ({
      rank: ranks.get(userId)!,
      userId,
      name: choice.get(userId) === "anonymous" ? null : (names.get(userId) ?? null),
      points: score.points,
      hours: score.hours,
      completions: score.completions,
      labels: score.labels,
    }))
    .sort((a, b) => a.rank - b.rank || a.userId - b.userId);
  const mine = byUser.get(askerId);
  let own: Leaderboard["own"] = null;
  if (mine) {
    const hidden = choice.get(askerId) === "hidden";
    // A hidden person still sees where they would stand.
    const wouldBe = hidden
      ? rank([...visible, { userId: askerId, score: mine }]).get(askerId)!
      : ranks.get(askerId)!;
    own = { rank: wouldBe, points: mine.points, hidden };
  }
  return { window, standings, own, people: userIds.length };
}
