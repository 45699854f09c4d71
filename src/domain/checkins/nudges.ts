import { DateTime } from "luxon";
import type { GoalView } from "../goals/service.ts";

/** Nudges beyond the check-ins, per person per week, unless configured otherwise. */
export const DEFAULT_NUDGES_PER_WEEK = 2;
/** Check-ins ignored in a row before the bot asks once whether to pause. */
export const IGNORED_BEFORE_ASKING = 3;
/**
 * No nudge within this long after a check-in, nor while one is on its way: the check-in already
 * showed the pace and offered to log, so a nudge then only repeats it. Six hours covers a morning
 * check-in and a snoozed one coming back the same afternoon, and ends well before the next day's
 * nudge slot (nudges go on the days without check-ins).
 */
export const NUDGE_AFTER_CHECKIN_MS = 6 * 3_600_000;
/** Days without progress before a gentle re-engagement. */
export const STALLED_DAYS = 14;
/** A target this many days away or fewer is near. */
export const TARGET_NEAR_DAYS = 7;
/** Streak lengths (weeks in a row with progress) worth celebrating. */
export const STREAK_MILESTONES = [3, 5, 10, 15, 20, 26, 52];

export type Nudge =
  | { kind: "stalled"; goal: GoalView; days: number }
  | { kind: "target_near"; goal: GoalView; days: number; remaining: number }
  | { kind: "behind"; goal: GoalView; hoursBehind: number }
  | { kind: "streak"; weeks: number };

export interface NudgeInput {
  goals: GoalView[];
  /** Local ISO week starts ("YYYY-MM-DD") in which the person logged progress. */
  weeksWithProgress: string[];
  /** The streak already celebrated (so each milestone is celebrated once). */
  streakCelebrated: number;
  /** When it was celebrated; null if never (or not known). */
  streakCelebratedAt: Date | null;
  /** Nudges sent recently, to avoid saying the same thing twice. */
  recent: { kind: string; goalId: number | null; sentAt: Date }[];
  now: Date;
  timeZone: string;
}

const DAY_MS = 86_400_000;

/**
 * Completed weeks in a row, up to last week, with some progress (this week counts if it has
 * some), and the instant the first of them began (null without a streak).
 */
export function currentStreak(
  weeksWithProgress: string[],
  now: Date,
  zone: string,
): { weeks: number; since: Date | null } {
  const weeks = new Set(weeksWithProgress);
  let week = DateTime.fromJSDate(now, { zone }).startOf("week");
  if (!weeks.has(week.toISODate()!)) week = week.minus({ weeks: 1 });
  let n = 0;
  while (weeks.has(week.toISODate()!)) {
    n += 1;
    week = week.minus({ weeks: 1 });
  }
  return { weeks: n, since: n > 0 ? week.plus({ weeks: 1 }).toJSDate() : null };
}

/**
 * The one nudge worth sending now, from the plan rather than the calendar: re-engage a stalled
 * goal, warn of a near target, offer to catch up when behind, or celebrate a streak.
 */
export function chooseNudge(input: NudgeInput): Nudge | null {
  const { now } = input;
  const active = input.goals.filter((v) => v.goal.status === "active" && v.pace.state !== "done");
  const sentSince = (kind: string, goalId: number | null, since: Date) =>
    input.recent.some(
      (r) => r.kind === kind && r.goalId === goalId && r.sentAt.getTime() >= since.getTime(),
    );
  const weekAgo = new Date(now.getTime() - 7 * DAY_MS);

  for (const goal of active) {
    const last = goal.goal.lastProgressAt ?? goal.goal.created_at;
    const days = Math.floor((now.getTime() - last.getTime()) / DAY_MS);
    // Once per stall: after the re-engagement, wait for the person.
    if (days >= STALLED_DAYS && !sentSince("stalled", goal.goal.id, last)) {
      return { kind: "stalled", goal, days };
    }
  }
  for (const goal of active) {
    const target = goal.goal.target_date;
    if (!target) continue;
    const today = DateTime.fromJSDate(now, { zone: input.timeZone }).startOf("day");
    const days = Math.round(
      DateTime.fromISO(target, { zone: input.timeZone }).diff(today, "days").days,
    );
    const remaining =
      goal.pace.totalHours === null ? 0 : Math.max(goal.pace.totalHours - goal.pace.loggedHours, 0);
    if (days >= 0 && days <= TARGET_NEAR_DAYS && remaining > 0) {
      if (!sentSince("target_near", goal.goal.id, weekAgo)) {
        return { kind: "target_near", goal, days, remaining };
      }
    }
  }
  for (const goal of active) {
    const ahead = goal.pace.aheadBy;
    if (goal.pace.state === "behind" && ahead !== null && ahead <= -1) {
      if (!sentSince("behind", goal.goal.id, new Date(now.getTime() - 3 * DAY_MS))) {
        return { kind: "behind", goal, hoursBehind: -ahead };
      }
    }
  }
  const { weeks, since } = currentStreak(input.weeksWithProgress, now, input.timeZone);
  const milestone = [...STREAK_MILESTONES].reverse().find((m) => weeks >= m);
  // A streak shorter than the one celebrated is a new streak, whose milestones count afresh,
  // unless the celebration came during it: then a correction shortened the same streak.
  const at = input.streakCelebratedAt;
  const renewed = weeks < input.streakCelebrated && !(at !== null && since !== null && at >= since);
  const celebrated = renewed ? 0 : input.streakCelebrated;
  if (milestone && milestone > celebrated) return { kind: "streak", weeks: milestone };
  return null;
}
