import type { Kysely } from "kysely";
import type { Database } from "../../db/types.ts";
import { currentWindow, type Period, previousWindow, type Window } from "../scoring/periods.ts";
import { type CompletionLabels, type Score, scores } from "../scoring/points.ts";

export interface Standing {
  rank: number;
  userId: number;
  name: string;
  points: number;
  hours: number;
  completions: number;
  labels: CompletionLabels;
}

export interface Leaderboard {
  window: Window;
  /** Ranked people with points who show their name; no one else is listed or ranked. */
  standings: Standing[];
  /** The asker's own place; `hidden`/`anonymous` when they chose not to be listed. */
  own: { rank: number | null; points: number; hidden: boolean; anonymous: boolean } | null;
  /** People with points who chose "anonymous": counted, never listed. */
  unnamed: number;
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
  // Only named people are ranked: a rank that skips a place would point at someone unnamed.
  const visible = [...byUser.values()]
    .filter((s) => choice.get(s.userId) === "shown")
    .map((score) => ({ userId: score.userId, score }));
  const ranks = rank(visible);
  const standings: Standing[] = visible
    .filter((v) => v.score.points > 0)
    .map(({ userId, score }) => ({
      rank: ranks.get(userId)!,
      userId,
      name: names.get(userId) ?? "",
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
    const anonymous = choice.get(askerId) === "anonymous";
    // Someone not listed still sees where they would stand.
    const wouldBe =
      hidden || anonymous
        ? rank([...visible, { userId: askerId, score: mine }]).get(askerId)!
        : ranks.get(askerId)!;
    own = { rank: wouldBe, points: mine.points, hidden, anonymous };
  }
  const unnamed = [...byUser.values()].filter(
    (s) => choice.get(s.userId) === "anonymous" && s.points > 0,
  ).length;
  return { window, standings, own, unnamed, people: userIds.length };
}

const hasPoints = (board: Leaderboard) =>
  board.standings.length > 0 || board.unnamed > 0 || (board.own?.points ?? 0) > 0;

/**
 * The board for the period containing `now`. A week nobody has points in yet (Monday morning)
 * shows last week instead, so the default board isn't empty just because the week has begun.
 */
export async function currentLeaderboard(
  db: Kysely<Database>,
  userIds: number[],
  period: Period,
  at: { now: Date; zone: string },
  askerId: number,
): Promise<Leaderboard> {
  const board = await leaderboard(db, userIds, currentWindow(period, at.now, at.zone), askerId);
  if (period !== "week" || hasPoints(board)) return board;
  const last = await leaderboard(db, userIds, previousWindow("week", at.now, at.zone), askerId);
  return hasPoints(last) ? last : board;
}
