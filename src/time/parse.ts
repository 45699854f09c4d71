import * as chrono from "chrono-node";
import { DateTime } from "luxon";
import type { LocalDate, LocalTime } from "./local.ts";
import { addDays, isLocalDate, isoWeekdayOf, localDateOf, resolveLocal } from "./local.ts";
import type { CheckinSchedule, QuietHours, Weekday } from "./schedule.ts";

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = <T>(error: string): ParseResult<T> => ({ ok: false, error });

// Kept here rather than imported so this module has no runtime dependency on schedule.ts.
const DAY_NAMES: readonly [Weekday, string][] = [
  ["mon", "monday"],
  ["tue", "tuesday"],
  ["wed", "wednesday"],
  ["thu", "thursday"],
  ["fri", "friday"],
  ["sat", "saturday"],
  ["sun", "sunday"],
];

const DAY_SETS: Record<string, Weekday[]> = {
  "every day": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
  everyday: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
  daily: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
  weekdays: ["mon", "tue", "wed", "thu", "fri"],
  workdays: ["mon", "tue", "wed", "thu", "fri"],
  weekends: ["sat", "sun"],
};

function dayIndex(token: string): number | null {
  const tries = token.length > 3 && token.endsWith("s") ? [token, token.slice(0, -1)] : [token];
  for (const t of tries) {
    if (t.length < 2) continue;
    const hits = DAY_NAMES.flatMap(([, full], i) => (full.startsWith(t) ? [i] : []));
    if (hits.length === 1) return hits[0]!;
  }
  return null;
}

const DAYS_HINT = 'Try "mon,thu", "weekdays", "mon-fri" or "every day".';

/** Days of the week: "mon,thu", "Mon Thu", "weekdays", "every day", "mon-fri", "fri-mon". */
export function parseDays(input: string): ParseResult<Weekday[]> {
  const text = input
    .trim()
    .toLowerCase()
    .replace(/\s*(?:-|–|\bto\b|\bthrough\b)\s*/g, "-");
  if (text === "") return fail(`Which days? ${DAYS_HINT}`);
  const preset = DAY_SETS[text.replace(/\s+/g, " ")];
  if (preset) return ok([...preset]);

  const picked = new Set<number>();
  for (const token of text.split(/[\s,;&+/]+|\band\b/).filter(Boolean)) {
    const set = DAY_SETS[token];
    if (set) {
      for (const d of set) picked.add(DAY_NAMES.findIndex(([short]) => short === d));
      continue;
    }
    const [from, to, extra] = token.split("-");
    const a = from ? dayIndex(from) : null;
    if (a === null || extra !== undefined) {
      return fail(`I didn't recognise "${token}" as a day. ${DAYS_HINT}`);
    }
    if (to === undefined) {
      picked.add(a);
      continue;
    }
    const b = dayIndex(to);
    if (b === null) return fail(`I didn't recognise "${to}" as a day. ${DAYS_HINT}`);
    // A range may wrap the week: "fri-mon" is Friday to Monday.
    for (let i = a; ; i = (i + 1) % 7) {
      picked.add(i);
      if (i === b) break;
    }
  }
  return ok([...picked].sort((x, y) => x - y).map((i) => DAY_NAMES[i]![0]));
}

const TIME_HINT = "Try 10:00, 9am or 2:30pm.";

/** A local time: "10:00", "9am", "2:30pm", "14:30", "9", "noon", "midnight". */
export function parseTime(input: string): ParseResult<LocalTime> {
  const text = input
    .trim()
    .toLowerCase()
    .replace(/\s+/g, "")
    .replace(/([ap])\.?m\.?$/, "$1m");
  if (text === "noon" || text === "midday") return ok("12:00");
  if (text === "midnight") return ok("00:00");
  const m = /^(\d{1,2})(?:[:.h](\d{2}))?(am|pm|a|p)?$/.exec(text);
  if (!m) return fail(`I couldn't read "${input.trim()}" as a time. ${TIME_HINT}`);
  let hour = Number(m[1]);
  const minute = m[2] === undefined ? 0 : Number(m[2]);
  const meridiem = m[3]?.[0];
  if (minute > 59) return fail(`"${input.trim()}" has more than 59 minutes. ${TIME_HINT}`);
  if (meridiem) {
    if (hour < 1 || hour > 12) {
      return fail(`"${input.trim()}" isn't a 12-hour time. ${TIME_HINT}`);
    }
    hour = (hour % 12) + (meridiem === "p" ? 12 : 0);
  } else if (hour > 23) {
    return fail(`"${input.trim()}" isn't a time of day. ${TIME_HINT}`);
  }
  return ok(`${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`);
}

/** Quiet hours: "20:00-08:00", "8pm to 8am". Equal ends are refused rather than meaning "none". */
export function parseQuietHours(input: string): ParseResult<QuietHours> {
  const parts = input.trim().split(/\s*(?:-|–|\bto\b|\buntil\b)\s*/i);
  if (parts.length !== 2) {
    return fail('Give quiet hours as a start and an end, e.g. "20:00-08:00" or "8pm to 8am".');
  }
  const start = parseTime(parts[0]!);
  if (!start.ok) return start;
  const end = parseTime(parts[1]!);
  if (!end.ok) return end;
  if (start.value === end.value) return fail("Quiet hours need different start and end times.");
  return ok({ start: start.value, end: end.value });
}

const MAX_SNOOZE_MS = 7 * 24 * 3_600_000;
const SNOOZE_HINT = 'Try "1h", "30m", "tomorrow" or "next week".';
const UNIT_MS: [RegExp, number][] = [
  [/^(m|min|mins|minute|minutes)$/, 60_000],
  [/^(h|hr|hrs|hour|hours)$/, 3_600_000],
  [/^(d|day|days)$/, 24 * 3_600_000],
  [/^(w|wk|week|weeks)$/, 7 * 24 * 3_600_000],
];

export interface SnoozeContext {
  now: Date;
  schedule: Pick<CheckinSchedule, "time" | "timeZone">;
}

/**
 * When a snooze ends: a duration ("1h", "30m", "1h30m", "2 hours") counts from now; "tomorrow"
 * is the next local day at the schedule's time; "next week" is next Monday at that time.
 */
export function parseSnooze(input: string, { now, schedule }: SnoozeContext): ParseResult<Date> {
  const text = input
    .trim()
    .toLowerCase()
    .replace(/^(for|until|till)\s+/, "")
    .replace(/\b(an?|one)\s+(?=[a-z])/g, "1 ");
  const zone = schedule.timeZone;
  const today = localDateOf(now, zone);
  if (text === "tomorrow") return ok(resolveLocal(addDays(today, 1), schedule.time, zone));
  if (text === "next week") {
    const monday = addDays(today, 8 - isoWeekdayOf(today));
    return ok(resolveLocal(monday, schedule.time, zone));
  }
  if (!/^(\d+(?:\.\d+)?\s*[a-z]+\s*)+$/.test(text)) {
    return fail(`I couldn't read "${input.trim()}" as a snooze. ${SNOOZE_HINT}`);
  }
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)\s*([a-z]+)/g)) {
    const found = UNIT_MS.find(([re]) => re.test(unit!));
    if (!found) return fail(`I don't know the unit "${unit}". ${SNOOZE_HINT}`);
    ms += Number(amount) * found[1];
  }
  ms = Math.round(ms);
  if (ms < 60_000) return fail("A snooze needs to be at least a minute.");
  if (ms > MAX_SNOOZE_MS) {
    return fail("That's more than a week. To take a longer break, pause check-ins until a date.");
  }
  return ok(new Date(now.getTime() + ms));
}

export interface PauseContext {
  now: Date;
  timeZone: string;
}

const MAX_PAUSE_DAYS = 366;
const PAUSE_HINT = 'Try a date like "2026-12-24", "Dec 24" or "January 5".';

/**
 * The local date check-ins resume on: "2026-12-24", "Dec 24", "January 5", "next Monday".
 * Dates without a year mean the next such date in the user's zone; the date must be after today.
 */
export function parsePauseUntil(
  input: string,
  { now, timeZone }: PauseContext,
): ParseResult<LocalDate> {
  const text = input
    .trim()
    .replace(/^(until|till|til|to)\s+/i, "")
    .trim();
  if (text === "") return fail(`Until when? ${PAUSE_HINT}`);
  let date: LocalDate;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    if (!isLocalDate(text)) return fail(`"${text}" isn't a real date. ${PAUSE_HINT}`);
    date = text;
  } else {
    // A numeric offset makes chrono read "today" as the user's local day, not the server's.
    const offset = DateTime.fromJSDate(now, { zone: timeZone }).offset;
    const [result] = chrono.parse(text, { instant: now, timezone: offset }, { forwardDate: true });
    if (!result) return fail(`I couldn't read "${text}" as a date. ${PAUSE_HINT}`);
    const c = result.start;
    const candidate = DateTime.fromObject(
      { year: c.get("year")!, month: c.get("month")!, day: c.get("day")! },
      { zone: "UTC" },
    );
    if (!candidate.isValid) return fail(`"${text}" isn't a real date. ${PAUSE_HINT}`);
    date = candidate.toISODate()!;
    const today = localDateOf(now, timeZone);
    if (!c.isCertain("day") && c.isCertain("weekday") && date === today) {
      // "until Monday" said on a Monday means next Monday.
      date = addDays(today, 7);
    } else if (!c.isCertain("year") && date.slice(5) === today.slice(5)) {
      // chrono rolls "Dec 24" said on 24 December to next year; a year-long pause is rarely meant.
      date = today;
    }
  }
  const today = localDateOf(now, timeZone);
  if (date < today) return fail(`${date} has already passed. ${PAUSE_HINT}`);
  if (date === today) return fail("That's today. Pick the date you'd like check-ins to resume.");
  if (date > addDays(today, MAX_PAUSE_DAYS)) {
    return fail("Pauses can last up to a year. Pick a date within the next 12 months.");
  }
  return ok(date);
}
