import { describe, expect, it } from "vitest";
import type { CheckinSchedule } from "../../src/time/schedule.ts";
import { dedupKey, defaultSchedule, nextCheckinAt } from "../../src/time/schedule.ts";

const EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** A schedule without quiet hours or weekends off, so only the part under test applies. */
function plain(timeZone: string, time: string, overrides: Partial<CheckinSchedule> = {}) {
  const schedule: CheckinSchedule = {
    days: [...EVERY_DAY],
    time,
    timeZone,
    weekendsOff: false,
    enabled: true,
    ...overrides,
  };
  return schedule;
}

function next(schedule: CheckinSchedule, after: string) {
  const result = nextCheckinAt(schedule, new Date(after));
  return result && { ...result, at: result.at.toISOString() };
}

const at = (schedule: CheckinSchedule, after: string) => next(schedule, after)?.at ?? null;

describe("defaultSchedule", () => {
  it("is Monday and Thursday at 10:00, weekends off, quiet 20:00–08:00", () => {
    expect(defaultSchedule("Europe/Berlin")).toEqual({
      days: ["mon", "thu"],
      time: "10:00",
      timeZone: "Europe/Berlin",
      quietHours: { start: "20:00", end: "08:00" },
      weekendsOff: true,
      enabled: true,
    });
  });

  it("next check-in from a Friday is Monday 10:00 local", () => {
    // Fri 2026-06-05 → Mon 2026-06-08 10:00 EDT (-4).
    expect(next(defaultSchedule("America/New_York"), "2026-06-05T12:00:00Z")).toEqual({
      at: "2026-06-08T14:00:00.000Z",
      localDate: "2026-06-08",
      slot: "10:00",
    });
  });
});

describe("dedupKey", () => {
  it("names the user, the local date and the slot", () => {
    expect(dedupKey("U123", "2026-06-08", "10:00")).toBe("checkin:U123:2026-06-08:10:00");
  });
});

describe("America/New_York DST", () => {
  it("a 02:30 slot on the spring-forward day fires at 03:00 EDT", () => {
    expect(next(plain("America/New_York", "02:30"), "2026-03-08T00:00:00Z")).toEqual({
      at: "2026-03-08T07:00:00.000Z",
      localDate: "2026-03-08",
      slot: "02:30",
    });
  });

  it("the day after the gap, 02:30 is EDT again", () => {
    expect(at(plain("America/New_York", "02:30"), "2026-03-08T07:00:00Z")).toBe(
      "2026-03-09T06:30:00.000Z",
    );
  });

  it("Monday 10:00 moves from 15:00Z to 14:00Z across spring forward", () => {
    const s = plain("America/New_York", "10:00", { days: ["mon"] });
    expect(at(s, "2026-02-28T00:00:00Z")).toBe("2026-03-02T15:00:00.000Z");
    expect(at(s, "2026-03-02T15:00:00Z")).toBe("2026-03-09T14:00:00.000Z");
  });

  it("a 01:30 slot on the fall-back day fires once, at the first (EDT) occurrence", () => {
    const s = plain("America/New_York", "01:30");
    expect(next(s, "2026-11-01T00:00:00Z")).toEqual({
      at: "2026-11-01T05:30:00.000Z",
      localDate: "2026-11-01",
      slot: "01:30",
    });
    // Not again at the second 01:30 (06:30Z): the next one is Monday 01:30 EST.
    expect(at(s, "2026-11-01T05:30:00Z")).toBe("2026-11-02T06:30:00.000Z");
    expect(at(s, "2026-11-01T05:45:00Z")).toBe("2026-11-02T06:30:00.000Z");
  });

  it("Monday 10:00 moves from 14:00Z to 15:00Z across fall back", () => {
    const s = plain("America/New_York", "10:00", { days: ["mon"] });
    expect(at(s, "2026-10-26T14:00:00Z")).toBe("2026-11-02T15:00:00.000Z");
  });
});

describe("Europe/Berlin DST", () => {
  it("a 02:30 slot on the spring-forward day fires at 03:00 CEST", () => {
    expect(at(plain("Europe/Berlin", "02:30"), "2026-03-28T12:00:00Z")).toBe(
      "2026-03-29T01:00:00.000Z",
    );
  });

  it("Monday 10:00 moves from 09:00Z to 08:00Z across spring forward", () => {
    const s = plain("Europe/Berlin", "10:00", { days: ["mon"] });
    expect(at(s, "2026-03-20T00:00:00Z")).toBe("2026-03-23T09:00:00.000Z");
    expect(at(s, "2026-03-23T09:00:00Z")).toBe("2026-03-30T08:00:00.000Z");
  });

  it("a 02:30 slot on the fall-back day fires once, at the CEST occurrence", () => {
    const s = plain("Europe/Berlin", "02:30");
    expect(at(s, "2026-10-24T12:00:00Z")).toBe("2026-10-25T00:30:00.000Z");
    expect(at(s, "2026-10-25T00:30:00Z")).toBe("2026-10-26T01:30:00.000Z");
  });

  it("Monday 10:00 moves from 08:00Z to 09:00Z across fall back", () => {
    const s = plain("Europe/Berlin", "10:00", { days: ["mon"] });
    expect(at(s, "2026-10-19T08:00:00Z")).toBe("2026-10-26T09:00:00.000Z");
  });
});

describe("Australia/Sydney DST (southern hemisphere)", () => {
  it("a 02:30 slot on the April fall-back day fires once, at the AEDT occurrence", () => {
    const s = plain("Australia/Sydney", "02:30");
    expect(next(s, "2026-04-04T00:00:00Z")).toEqual({
      at: "2026-04-04T15:30:00.000Z",
      localDate: "2026-04-05",
      slot: "02:30",
    });
    expect(at(s, "2026-04-04T15:30:00Z")).toBe("2026-04-05T16:30:00.000Z");
  });

  it("a 02:30 slot on the October spring-forward day fires at 03:00 AEDT", () => {
    expect(at(plain("Australia/Sydney", "02:30"), "2026-10-03T00:00:00Z")).toBe(
      "2026-10-03T16:00:00.000Z",
    );
  });

  it("Monday 10:00 moves from 00:00Z to 23:00Z the day before across spring forward", () => {
    const s = plain("Australia/Sydney", "10:00", { days: ["mon"] });
    expect(at(s, "2026-09-25T00:00:00Z")).toBe("2026-09-28T00:00:00.000Z");
    expect(at(s, "2026-09-28T00:00:00Z")).toBe("2026-10-04T23:00:00.000Z");
  });

  it("Monday 10:00 moves from 23:00Z to 00:00Z across fall back", () => {
    const s = plain("Australia/Sydney", "10:00", { days: ["mon"] });
    expect(at(s, "2026-03-29T23:00:00Z")).toBe("2026-04-06T00:00:00.000Z");
  });
});

describe("half-hour and 45-minute offsets", () => {
  it("Asia/Kolkata (+5:30): Monday 10:00 is 04:30Z", () => {
    expect(next(defaultSchedule("Asia/Kolkata"), "2026-05-29T12:00:00Z")).toEqual({
      at: "2026-06-01T04:30:00.000Z",
      localDate: "2026-06-01",
      slot: "10:00",
    });
  });

  it("Asia/Kathmandu (+5:45): Monday 10:00 is 04:15Z", () => {
    expect(at(defaultSchedule("Asia/Kathmandu"), "2026-05-29T12:00:00Z")).toBe(
      "2026-06-01T04:15:00.000Z",
    );
  });

  it("Asia/Kathmandu: a Thursday 00:10 slot is Wednesday in UTC", () => {
    const s = plain("Asia/Kathmandu", "00:10", { days: ["thu"] });
    expect(next(s, "2026-06-01T00:00:00Z")).toEqual({
      at: "2026-06-03T18:25:00.000Z",
      localDate: "2026-06-04",
      slot: "00:10",
    });
  });
});

describe("a user who changes time zone", () => {
  it("the same schedule gives the slot in the new zone", () => {
    const after = "2026-06-01T05:00:00Z";
    const kolkata = defaultSchedule("Asia/Kolkata");
    // Monday 10:00 IST (04:30Z) has just passed; Thursday is next.
    expect(at(kolkata, after)).toBe("2026-06-04T04:30:00.000Z");
    // Moving west, Monday 10:00 is still ahead.
    expect(at({ ...kolkata, timeZone: "Europe/Berlin" }, after)).toBe("2026-06-01T08:00:00.000Z");
    expect(at({ ...kolkata, timeZone: "America/New_York" }, after)).toBe(
      "2026-06-01T14:00:00.000Z",
    );
  });
});

describe("a schedule set a few minutes ahead", () => {
  it("fires today at that time, not tomorrow", () => {
    // 09:57 EDT on Monday, schedule set for 10:00.
    expect(at(plain("America/New_York", "10:00", { days: ["mon"] }), "2026-06-01T13:57:00Z")).toBe(
      "2026-06-01T14:00:00.000Z",
    );
    // 09:55 IST.
    expect(at(defaultSchedule("Asia/Kolkata"), "2026-06-01T04:25:00Z")).toBe(
      "2026-06-01T04:30:00.000Z",
    );
  });

  it("a slot exactly at `after` is not repeated", () => {
    expect(at(defaultSchedule("America/New_York"), "2026-06-01T14:00:00Z")).toBe(
      "2026-06-04T14:00:00.000Z",
    );
  });
});

describe("pause", () => {
  const ny = defaultSchedule("America/New_York");

  it("a paused user gets nothing before the pause ends", () => {
    // Paused until Wednesday 2026-06-10: Monday 8th is skipped, Thursday 11th fires.
    expect(at({ ...ny, pausedUntil: "2026-06-10" }, "2026-06-01T00:00:00Z")).toBe(
      "2026-06-11T14:00:00.000Z",
    );
  });

  it("the slot on the day the pause ends fires", () => {
    const paused = { ...ny, pausedUntil: "2026-06-08" };
    expect(next(paused, "2026-06-01T00:00:00Z")).toEqual({
      at: "2026-06-08T14:00:00.000Z",
      localDate: "2026-06-08",
      slot: "10:00",
    });
    // On the morning the pause ends, before the slot.
    expect(at(paused, "2026-06-08T12:00:00Z")).toBe("2026-06-08T14:00:00.000Z");
    expect(at(paused, "2026-06-08T14:00:00Z")).toBe("2026-06-11T14:00:00.000Z");
  });

  it("the pause end date is the user's local date", () => {
    // Paused until Monday 2026-06-08 in Sydney: Monday 10:00 AEST is Sunday 00:00Z.
    const sydney = { ...defaultSchedule("Australia/Sydney"), pausedUntil: "2026-06-08" };
    expect(at(sydney, "2026-06-01T00:00:00Z")).toBe("2026-06-08T00:00:00.000Z");
  });

  it("a late slot deferred by quiet hours into the pause end date still belongs to the pause", () => {
    const s: CheckinSchedule = {
      ...ny,
      days: ["sun", "mon"],
      weekendsOff: false,
      time: "22:00",
      pausedUntil: "2026-06-08",
    };
    // Sunday 7th 22:00 would move to Monday 08:00 but is paused; Monday 22:00 → Tuesday 08:00.
    expect(next(s, "2026-06-05T00:00:00Z")).toEqual({
      at: "2026-06-09T12:00:00.000Z",
      localDate: "2026-06-08",
      slot: "22:00",
    });
  });
});

describe("quiet hours", () => {
  const ny = (time: string, quietHours = { start: "20:00", end: "08:00" }) =>
    plain("America/New_York", time, { days: ["mon"], quietHours });

  it("a slot late in a window that wraps midnight moves to the end of quiet hours next morning", () => {
    expect(next(ny("22:00"), "2026-06-01T00:00:00Z")).toEqual({
      at: "2026-06-02T12:00:00.000Z",
      localDate: "2026-06-01",
      slot: "22:00",
    });
  });

  it("is still due if `after` falls between the slot and the end of quiet hours", () => {
    // Monday 23:00 EDT, and Tuesday 01:00 EDT (after midnight, before quiet hours end).
    expect(at(ny("22:00"), "2026-06-02T03:00:00Z")).toBe("2026-06-02T12:00:00.000Z");
    expect(at(ny("22:00"), "2026-06-02T05:00:00Z")).toBe("2026-06-02T12:00:00.000Z");
  });

  it("a slot early in a wrapping window moves to the end of quiet hours that morning", () => {
    expect(at(ny("07:00"), "2026-06-01T00:00:00Z")).toBe("2026-06-01T12:00:00.000Z");
  });

  it("the start is quiet and the end is not", () => {
    expect(at(ny("20:00"), "2026-06-01T00:00:00Z")).toBe("2026-06-02T12:00:00.000Z");
    expect(at(ny("08:00"), "2026-06-01T00:00:00Z")).toBe("2026-06-01T12:00:00.000Z");
    expect(at(ny("19:59"), "2026-06-01T00:00:00Z")).toBe("2026-06-01T23:59:00.000Z");
  });

  it("a window within one day defers to its end the same day", () => {
    const lunch = { start: "12:00", end: "14:00" };
    expect(at(ny("13:00", lunch), "2026-06-01T00:00:00Z")).toBe("2026-06-01T18:00:00.000Z");
    expect(at(ny("11:00", lunch), "2026-06-01T00:00:00Z")).toBe("2026-06-01T15:00:00.000Z");
  });

  it("equal start and end mean no quiet hours", () => {
    expect(at(ny("22:00", { start: "09:00", end: "09:00" }), "2026-06-01T00:00:00Z")).toBe(
      "2026-06-02T02:00:00.000Z",
    );
  });

  it("with weekends off, a Friday check-in deferred into Saturday is dropped", () => {
    const s: CheckinSchedule = { ...defaultSchedule("America/New_York"), days: ["mon", "fri"] };
    s.time = "22:00";
    // Friday 5th 22:00 → Saturday 08:00 (dropped); Monday 8th 22:00 → Tuesday 9th 08:00 EDT.
    expect(next(s, "2026-06-05T12:00:00Z")).toEqual({
      at: "2026-06-09T12:00:00.000Z",
      localDate: "2026-06-08",
      slot: "22:00",
    });
  });
});

describe("weekends off", () => {
  it("drops Saturday and Sunday even when listed", () => {
    const s = plain("America/New_York", "10:00", { weekendsOff: true });
    // Friday 11:00 EDT: Friday's slot is gone, Saturday and Sunday are off.
    expect(at(s, "2026-06-05T15:00:00Z")).toBe("2026-06-08T14:00:00.000Z");
    expect(at({ ...s, weekendsOff: false }, "2026-06-05T15:00:00Z")).toBe(
      "2026-06-06T14:00:00.000Z",
    );
  });

  it("a weekend-only schedule with weekends off never fires", () => {
    const s = plain("America/New_York", "10:00", { days: ["sat", "sun"], weekendsOff: true });
    expect(nextCheckinAt(s, new Date("2026-06-05T15:00:00Z"))).toBeNull();
  });
});

describe("snooze", () => {
  const ny = defaultSchedule("America/New_York");

  it("comes back at the snooze time, then the schedule continues", () => {
    // Snoozed for an hour at Monday's 10:00 check-in.
    const s = { ...ny, snoozedUntil: new Date("2026-06-01T15:00:00Z") };
    expect(next(s, "2026-06-01T14:00:00Z")).toEqual({
      at: "2026-06-01T15:00:00.000Z",
      localDate: "2026-06-01",
      slot: "11:00",
    });
    expect(at(s, "2026-06-01T15:00:00Z")).toBe("2026-06-04T14:00:00.000Z");
  });

  it("holds back regular slots before the snooze", () => {
    // Snoozed on Wednesday until next Monday 10:00: Thursday is skipped.
    const s = { ...ny, snoozedUntil: new Date("2026-06-08T14:00:00Z") };
    expect(at(s, "2026-06-03T16:00:00Z")).toBe("2026-06-08T14:00:00.000Z");
    // Monday's own slot at the same instant is the same check-in, not a second one.
    expect(at(s, "2026-06-08T14:00:00Z")).toBe("2026-06-11T14:00:00.000Z");
  });

  it("a snooze ending in quiet hours waits for them to end", () => {
    // Monday 21:00 EDT → Tuesday 08:00 EDT.
    const s = { ...ny, snoozedUntil: new Date("2026-06-02T01:00:00Z") };
    expect(next(s, "2026-06-01T18:00:00Z")).toEqual({
      at: "2026-06-02T12:00:00.000Z",
      localDate: "2026-06-01",
      slot: "21:00",
    });
  });

  it("is not bound to weekends off: snoozed until Saturday fires on Saturday", () => {
    const s = { ...ny, snoozedUntil: new Date("2026-06-06T14:00:00Z") };
    expect(at(s, "2026-06-05T18:00:00Z")).toBe("2026-06-06T14:00:00.000Z");
  });

  it("a snooze that has passed no longer matters", () => {
    const s = { ...ny, snoozedUntil: new Date("2026-06-01T15:00:00Z") };
    expect(at(s, "2026-06-02T00:00:00Z")).toBe("2026-06-04T14:00:00.000Z");
  });

  it("a snooze inside a pause is dropped; the pause end decides", () => {
    const s = { ...ny, snoozedUntil: new Date("2026-06-02T14:00:00Z"), pausedUntil: "2026-06-08" };
    expect(at(s, "2026-06-01T18:00:00Z")).toBe("2026-06-08T14:00:00.000Z");
  });

  it("a disabled schedule ignores a snooze", () => {
    const s = { ...ny, enabled: false, snoozedUntil: new Date("2026-06-01T15:00:00Z") };
    expect(nextCheckinAt(s, new Date("2026-06-01T14:00:00Z"))).toBeNull();
  });
});

describe("disabled and invalid schedules", () => {
  it("disabled → null", () => {
    const s = { ...defaultSchedule("Europe/Berlin"), enabled: false };
    expect(nextCheckinAt(s, new Date("2026-06-01T00:00:00Z"))).toBeNull();
  });

  it("no days → null", () => {
    const s = { ...defaultSchedule("Europe/Berlin"), days: [] };
    expect(nextCheckinAt(s, new Date("2026-06-01T00:00:00Z"))).toBeNull();
  });

  it("an unknown zone or malformed time throws", () => {
    const after = new Date("2026-06-01T00:00:00Z");
    expect(() => nextCheckinAt(defaultSchedule("Mars/Olympus"), after)).toThrow(RangeError);
    expect(() => nextCheckinAt({ ...defaultSchedule("UTC"), time: "9am" }, after)).toThrow(
      RangeError,
    );
  });
});
