import ICAL from "ical.js";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { type StudyPlan, studyCalendar } from "../../src/domain/plans/calendar.ts";

/** Expands the file's one recurring event with ical.js, using only the VTIMEZONE inside it. */
function expand(ics: string): { starts: Date[]; ends: Date[]; tzid: string; uid: string } {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  for (const tz of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(tz);
  }
  const vevent = calendar.getFirstSubcomponent("vevent")!;
  const event = new ICAL.Event(vevent);
  const tzid = String(vevent.getFirstProperty("dtstart")!.getParameter("tzid"));
  const duration = event.endDate.toJSDate().getTime() - event.startDate.toJSDate().getTime();
  const iterator = event.iterator();
  const starts: Date[] = [];
  for (let next = iterator.next(); next && starts.length < 500; next = iterator.next()) {
    starts.push(next.toJSDate());
  }
  return {
    starts,
    ends: starts.map((s) => new Date(s.getTime() + duration)),
    tzid,
    uid: event.uid,
  };
}

const local = (at: Date, zone: string) => DateTime.fromJSDate(at, { zone });

function plan(overrides: Partial<StudyPlan>): StudyPlan {
  return {
    goalId: 7,
    title: "Google Project Management Certificate",
    url: "https://grow.google/certificates/project-management/",
    block: { weekday: 2, time: "12:00", minutes: 60 },
    timeZone: "America/New_York",
    until: "2027-04-27",
    now: new Date("2027-02-01T15:00:00Z"),
    ...overrides,
  };
}

describe("study plan calendar file", () => {
  it("keeps 12:00 New York time on every Tuesday across the March DST change", () => {
    const { ics, occurrences } = studyCalendar(plan({}));
    const { starts, ends, tzid, uid } = expand(ics);
    expect(tzid).toBe("America/New_York");
    expect(uid).toBe("stackup-plan-goal-7@stackup");
    expect(starts).toHaveLength(13); // Tue 2 Feb … Tue 27 Apr 2027
    expect(occurrences).toBe(13);
    for (const s of starts) {
      const t = local(s, "America/New_York");
      expect(t.toFormat("ccc HH:mm")).toBe("Tue 12:00");
    }
    for (const e of ends) expect(local(e, "America/New_York").toFormat("HH:mm")).toBe("13:00");
    // The wall time held because the UTC instant moved: EST before 14 March, EDT after.
    expect(starts[0]!.toISOString()).toBe("2027-02-02T17:00:00.000Z");
    expect(starts.at(-1)!.toISOString()).toBe("2027-04-27T16:00:00.000Z");
    expect(local(starts.at(-1)!, "America/New_York").toISODate()).toBe("2027-04-27");
  });

  it("handles Europe's last-Sunday rule and a southern-hemisphere autumn change", () => {
    for (const [zone, until, now] of [
      ["Europe/Berlin", "2027-11-30", "2027-09-01T08:00:00Z"],
      ["Australia/Sydney", "2027-05-31", "2027-02-01T08:00:00Z"],
    ] as const) {
      const { ics } = studyCalendar(
        plan({
          timeZone: zone,
          until,
          now: new Date(now),
          block: { weekday: 4, time: "07:30", minutes: 45 },
        }),
      );
      const { starts } = expand(ics);
      const offsets = new Set(starts.map((s) => local(s, zone).offset));
      expect(offsets.size).toBe(2); // a DST change falls inside the recurrence
      for (const s of starts) expect(local(s, zone).toFormat("ccc HH:mm")).toBe("Thu 07:30");
      expect(local(starts.at(-1)!, zone).toISODate()! <= until).toBe(true);
    }
  });

  it("writes UTC DTSTAMP and UNTIL with a TZID start, and a zone without DST", () => {
    const { ics } = studyCalendar(
      plan({
        timeZone: "Asia/Kolkata",
        until: "2027-03-01",
        block: { weekday: 1, time: "18:00", minutes: 90 },
      }),
    );
    expect(ics).toMatch(/^DTSTAMP:\d{8}T\d{6}Z\r$/m);
    expect(ics).toMatch(/^DTSTART;TZID=Asia\/Kolkata:20270208T180000\r$/m);
    expect(ics).toMatch(/^RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=\d{8}T\d{6}Z\r$/m);
    const { starts, ends } = expand(ics);
    expect(starts.map((s) => local(s, "Asia/Kolkata").toISODate())).toEqual([
      "2027-02-08",
      "2027-02-15",
      "2027-02-22",
      "2027-03-01",
    ]);
    expect(local(ends[0]!, "Asia/Kolkata").toFormat("HH:mm")).toBe("19:30");
    // The same file goes to Slack and Teams, whose command words differ.
    const description = new ICAL.Component(ICAL.parse(ics))
      .getFirstSubcomponent("vevent")!
      .getFirstPropertyValue("description");
    expect(description).toContain("Afterwards, log the time you spent in Stackup.");
    expect(description).not.toContain("/learn");
  });

  it("starts next week when this week's block has passed, and always has one block", () => {
    // Tuesday 13:00 in New York: today's 12:00 is gone.
    const { ics } = studyCalendar(
      plan({ now: new Date("2027-02-02T18:00:00Z"), until: "2027-02-03" }),
    );
    const { starts } = expand(ics);
    expect(starts.map((s) => local(s, "America/New_York").toISODate())).toEqual(["2027-02-09"]);
  });
});
