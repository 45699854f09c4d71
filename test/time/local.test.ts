import { describe, expect, it } from "vitest";
import {
  isoWeekStart,
  isoWeekStartDate,
  localDateOf,
  localDayStart,
  resolveLocal,
} from "../../src/time/schedule.ts";

const iso = (d: Date) => d.toISOString();

describe("resolveLocal", () => {
  it("an ordinary local time", () => {
    expect(iso(resolveLocal("2026-06-01", "10:00", "Asia/Kathmandu"))).toBe(
      "2026-06-01T04:15:00.000Z",
    );
  });

  it("a time in a spring-forward gap is the first instant after the gap", () => {
    expect(iso(resolveLocal("2026-03-08", "02:00", "America/New_York"))).toBe(
      "2026-03-08T07:00:00.000Z",
    );
    expect(iso(resolveLocal("2026-03-08", "02:59", "America/New_York"))).toBe(
      "2026-03-08T07:00:00.000Z",
    );
    expect(iso(resolveLocal("2026-03-08", "03:00", "America/New_York"))).toBe(
      "2026-03-08T07:00:00.000Z",
    );
  });

  it("an ambiguous time is its first occurrence in both hemispheres", () => {
    expect(iso(resolveLocal("2026-11-01", "01:00", "America/New_York"))).toBe(
      "2026-11-01T05:00:00.000Z",
    );
    expect(iso(resolveLocal("2026-04-05", "02:00", "Australia/Sydney"))).toBe(
      "2026-04-04T15:00:00.000Z",
    );
  });

  it("Lord Howe's half-hour DST shift", () => {
    // 2026-10-04 02:00 +10:30 → 02:30 +11: 02:15 does not exist.
    expect(iso(resolveLocal("2026-10-04", "02:15", "Australia/Lord_Howe"))).toBe(
      "2026-10-03T15:30:00.000Z",
    );
  });
});

describe("local day and week", () => {
  it("localDayStart is local midnight", () => {
    expect(iso(localDayStart(new Date("2026-03-08T12:00:00Z"), "America/New_York"))).toBe(
      "2026-03-08T05:00:00.000Z",
    );
    expect(iso(localDayStart(new Date("2026-06-01T20:00:00Z"), "Asia/Kolkata"))).toBe(
      "2026-06-01T18:30:00.000Z",
    );
  });

  it("isoWeekStart is Monday 00:00 in the user's zone", () => {
    // Sunday in New York → the Monday before, in EST.
    expect(iso(isoWeekStart(new Date("2026-03-08T12:00:00Z"), "America/New_York"))).toBe(
      "2026-03-02T05:00:00.000Z",
    );
    // Sunday 15:00Z is already Monday 01:00 in Sydney: a new week.
    const sundayUtc = new Date("2026-06-07T15:00:00Z");
    expect(iso(isoWeekStart(sundayUtc, "Australia/Sydney"))).toBe("2026-06-07T14:00:00.000Z");
    expect(isoWeekStartDate(sundayUtc, "Australia/Sydney")).toBe("2026-06-08");
    expect(isoWeekStartDate(sundayUtc, "Europe/Berlin")).toBe("2026-06-01");
  });

  it("localDateOf", () => {
    expect(localDateOf(new Date("2026-06-03T18:25:00Z"), "Asia/Kathmandu")).toBe("2026-06-04");
  });
});
