import { ICalAlarmType, ICalCalendar } from "ical-generator";
import { DateTime } from "luxon";
import {
  addDays,
  isoWeekdayOf,
  type LocalDate,
  localDateOf,
  resolveLocal,
} from "../../time/schedule.ts";
import { vtimezone } from "./vtimezone.ts";

export interface StudyBlock {
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** Local "HH:MM". */
  time: string;
  minutes: number;
}

export interface StudyPlan {
  goalId: number;
  title: string;
  url: string | null;
  block: StudyBlock;
  timeZone: string;
  /** Last local date a study block may fall on. */
  until: LocalDate;
  now: Date;
}

export const ICAL_WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;

/** The first block strictly after now, on the chosen weekday, in the person's zone. */
export function firstBlock(plan: Pick<StudyPlan, "block" | "timeZone" | "now">): {
  date: LocalDate;
  start: Date;
} {
  let date = localDateOf(plan.now, plan.timeZone);
  for (let i = 0; i < 8; i++, date = addDays(date, 1)) {
    if (isoWeekdayOf(date) !== plan.block.weekday) continue;
    const start = resolveLocal(date, plan.block.time, plan.timeZone);
    if (start.getTime() > plan.now.getTime()) return { date, start };
  }
  throw new Error("unreachable: a weekday recurs within 8 days");
}

/**
 * An RFC 5545 calendar with one weekly recurring study block, in the person's time zone (TZID
 * plus a VTIMEZONE, so Outlook needs no zone mapping and Google keeps the wall time across DST).
 * The UID is stable per goal, so importing an updated plan replaces the old one.
 */
export function studyCalendar(plan: StudyPlan): {
  ics: string;
  first: Date;
  until: LocalDate;
  occurrences: number;
} {
  const { date, start } = firstBlock(plan);
  // At least the first block, even when the target date is sooner.
  const until = [plan.until, date].sort().at(-1)!;
  const [hour, minute] = plan.block.time.split(":").map(Number) as [number, number];
  const localStart = DateTime.fromISO(date, { zone: plan.timeZone }).set({ hour, minute });
  const untilAt = resolveLocal(until, "23:59", plan.timeZone);
  const untilUtc = DateTime.fromJSDate(untilAt).toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");
  const occurrences =
    Math.floor(DateTime.fromISO(until).diff(DateTime.fromISO(date), "days").days / 7) + 1;

  const calendar = new ICalCalendar({
    prodId: { company: "Stackup", product: "Study plan", language: "EN" },
    name: `Study: ${plan.title}`,
  });
  // No calendar-wide zone, so DTSTAMP and UNTIL stay in UTC as RFC 5545 requires.
  calendar.timezone({ name: null, generator: (zone) => vtimezone(zone, start, untilAt) });
  calendar.createEvent({
    id: `stackup-plan-goal-${plan.goalId}@stackup`,
    stamp: plan.now,
    start: localStart,
    end: localStart.plus({ minutes: plan.block.minutes }),
    timezone: plan.timeZone,
    summary: `Study: ${plan.title}`,
    description: [
      `Your weekly study block for ${plan.title}.`,
      plan.url ? `Course: ${plan.url}` : null,
      // Calendars are read outside the chat, on either platform: no command word.
      "Afterwards, log the time you spent in Stackup.",
    ]
      .filter(Boolean)
      .join("\n"),
    url: plan.url,
    repeating: `FREQ=WEEKLY;BYDAY=${ICAL_WEEKDAYS[plan.block.weekday - 1]};UNTIL=${untilUtc}`,
    alarms: [{ type: ICalAlarmType.display, trigger: 600 }],
  });
  return { ics: calendar.toString(), first: start, until, occurrences };
}
