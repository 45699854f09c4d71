import { DateTime } from "luxon";

export type Period = "week" | "month" | "quarter" | "year" | "all";

export interface Window {
  period: Period;
  /** Inclusive start instant. */
  from: Date;
  /** Exclusive end instant. */
  to: Date;
  /** Local first and last day, for headings and file names. */
  firstDay: string;
  lastDay: string;
}

/** Whole local calendar periods: the one containing `now`, in `zone` (DST-safe via luxon). */
export function currentWindow(period: Period, now: Date, zone: string): Window {
  const local = DateTime.fromJSDate(now, { zone });
  if (period === "all") {
    const end = local.startOf("day").plus({ days: 1 });
    return {
      period,
      from: new Date(0),
      to: end.toJSDate(),
      firstDay: "1970-01-01",
      lastDay: end.minus({ days: 1 }).toISODate()!,
    };
  }
  const unit = period;
  const start = local.startOf(unit);
  const end = start.plus({ [`${unit}s`]: 1 });
  return {
    period,
    from: start.toJSDate(),
    to: end.toJSDate(),
    firstDay: start.toISODate()!,
    lastDay: end.minus({ days: 1 }).toISODate()!,
  };
}

/** The whole period before the one containing `now` (monthly summaries cover last month). */
export function previousWindow(period: Exclude<Period, "all">, now: Date, zone: string): Window {
  const start = DateTime.fromJSDate(now, { zone })
    .startOf(period)
    .minus({ [`${period}s`]: 1 });
  return currentWindow(period, start.toJSDate(), zone);
}
