import { describe, expect, it } from "vitest";
import { summaryKey, summarySlot } from "../../src/domain/org/digests.ts";

describe("monthly summary window", () => {
  const zone = "America/New_York";

  it("is due from 09:00 local on the 1st, for last month", () => {
    expect(summarySlot(7, zone, new Date("2026-12-01T13:59:00Z"))).toBeNull(); // 08:59 EST
    expect(summarySlot(7, zone, new Date("2026-12-01T14:00:00Z"))).toEqual({
      key: summaryKey(7, "2026-12-01"),
      userId: 7,
      monthStart: "2026-11-01",
    });
  });

  it("stays due for three days, then skips a summary that would arrive stale", () => {
    expect(summarySlot(7, zone, new Date("2026-12-03T23:00:00Z"))).not.toBeNull(); // 3 Dec, 18:00
    expect(summarySlot(7, zone, new Date("2026-12-04T05:00:00Z"))).toBeNull(); // 4 Dec, 00:00
    expect(summarySlot(7, zone, new Date("2026-12-30T14:00:00Z"))).toBeNull();
  });
});
