import {
  type CheckinSchedule,
  dedupKey,
  defaultSchedule,
  type NextCheckin,
  nextCheckinAt,
  WEEKDAYS,
  type Weekday,
} from "../../time/schedule.ts";
import type { ScheduleRow } from "./types.ts";

/** The columns a schedule is made of. */
export const SCHEDULE_COLUMNS = [
  "days",
  "local_time",
  "time_zone",
  "weekends_off",
  "enabled",
  "quiet_start",
  "quiet_end",
  "paused_until",
  "snoozed_until",
] as const;
export type ScheduleColumns = Pick<ScheduleRow, (typeof SCHEDULE_COLUMNS)[number]>;

/** The schedule a stored row describes, in the zone it was computed for. */
export function scheduleOf(row: ScheduleColumns, timeZone = row.time_zone): CheckinSchedule {
  const s: CheckinSchedule = {
    days: row.days.filter((d): d is Weekday => (WEEKDAYS as readonly string[]).includes(d)),
    time: row.local_time,
    timeZone,
    weekendsOff: row.weekends_off,
    enabled: row.enabled,
  };
  if (row.quiet_start && row.quiet_end)
    s.quietHours = { start: row.quiet_start, end: row.quiet_end };
  if (row.paused_until) s.pausedUntil = row.paused_until;
  if (row.snoozed_until) s.snoozedUntil = row.snoozed_until;
  return s;
}

/** Stored columns for a schedule (inverse of scheduleOf, without the computed slots). */
export function columnsOf(s: CheckinSchedule) {
  return {
    enabled: s.enabled,
    days: [...s.days],
    local_time: s.time,
    quiet_start: s.quietHours?.start ?? null,
    quiet_end: s.quietHours?.end ?? null,
    weekends_off: s.weekendsOff,
    paused_until: s.pausedUntil ?? null,
    snoozed_until: s.snoozedUntil ?? null,
    time_zone: s.timeZone,
  };
}

export { defaultSchedule };

/**
 * Nudges go out at the check-in time on the other weekdays, so a nudge never lands on top of a
 * check-in; a snooze holds back check-ins only, a pause holds back both.
 */
export function nudgeSchedule(s: CheckinSchedule): CheckinSchedule {
  const { snoozedUntil: _snooze, ...rest } = s;
  return { ...rest, days: WEEKDAYS.filter((d) => !s.days.includes(d)), weekendsOff: true };
}

export interface NextSlots {
  checkin: NextCheckin | null;
  nudge: NextCheckin | null;
  /** The snooze still ahead, or null once it has fired. */
  snoozedUntil: Date | null;
}

/** Both next slots strictly after `after`; a snooze whose instant has passed is dropped. */
export function nextSlots(s: CheckinSchedule, after: Date): NextSlots {
  const schedule = { ...s };
  if (schedule.snoozedUntil && schedule.snoozedUntil.getTime() <= after.getTime()) {
    delete schedule.snoozedUntil;
  }
  return {
    checkin: nextCheckinAt(schedule, after),
    nudge: nextCheckinAt(nudgeSchedule(schedule), after),
    snoozedUntil: schedule.snoozedUntil ?? null,
  };
}

/** The columns that store the computed slots. */
export function slotColumns(next: NextSlots) {
  return {
    next_checkin_at: next.checkin?.at ?? null,
    next_checkin_date: next.checkin?.localDate ?? null,
    next_checkin_slot: next.checkin?.slot ?? null,
    next_nudge_at: next.nudge?.at ?? null,
    next_nudge_date: next.nudge?.localDate ?? null,
    next_nudge_slot: next.nudge?.slot ?? null,
    snoozed_until: next.snoozedUntil,
  };
}

/** The idempotency key of one delivery: kind, person, local date and slot. */
export function deliveryKey(kind: "checkin" | "nudge", userId: number, date: string, slot: string) {
  const key = dedupKey(String(userId), date, slot);
  return kind === "checkin" ? key : `nudge${key.slice("checkin".length)}`;
}
