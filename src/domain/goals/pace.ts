import { DateTime } from "luxon";

/** Everything the goal views need to say how a goal is going. */
export interface GoalPace {
  loggedHours: number;
  /** Hours the whole goal needs, when known. */
  totalHours: number | null;
  /** Hours the plan expected by now. */
  plannedByNow: number | null;
  /** logged − planned: positive is ahead. */
  aheadBy: number | null;
  /** Hours per week actually logged since the goal started (the first week counts as a week). */
  weeklyPace: number;
  /** Local date ("YYYY-MM-DD") the goal finishes at the current pace, when it can be known. */
  projectedFinish: string | null;
  /** Local date it finishes at the planned hours per week. */
  plannedFinish: string | null;
  state: "ahead" | "on track" | "behind" | "not started" | "done" | "unknown";
}

export interface PaceInput {
  createdAt: Date;
  targetDate: string | null;
  hoursPerWeek: number | null;
  estimatedHours: number | null;
  loggedHours: number;
  status: "active" | "paused" | "completed" | "dropped";
}

const WEEK_MS = 7 * 24 * 3600 * 1000;
/** Within this many hours of the plan counts as on track. */
const TOLERANCE = 0.5;

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Total hours a goal needs: the credential's estimate, else the plan up to the target date. */
export function totalHoursOf(input: PaceInput, zone: string): number | null {
  if (input.estimatedHours) return input.estimatedHours;
  if (input.hoursPerWeek && input.targetDate) {
    const start = DateTime.fromJSDate(input.createdAt, { zone }).startOf("day");
    const end = DateTime.fromISO(input.targetDate, { zone });
    const weeks = Math.max(end.diff(start, "weeks").weeks, 0);
    return round1(weeks * input.hoursPerWeek) || null;
  }
  return null;
}

/** Local calendar dates relative to now; reports swap in a cached version for thousands of goals. */
export interface LocalDates {
  today(zone: string): string;
  daysAfterToday(zone: string, days: number): string;
}

/** By luxon. A class, not an object of arrow functions: one is made for every goal shown. */
class LuxonDates implements LocalDates {
  constructor(private readonly now: Date) {}

  today(zone: string): string {
    return DateTime.fromJSDate(this.now, { zone }).toISODate()!;
  }

  daysAfterToday(zone: string, days: number): string {
    return DateTime.fromJSDate(this.now, { zone }).plus({ days }).toISODate()!;
  }
}

export function computePace(
  input: PaceInput,
  now: Date,
  zone: string,
  dates: LocalDates = new LuxonDates(now),
): GoalPace {
  const total = totalHoursOf(input, zone);
  const logged = round1(input.loggedHours);
  const elapsedWeeks = Math.max((now.getTime() - input.createdAt.getTime()) / WEEK_MS, 0);
  const weeklyPace = round1(logged / Math.max(elapsedWeeks, 1));
  const remaining = total === null ? null : Math.max(total - logged, 0);

  const plannedByNow =
    input.hoursPerWeek === null
      ? null
      : round1(Math.min(input.hoursPerWeek * elapsedWeeks, total ?? Number.POSITIVE_INFINITY));
  const aheadBy = plannedByNow === null ? null : round1(logged - plannedByNow);

  const projectedFinish =
    remaining === null
      ? null
      : remaining === 0
        ? dates.today(zone)
        : weeklyPace > 0
          ? dates.daysAfterToday(zone, Math.ceil((remaining / weeklyPace) * 7))
          : null;
  const plannedFinish =
    remaining === null || !input.hoursPerWeek
      ? null
      : dates.daysAfterToday(zone, Math.ceil((remaining / input.hoursPerWeek) * 7));

  let state: GoalPace["state"];
  if (input.status === "completed" || (remaining === 0 && total !== null)) state = "done";
  else if (logged === 0) state = "not started";
  else if (aheadBy === null) state = "unknown";
  else if (aheadBy > TOLERANCE) state = "ahead";
  else if (aheadBy < -TOLERANCE) state = "behind";
  else state = "on track";

  return {
    loggedHours: logged,
    totalHours: total,
    plannedByNow,
    aheadBy,
    weeklyPace,
    projectedFinish,
    plannedFinish,
    state,
  };
}

/** Hours per week needed to finish `total` hours between now and `targetDate`. */
export function hoursPerWeekFor(
  total: number,
  targetDate: string,
  now: Date,
  zone: string,
): number {
  const today = DateTime.fromJSDate(now, { zone }).startOf("day");
  const weeks = Math.max(DateTime.fromISO(targetDate, { zone }).diff(today, "weeks").weeks, 1 / 7);
  return Math.ceil((total / weeks) * 2) / 2;
}
