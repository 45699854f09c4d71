import type { LocalDate, LocalTime } from "./local.ts";
import {
  addDays,
  isLocalDate,
  isLocalTime,
  isoWeekdayOf,
  isValidTimeZone,
  localDateOf,
  localTimeOf,
  parseLocalTime,
  resolveLocal,
} from "./local.ts";

export * from "./local.ts";
export * from "./parse.ts";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface QuietHours {
  /** Local "HH:MM" when quiet starts; may be later than `end` to wrap midnight. */
  start: LocalTime;
  /** Local "HH:MM" when messages may be sent again. */
  end: LocalTime;
}

export interface CheckinSchedule {
  days: Weekday[];
  /** Local wall time of the check-in, "HH:MM". */
  time: LocalTime;
  /** IANA zone, e.g. "Europe/Berlin". */
  timeZone: string;
  quietHours?: QuietHours;
  /** Drops Saturday and Sunday even when listed in `days`. */
  weekendsOff: boolean;
  /** Local date on which check-ins resume; its own slot fires. */
  pausedUntil?: LocalDate;
  /** UTC instant a snoozed check-in comes back. */
  snoozedUntil?: Date;
  enabled: boolean;
}

export interface NextCheckin {
  at: Date;
  /** Local date of the slot this check-in belongs to (dedup key part). */
  localDate: LocalDate;
  /** Local "HH:MM" of the slot this check-in belongs to (dedup key part). */
  slot: LocalTime;
}

export function defaultSchedule(timeZone: string): CheckinSchedule {
  return {
    days: ["mon", "thu"],
    time: "10:00",
    timeZone,
    quietHours: { start: "20:00", end: "08:00" },
    weekendsOff: true,
    enabled: true,
  };
}

export function dedupKey(userId: string, localDate: LocalDate, slot: LocalTime): string {
  return `checkin:${userId}:${localDate}:${slot}`;
}

/** Throws on a schedule no user input should be able to produce (parsers reject these). */
export function assertValidSchedule(schedule: CheckinSchedule): void {
  if (!isValidTimeZone(schedule.timeZone)) {
    throw new RangeError(`Unknown time zone: ${schedule.timeZone}`);
  }
  if (!isLocalTime(schedule.time)) throw new RangeError(`Bad check-in time: ${schedule.time}`);
  for (const day of schedule.days) {
    if (!WEEKDAYS.includes(day)) throw new RangeError(`Bad weekday: ${day}`);
  }
  const q = schedule.quietHours;
  if (q && !(isLocalTime(q.start) && isLocalTime(q.end))) {
    throw new RangeError(`Bad quiet hours: ${q.start}-${q.end}`);
  }
  if (schedule.pausedUntil !== undefined && !isLocalDate(schedule.pausedUntil)) {
    throw new RangeError(`Bad pause date: ${schedule.pausedUntil}`);
  }
}

const minutesOf = (time: LocalTime) => {
  const { hour, minute } = parseLocalTime(time);
  return hour * 60 + minute;
};

const isWeekend = (date: LocalDate) => isoWeekdayOf(date) >= 6;

/**
 * Quiet hours defer rather than drop: a check-in that falls inside them is sent when they end
 * (a 22:00 check-in with quiet hours 20:00–08:00 arrives at 08:00 the next morning, a 07:00 one
 * at 08:00 the same morning). Skipping would silently lose check-ins for anyone whose chosen time
 * overlaps their quiet hours. Equal start and end mean no quiet hours.
 */
function afterQuietHours(at: Date, schedule: CheckinSchedule): Date {
  const q = schedule.quietHours;
  if (!q) return at;
  const start = minutesOf(q.start);
  const end = minutesOf(q.end);
  if (start === end) return at;
  const zone = schedule.timeZone;
  const date = localDateOf(at, zone);
  const now = minutesOf(localTimeOf(at, zone));
  if (start < end) {
    return now >= start && now < end ? resolveLocal(date, q.end, zone) : at;
  }
  if (now >= start) return resolveLocal(addDays(date, 1), q.end, zone);
  if (now < end) return resolveLocal(date, q.end, zone);
  return at;
}

function activeDays(schedule: CheckinSchedule): Set<number> {
  const days = new Set<number>();
  for (const day of schedule.days) {
    const iso = WEEKDAYS.indexOf(day) + 1;
    if (schedule.weekendsOff && iso >= 6) continue;
    days.add(iso);
  }
  return days;
}

/**
 * The next check-in strictly after `after`, or null when none is due (disabled, or no days).
 *
 * - Slots are the schedule's local time on each active day. A slot is due once its effective
 *   instant (after quiet-hour deferral) is strictly after `after`, so a time set a few minutes
 *   ahead fires today.
 * - DST: a time inside a spring-forward gap fires at the first instant after the gap; an
 *   ambiguous fall-back time fires once, at its first occurrence.
 * - Weekends off: no check-in is sent on a local Saturday or Sunday, including one deferred into
 *   the weekend by quiet hours (the next weekday slot covers it).
 * - Pause: nothing whose local date is before `pausedUntil`; the slot on that date fires.
 * - Snooze: a pending snooze replaces every slot before it and fires at the snooze instant itself
 *   (deferred by quiet hours, dropped if it falls inside a pause); afterwards the schedule
 *   continues. The snooze is an explicit request, so it is not bound to `days` or weekends off.
 */
export function nextCheckinAt(schedule: CheckinSchedule, after: Date): NextCheckin | null {
  if (!schedule.enabled) return null;
  assertValidSchedule(schedule);
  const zone = schedule.timeZone;
  const pausedUntil = schedule.pausedUntil;
  const notPaused = (date: LocalDate) => pausedUntil === undefined || date >= pausedUntil;

  const snooze = schedule.snoozedUntil;
  if (snooze) {
    const at = afterQuietHours(snooze, schedule);
    if (at.getTime() > after.getTime() && notPaused(localDateOf(at, zone))) {
      return { at, localDate: localDateOf(snooze, zone), slot: localTimeOf(snooze, zone) };
    }
  }

  const days = activeDays(schedule);
  if (days.size === 0) return null;

  // Start a day early: yesterday's late slot may have been deferred into today by quiet hours.
  let date = addDays(localDateOf(after, zone), -1);
  if (pausedUntil !== undefined && pausedUntil > date) date = pausedUntil;
  for (let i = 0; i < 15; i++, date = addDays(date, 1)) {
    if (!days.has(isoWeekdayOf(date)) || !notPaused(date)) continue;
    const at = afterQuietHours(resolveLocal(date, schedule.time, zone), schedule);
    if (at.getTime() <= after.getTime()) continue;
    if (schedule.weekendsOff && isWeekend(localDateOf(at, zone))) continue;
    return { at, localDate: date, slot: schedule.time };
  }
  return null;
}
