import { describe, expect, it } from "vitest";
import { translator } from "../../src/i18n/index.ts";
import type { ParseResult } from "../../src/time/schedule.ts";
import * as schedule from "../../src/time/schedule.ts";

/** A parser whose complaints read in English, as an English-speaking person sees them. */
function english<A extends unknown[], T>(parse: (...args: A) => ParseResult<T>) {
  return (...args: A): { ok: true; value: T } | { ok: false; error: string } => {
    const r = parse(...args);
    return r.ok ? r : { ok: false, error: translator("en").say(r.error) };
  };
}
const parseDays = english(schedule.parseDays);
const parsePauseUntil = english(schedule.parsePauseUntil);
const parseQuietHours = english(schedule.parseQuietHours);
const parseSnooze = english(schedule.parseSnooze);
const parseTime = english(schedule.parseTime);

const value = <T>(r: { ok: true; value: T } | { ok: false; error: string }) =>
  r.ok ? r.value : `error: ${r.error}`;

const iso = (r: { ok: true; value: Date } | { ok: false; error: string }) =>
  r.ok ? r.value.toISOString() : `error: ${r.error}`;

describe("parseDays", () => {
  it.each([
    ["mon,thu", ["mon", "thu"]],
    ["Thu, Mon", ["mon", "thu"]],
    ["mon thu", ["mon", "thu"]],
    ["tuesdays and thursdays", ["tue", "thu"]],
    ["weekdays", ["mon", "tue", "wed", "thu", "fri"]],
    ["every day", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]],
    ["Every  Day", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]],
    ["daily", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]],
    ["mon-fri", ["mon", "tue", "wed", "thu", "fri"]],
    ["Monday - Wednesday", ["mon", "tue", "wed"]],
    ["mon to wed", ["mon", "tue", "wed"]],
    ["fri-mon", ["mon", "fri", "sat", "sun"]],
    ["mon,mon,tues", ["mon", "tue"]],
    ["weekends", ["sat", "sun"]],
  ])("%s", (input, expected) => {
    expect(value(parseDays(input))).toEqual(expected);
  });

  it.each([
    ["funday", 'I didn\'t recognise "funday" as a day.'],
    ["t", 'I didn\'t recognise "t" as a day.'],
    ["mon-xyz", 'I didn\'t recognise "xyz" as a day.'],
    ["mon-wed-fri", 'I didn\'t recognise "mon-wed-fri" as a day.'],
    ["", "Which days?"],
  ])("rejects %j with a friendly message", (input, start) => {
    const r = parseDays(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.startsWith(start)).toBe(true);
      expect(r.error).toContain("weekdays");
    }
  });
});

describe("parseDays in the person's language", () => {
  it.each([
    ["de-DE", "Mo,Do", ["mon", "thu"]],
    ["de-DE", "Mo-Fr", ["mon", "tue", "wed", "thu", "fri"]],
    ["fr-FR", "lun, jeu", ["mon", "thu"]],
    ["es-ES", "miércoles,viernes", ["wed", "fri"]],
    ["pt-BR", "seg-sex", ["mon", "tue", "wed", "thu", "fri"]],
    ["ja-JP", "月・木", ["mon", "thu"]],
    ["ja-JP", "月曜日、水曜日", ["mon", "wed"]],
    // English names and presets work in every language.
    ["de-DE", "mon,thu", ["mon", "thu"]],
    ["ja-JP", "weekdays", ["mon", "tue", "wed", "thu", "fri"]],
  ])("%s: %s", (locale, input, expected) => {
    expect(value(parseDays(input, locale))).toEqual(expected);
  });

  it("reads another language's day names as nothing", () => {
    expect(parseDays("Mo,Do").ok).toBe(false);
    expect(parseDays("月・木", "de-DE").ok).toBe(false);
  });
});

describe("parseTime", () => {
  it.each([
    ["10:00", "10:00"],
    ["9am", "09:00"],
    ["9 AM", "09:00"],
    ["2:30pm", "14:30"],
    ["2:30 p.m.", "14:30"],
    ["14:30", "14:30"],
    ["7:05", "07:05"],
    ["9", "09:00"],
    ["12am", "00:00"],
    ["12pm", "12:00"],
    ["12:15am", "00:15"],
    ["noon", "12:00"],
    ["midnight", "00:00"],
    ["14.30", "14:30"],
  ])("%s → %s", (input, expected) => {
    expect(value(parseTime(input))).toBe(expected);
  });

  it.each(["25:00", "13pm", "0am", "10:75", "soon", "", "10:5"])("rejects %j", (input) => {
    const r = parseTime(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain("Try 10:00, 9am or 2:30pm.");
  });
});

describe("parseQuietHours", () => {
  it("reads a window that wraps midnight", () => {
    expect(value(parseQuietHours("20:00-08:00"))).toEqual({ start: "20:00", end: "08:00" });
    expect(value(parseQuietHours("8pm to 8am"))).toEqual({ start: "20:00", end: "08:00" });
  });

  it("rejects equal ends and nonsense", () => {
    expect(parseQuietHours("9am-9:00").ok).toBe(false);
    expect(parseQuietHours("evenings").ok).toBe(false);
    expect(parseQuietHours("8pm-late").ok).toBe(false);
  });
});

describe("parseSnooze", () => {
  // Friday 2026-06-05 14:00 EDT.
  const ctx = {
    now: new Date("2026-06-05T18:00:00Z"),
    schedule: { time: "10:00", timeZone: "America/New_York" },
  };

  it.each([
    ["1h", "2026-06-05T19:00:00.000Z"],
    ["2h", "2026-06-05T20:00:00.000Z"],
    ["30m", "2026-06-05T18:30:00.000Z"],
    ["1h30m", "2026-06-05T19:30:00.000Z"],
    ["an hour", "2026-06-05T19:00:00.000Z"],
    ["for 45 minutes", "2026-06-05T18:45:00.000Z"],
    ["1.5 hours", "2026-06-05T19:30:00.000Z"],
    // Next local day at the schedule's time, even on a Saturday.
    ["tomorrow", "2026-06-06T14:00:00.000Z"],
    ["Tomorrow", "2026-06-06T14:00:00.000Z"],
    // Next Monday at the schedule's time.
    ["next week", "2026-06-08T14:00:00.000Z"],
  ])("%s", (input, expected) => {
    expect(iso(parseSnooze(input, ctx))).toBe(expected);
  });

  it("tomorrow is the user's next local day, not UTC's", () => {
    // 23:30Z Friday is already Saturday 05:00 in Kolkata, so tomorrow is Sunday 10:00 IST.
    const r = parseSnooze("tomorrow", {
      now: new Date("2026-06-05T23:30:00Z"),
      schedule: { time: "10:00", timeZone: "Asia/Kolkata" },
    });
    expect(iso(r)).toBe("2026-06-07T04:30:00.000Z");
  });

  it("tomorrow across spring forward is 23 hours later", () => {
    const r = parseSnooze("tomorrow", {
      now: new Date("2026-03-07T15:00:00Z"),
      schedule: { time: "10:00", timeZone: "America/New_York" },
    });
    expect(iso(r)).toBe("2026-03-08T14:00:00.000Z");
  });

  it("next week from a Sunday is the next day; from a Monday it is seven days on", () => {
    const schedule = { time: "10:00", timeZone: "Australia/Sydney" };
    // Sunday 23:00 AEST.
    expect(iso(parseSnooze("next week", { now: new Date("2026-06-07T13:00:00Z"), schedule }))).toBe(
      "2026-06-08T00:00:00.000Z",
    );
    // Monday 01:00 AEST (still Sunday in UTC).
    expect(iso(parseSnooze("next week", { now: new Date("2026-06-07T15:00:00Z"), schedule }))).toBe(
      "2026-06-15T00:00:00.000Z",
    );
  });

  it.each([
    ["later", "I couldn't read"],
    ["0m", "at least a minute"],
    ["2 weeks", "more than a week"],
    ["3 fortnights", "I don't know the unit"],
  ])("rejects %j", (input, fragment) => {
    const r = parseSnooze(input, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(fragment);
  });
});

describe("parsePauseUntil", () => {
  // Monday 2026-06-01 08:00 EDT.
  const ctx = { now: new Date("2026-06-01T12:00:00Z"), timeZone: "America/New_York" };

  it.each([
    ["2026-12-24", "2026-12-24"],
    ["Dec 24", "2026-12-24"],
    ["December 24th", "2026-12-24"],
    ["24 Dec", "2026-12-24"],
    ["until Dec 24", "2026-12-24"],
    // Already past this year, so next year's.
    ["January 5", "2027-01-05"],
    ["tomorrow", "2026-06-02"],
    ["friday", "2026-06-05"],
    // Said on a Monday, the next Monday.
    ["monday", "2026-06-08"],
  ])("%s → %s", (input, expected) => {
    expect(value(parsePauseUntil(input, ctx))).toBe(expected);
  });

  it.each([
    ["2026-02-30", "isn't a real date"],
    ["2026-05-01", "already passed"],
    ["June 1", "That's today"],
    ["2028-01-01", "up to a year"],
    ["whenever", "I couldn't read"],
    ["", "Until when?"],
  ])("rejects %j", (input, fragment) => {
    const r = parsePauseUntil(input, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(fragment);
  });

  it("is relative to the user's local date", () => {
    // 20:00Z on 23 December: still the 23rd in New York, already the 24th in Tokyo.
    const now = new Date("2026-12-23T20:00:00Z");
    expect(value(parsePauseUntil("Dec 24", { now, timeZone: "America/New_York" }))).toBe(
      "2026-12-24",
    );
    expect(value(parsePauseUntil("tomorrow", { now, timeZone: "America/New_York" }))).toBe(
      "2026-12-24",
    );
    expect(value(parsePauseUntil("tomorrow", { now, timeZone: "Asia/Tokyo" }))).toBe("2026-12-25");
    const tokyo = parsePauseUntil("Dec 24", { now, timeZone: "Asia/Tokyo" });
    expect(value(tokyo)).toContain("That's today");
  });
});
