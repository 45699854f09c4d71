import { describe, expect, it } from "vitest";
import { computePace, type PaceInput } from "../../src/domain/goals/pace.ts";
import { PaceCalculator, plusDays } from "../../src/domain/reports/pace.ts";

const ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "UTC"];
const STATUSES: PaceInput["status"][] = ["active", "paused", "completed"];

describe("report pace without luxon per goal", () => {
  it("adds days across month, year and DST boundaries", () => {
    expect(plusDays("2026-10-24", 2)).toBe("2026-10-26");
    expect(plusDays("2026-12-30", 3)).toBe("2027-01-02");
    expect(plusDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(plusDays("2026-03-01", -1)).toBe("2026-02-28");
  });

  it("gives exactly computePace's answer for many goals, zones and clocks (DST included)", () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    // Around both 2026 changes in Europe and the US, and an ordinary day.
    for (const now of ["2026-10-25T00:30:00Z", "2026-03-08T07:30:00Z", "2026-06-15T23:59:00Z"]) {
      const at = new Date(now);
      const calc = new PaceCalculator(at);
      for (let i = 0; i < 400; i++) {
        const zone = ZONES[i % ZONES.length]!;
        const input: PaceInput = {
          createdAt: new Date(at.getTime() - Math.floor(rnd() * 200) * 86_400_000 - 3_600_000),
          targetDate: i % 3 === 0 ? plusDays(now.slice(0, 10), Math.floor(rnd() * 90)) : null,
          hoursPerWeek: i % 5 === 0 ? null : 1 + Math.floor(rnd() * 8),
          estimatedHours: i % 4 === 0 ? null : 5 + Math.floor(rnd() * 60),
          loggedHours: i % 7 === 0 ? 0 : Math.round(rnd() * 700) / 10,
          status: STATUSES[i % STATUSES.length]!,
        };
        expect(calc.pace(input, zone)).toEqual(computePace(input, at, zone));
      }
    }
  });
});
