import { DateTime } from "luxon";
import type { MessageKey, MessageValues, Phrase } from "../i18n/index.ts";
import type { LocalDate, LocalTime } from "./local.ts";
import { addDays, isLocalDate, isoWeekdayOf, localDateOf, resolveLocal } from "./local.ts";
import { foldName, readDate, weekdayNames } from "./natural.ts";
import type { CheckinSchedule, QuietHours, Weekday } from "./schedule.ts";

/** What was read, or what was wrong with it as a catalogue message for the person's language. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: Phrase };

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = <T>(key: MessageKey, values?: MessageValues): ParseResult<T> => ({
  ok: false,
  error: { key, ...(values ? { values } : {}) },
});

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

/** A day by the start of its English name, else of its name in the locale ("Di", "mer", "木"). */
function dayIndex(token: string, locale?: string): number | null {
  const tries = token.length > 3 && token.endsWith("s") ? [token, token.slice(0, -1)] : [token];
  for (const t of tries) {
    if (t.length < 2) continue;
    const hits = DAY_NAMES.flatMap(([, full], i) => (full.startsWith(t) ? [i] : []));
    if (hits.length === 1) return hits[0]!;
  }
  const folded = foldName(token);
  // A kanji is a word; a single Latin letter is too short to tell days apart.
  if (folded.length < 2 && !/\p{Script=Han}/u.test(folded)) return null;
  const hits = weekdayNames(locale).flatMap((names, i) =>
    names.some((name) => name.startsWith(folded)) ? [i] : [],
  );
  return hits.length === 1 ? hits[0]! : null;
}

/**
 * Days of the week: "mon,thu", "Mon Thu", "weekdays", "every day", "mon-fri", "fri-mon", and in
 * the person's language ("Mo,Do", "lun-ven", "月・木").
 */
export function parseDays(input: string, locale?: string): ParseResult<Weekday[]> {
  const text = input
    .trim()
    .toLowerCase()
    .replace(/\s*(?:-|–|\bto\b|\bthrough\b)\s*/g, "-");
  if (text === "") return fail("parse.days", { why: "empty", text: "" });
  const preset = DAY_SETS[text.replace(/\s+/g, " ")];
  if (preset) return ok([...preset]);

  const picked = new Set<number>();
  for (const token of text.split(/[\s,;&+/、・]+|\band\b/).filter(Boolean)) {
    const set = DAY_SETS[token];
    if (set) {
      for (const d of set) picked.add(DAY_NAMES.findIndex(([short]) => short === d));
      continue;
    }
    const [from, to, extra] = token.split("-");
    const a = from ? dayIndex(from, locale) : null;
    if (a === null || extra !== undefined) {
      return fail("parse.days", { why: "unknown", text: token });
    }
    if (to === undefined) {
      picked.add(a);
      continue;
    }
    const b = dayIndex(to, locale);
    if (b === null) return fail("parse.days", { why: "unknown", text: to });
    // A range may wrap the week: "fri-mon" is Friday to Monday.
    for (let i = a; ; i = (i + 1) % 7) {
      picked.add(i);
      if (i === b) break;
    }
  }
  return ok([...picked].sort((x, y) => x - y).map((i) => DAY_NAMES[i]![0]));
}

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
  const bad = (why: string) => fail<LocalTime>("parse.time", { why, text: input.trim() });
  if (!m) return bad("unreadable");
  let hour = Number(m[1]);
  const minute = m[2] === undefined ? 0 : Number(m[2]);
  const meridiem = m[3]?.[0];
  if (minute > 59) return bad("minutes");
  if (meridiem) {
    if (hour < 1 || hour > 12) return bad("twelveHour");
    hour = (hour % 12) + (meridiem === "p" ? 12 : 0);
  } else if (hour > 23) {
    return bad("range");
  }
  return ok(`${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`);
}

/** Quiet hours: "20:00-08:00", "8pm to 8am". Equal ends are refused rather than meaning "none". */
export function parseQuietHours(input: string): ParseResult<QuietHours> {
  const parts = input.trim().split(/\s*(?:-|–|\bto\b|\buntil\b)\s*/i);
  if (parts.length !== 2) {
    return fail("parse.quietShape");
  }
  const start = parseTime(parts[0]!);
  if (!start.ok) return start;
  const end = parseTime(parts[1]!);
  if (!end.ok) return end;
  if (start.value === end.value) return fail("parse.quietSame");
  return ok({ start: start.value, end: end.value });
}

const MAX_SNOOZE_MS = 7 * 24 * 3_600_000;
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
    return fail("parse.snooze", { why: "unreadable", text: input.trim() });
  }
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)\s*([a-z]+)/g)) {
    const found = UNIT_MS.find(([re]) => re.test(unit!));
    if (!found) return fail("parse.snooze", { why: "unit", text: unit! });
    ms += Number(amount) * found[1];
  }
  ms = Math.round(ms);
  if (ms < 60_000) return fail("parse.snoozeShort");
  if (ms > MAX_SNOOZE_MS) return fail("parse.snoozeLong");
  return ok(new Date(now.getTime() + ms));
}

export interface PauseContext {
  now: Date;
  timeZone: string;
  /** The person's locale: dates are read in its language first, then in English. */
  locale?: string;
}

const MAX_PAUSE_DAYS = 366;

/**
 * The local date check-ins resume on: "2026-12-24", "Dec 24", "24. Dezember", "next Monday".
 * Dates without a year mean the next such date in the user's zone; the date must be after today.
 */
export function parsePauseUntil(input: string, at: PauseContext): ParseResult<LocalDate> {
  const text = input
    .trim()
    .replace(/^(until|till|til|to)\s+/i, "")
    .trim();
  const bad = (why: string) => fail<LocalDate>("parse.pause", { why, text });
  if (text === "") return bad("empty");
  let date: LocalDate;
  const today = localDateOf(at.now, at.timeZone);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    if (!isLocalDate(text)) return bad("unreal");
    date = text;
  } else {
    // A numeric offset makes chrono read "today" as the user's local day, not the server's.
    const offset = DateTime.fromJSDate(at.now, { zone: at.timeZone }).offset;
    const read = readDate(text, { now: at.now, offset, locale: at.locale });
    if (!read) return bad("unreadable");
    const { year, month, day } = read;
    const candidate = DateTime.fromObject({ year, month, day }, { zone: "UTC" });
    if (!candidate.isValid) return bad("unreal");
    date = candidate.toISODate()!;
    if (read.weekdayOnly && date === today) {
      // "until Monday" said on a Monday means next Monday.
      date = addDays(today, 7);
    } else if (!read.yearGiven && date.slice(5) === today.slice(5)) {
      // chrono rolls "Dec 24" said on 24 December to next year; a year-long pause is rarely meant.
      date = today;
    }
  }
  if (date < today) return fail("parse.pause", { why: "passed", text: date });
  if (date === today) return fail("parse.pauseToday");
  if (date > addDays(today, MAX_PAUSE_DAYS)) return fail("parse.pauseTooFar");
  return ok(date);
}
