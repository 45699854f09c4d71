import { describe, expect, it } from "vitest";
import { computePace, hoursPerWeekFor } from "../../src/domain/goals/pace.ts";

const zone = "Europe/Berlin";
const created = new Date("2026-11-01T09:00:00Z");
const base = {
  createdAt: created,
  targetDate: null,
  hoursPerWeek: 5,
  estimatedHours: 140,
  loggedHours: 0,
  status: "active" as const,
};

describe("goal pace", () => {
  it("is 'not started' with nothing logged, and projects on the plan", () => {
    const pace = computePace(base, created, zone);
    expect(pace.state).toBe("not started");
    expect(pace.projectedFinish).toBeNull();
    // 140 h at 5 h/week = 28 weeks = 196 days after 1 Nov 2026.
    expect(pace.plannedFinish).toBe("2027-05-16");
  });

  it("counts the first week as a week, so a first log is not a wild projection", () => {
    const pace = computePace({ ...base, loggedHours: 2 }, created, zone);
    expect(pace.weeklyPace).toBe(2);
    expect(pace.plannedByNow).toBe(0);
    expect(pace.state).toBe("ahead");
    // 138 h left at 2 h/week = 69 weeks.
    expect(pace.projectedFinish).toBe("2028-02-27");
  });

  it("says how far behind the plan a person is", () => {
    const now = new Date("2026-11-22T09:00:00Z"); // three weeks in: 15 h planned
    const pace = computePace({ ...base, loggedHours: 12 }, now, zone);
    expect(pace.plannedByNow).toBe(15);
    expect(pace.aheadBy).toBe(-3);
    expect(pace.state).toBe("behind");
    expect(pace.weeklyPace).toBe(4);
  });

  it("is on track within half an hour of the plan, and done when all hours are in", () => {
    const now = new Date("2026-11-15T09:00:00Z");
    expect(computePace({ ...base, loggedHours: 9.6 }, now, zone).state).toBe("on track");
    expect(computePace({ ...base, loggedHours: 140 }, now, zone).state).toBe("done");
  });

  it("derives the total of a free-text goal from its plan and target date", () => {
    const pace = computePace(
      { ...base, estimatedHours: null, targetDate: "2026-11-29" },
      created,
      zone,
    );
    expect(pace.totalHours).toBe(20);
    const none = computePace({ ...base, estimatedHours: null }, created, zone);
    expect(none.totalHours).toBeNull();
    expect(none.plannedFinish).toBeNull();
  });

  it("plans the hours per week a target date needs, rounded up to half hours", () => {
    // 122 days to 31 Mar = 17.4 weeks; 140 / 17.4 = 8.03 → 8.5.
    expect(hoursPerWeekFor(140, "2027-03-31", new Date("2026-11-29T12:00:00Z"), zone)).toBe(8.5);
    expect(hoursPerWeekFor(6, "2026-12-13", new Date("2026-11-29T12:00:00Z"), zone)).toBe(3);
  });
});
