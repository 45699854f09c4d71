import { type LocalDate, localDateOf } from "../../time/schedule.ts";
import { computePace, type GoalPace, type PaceInput } from "../goals/pace.ts";

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const TOLERANCE = 0.5;
const round1 = (n: number) => Math.round(n * 10) / 10;

/** Whole calendar days added to a local date, in plain arithmetic (UTC has no DST). */
export function plusDays(date: LocalDate, days: number): LocalDate {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * computePace for many goals: the same numbers, but luxon runs once per distinct zone (for
 * "today") instead of several times per goal, which dominated reports over thousands of goals.
 * Only a goal with a target date and no estimate still asks luxon for its total.
 */
export class PaceCalculator {
  private readonly today = new Map<string, LocalDate>();
  /** Local dates some whole days after today, per zone: goals share few distinct answers. */
  private readonly after = new Map<string, Map<number, LocalDate>>();

  constructor(private readonly now: Date) {}

  private todayIn(zone: string): LocalDate {
    let date = this.today.get(zone);
    if (date === undefined) {
      date = localDateOf(this.now, zone);
      this.today.set(zone, date);
    }
    return date;
  }

  private daysAfterToday(zone: string, days: number): LocalDate {
    let dates = this.after.get(zone);
    if (dates === undefined) {
      dates = new Map();
      this.after.set(zone, dates);
    }
    let date = dates.get(days);
    if (date === undefined) {
      date = plusDays(this.todayIn(zone), days);
      dates.set(days, date);
    }
    return date;
  }

  pace(input: PaceInput, zone: string): GoalPace {
    // Rare, and its week count depends on the zone's offsets: keep luxon's answer.
    if (!input.estimatedHours && input.hoursPerWeek && input.targetDate) {
      return computePace(input, this.now, zone);
    }
    const total = input.estimatedHours || null;
    const logged = round1(input.loggedHours);
    const elapsedWeeks = Math.max((this.now.getTime() - input.createdAt.getTime()) / WEEK_MS, 0);
    const weeklyPace = round1(logged / Math.max(elapsedWeeks, 1));
    const remaining = total === null ? null : Math.max(total - logged, 0);
    const plannedByNow =
      input.hoursPerWeek === null
        ? null
        : round1(Math.min(input.hoursPerWeek * elapsedWeeks, total ?? Number.POSITIVE_INFINITY));
    const aheadBy = plannedByNow === null ? null : round1(logged - plannedByNow);
    const inWeeks = (weeks: number) => this.daysAfterToday(zone, Math.ceil(weeks * 7));
    const projectedFinish =
      remaining === null
        ? null
        : remaining === 0
          ? this.todayIn(zone)
          : weeklyPace > 0
            ? inWeeks(remaining / weeklyPace)
            : null;
    const plannedFinish =
      remaining === null || !input.hoursPerWeek ? null : inWeeks(remaining / input.hoursPerWeek);

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
}
