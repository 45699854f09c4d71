import { type LocalDate, localDateOf } from "../../time/schedule.ts";
import { computePace, type GoalPace, type LocalDates, type PaceInput } from "../goals/pace.ts";

const DAY_MS = 86_400_000;

/** Whole calendar days added to a local date, in plain arithmetic (UTC has no DST). */
export function plusDays(date: LocalDate, days: number): LocalDate {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * computePace for many goals: the same rules, with local dates computed once per zone and day
 * count instead of by luxon per goal, which dominated reports over thousands of goals.
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

  private readonly dates: LocalDates = {
    today: (zone) => this.todayIn(zone),
    daysAfterToday: (zone, days) => this.daysAfterToday(zone, days),
  };

  pace(input: PaceInput, zone: string): GoalPace {
    return computePace(input, this.now, zone, this.dates);
  }
}
