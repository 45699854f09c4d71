import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import type { ScheduleRow } from "../../src/domain/checkins/types.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

const HOUR = 3_600_000;

/** A person whose platform profile says whatever zone the test sets. */
function person(id: string, zone: string): Actor & { zone: string } {
  const actor = {
    platform: "slack" as const,
    workspaceExternalId: "T0ZONES",
    userExternalId: id,
    zone,
    profile: async () => ({ displayName: id, email: null, timeZone: actor.zone }),
  };
  return actor;
}

/** The stored slots, as UTC instants and local keys. */
const slots = (row: ScheduleRow | undefined) =>
  row && {
    time_zone: row.time_zone,
    days: row.days,
    local_time: row.local_time,
    next_checkin_at: row.next_checkin_at?.toISOString() ?? null,
    next_checkin_date: row.next_checkin_date,
    next_checkin_slot: row.next_checkin_slot,
    next_nudge_at: row.next_nudge_at?.toISOString() ?? null,
    next_nudge_date: row.next_nudge_date,
  };

describe("check-in schedules recomputed at once, without a tick", () => {
  let t: TestDatabase;
  const db = () => t.db;
  const scheduleOf = async (externalId: string) => {
    const row = await db()
      .selectFrom("checkin_schedules as s")
      .innerJoin("users as u", "u.id", "s.user_id")
      .where("u.platform_user_id", "=", externalId)
      .selectAll("s")
      .executeTakeFirst();
    return slots(row);
  };
  const zoneOf = async (externalId: string) =>
    (
      await t.db
        .selectFrom("users")
        .where("platform_user_id", "=", externalId)
        .select("time_zone")
        .executeTakeFirstOrThrow()
    ).time_zone;

  /** The core as commands meet it, its clock set at `at`: each case moves its own time. */
  const coreAt = (at: string) => {
    const clock = new ManualClock(at);
    return { clock, core: createCore({ db: t.db, clock }) };
  };

  beforeAll(async () => {
    t = await createTestDatabase("checkin_recompute");
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("schedules a first goal at once: Monday and Thursday 10:00 local", async () => {
    // Monday 30 Nov 2026, 09:00 in New York (UTC-5): today's 10:00 is still ahead.
    const { clock, core } = coreAt("2026-11-30T14:00:00Z");
    const ny = person("U0NEWYORK", "America/New_York");

    await core.command(ny, "goals");
    expect(await scheduleOf("U0NEWYORK")).toBeUndefined();

    await core.command(ny, "goal Learn Rust 3h/week");
    expect(await scheduleOf("U0NEWYORK")).toEqual({
      time_zone: "America/New_York",
      days: ["mon", "thu"],
      local_time: "10:00",
      next_checkin_at: "2026-11-30T15:00:00.000Z",
      next_checkin_date: "2026-11-30",
      next_checkin_slot: "10:00",
      next_nudge_at: "2026-12-01T15:00:00.000Z",
      next_nudge_date: "2026-12-01",
    });
    // Nothing ran: no delivery was recorded, the row came from the goal alone.
    expect(await db().selectFrom("checkin_deliveries").selectAll().execute()).toEqual([]);

    // A second goal keeps the schedule as it is.
    clock.advance(10 * 60_000);
    await core.command(ny, "goal Learn Go 2h/week");
    expect((await scheduleOf("U0NEWYORK"))?.next_checkin_at).toBe("2026-11-30T15:00:00.000Z");
  });

  it("schedules a first goal made after today's slot for the next check-in day", async () => {
    // Thursday 3 Dec 2026, 11:15 in Kolkata (+5:30): Thursday's 10:00 has passed.
    const { core } = coreAt("2026-12-03T05:45:00Z");
    const kolkata = person("U0KOLKATA", "Asia/Kolkata");
    await core.command(kolkata, "goal Statistics 2h/week");
    expect(await scheduleOf("U0KOLKATA")).toMatchObject({
      time_zone: "Asia/Kolkata",
      next_checkin_at: "2026-12-07T04:30:00.000Z",
      next_checkin_date: "2026-12-07",
      next_nudge_at: "2026-12-04T04:30:00.000Z",
      next_nudge_date: "2026-12-04",
    });
  });

  it("moves the default schedule to 10:00 in the new zone when the profile says so", async () => {
    // Monday 30 Nov 2026, 09:00 in Berlin.
    const { clock, core } = coreAt("2026-11-30T08:00:00Z");
    const ada = person("U0ADA", "Europe/Berlin");
    await core.command(ada, "goal Learn Rust 3h/week");
    expect(await scheduleOf("U0ADA")).toMatchObject({
      time_zone: "Europe/Berlin",
      next_checkin_at: "2026-11-30T09:00:00.000Z",
      next_nudge_at: "2026-12-01T09:00:00.000Z",
    });

    // She moves to Kathmandu (+5:45). Within a day the stored profile still holds.
    ada.zone = "Asia/Kathmandu";
    clock.advance(23 * HOUR);
    await core.command(ada, "goals");
    expect(await zoneOf("U0ADA")).toBe("Europe/Berlin");
    expect((await scheduleOf("U0ADA"))?.time_zone).toBe("Europe/Berlin");

    // After 24 h the profile is read again, and the slots move with it at once.
    // Now: Tuesday 1 Dec, 08:01 UTC = 13:46 in Kathmandu.
    clock.set("2026-12-01T08:01:00Z");
    await core.command(ada, "goals");
    expect(await zoneOf("U0ADA")).toBe("Asia/Kathmandu");
    expect(await scheduleOf("U0ADA")).toEqual({
      time_zone: "Asia/Kathmandu",
      days: ["mon", "thu"],
      local_time: "10:00",
      // Thursday 3 Dec, 10:00 in Kathmandu.
      next_checkin_at: "2026-12-03T04:15:00.000Z",
      next_checkin_date: "2026-12-03",
      next_checkin_slot: "10:00",
      // Tuesday's 10:00 has passed there; Wednesday's is next.
      next_nudge_at: "2026-12-02T04:15:00.000Z",
      next_nudge_date: "2026-12-02",
    });
  });

  it("keeps a chosen day and time across a move from New York to Sydney", async () => {
    // Wednesday 2 Dec 2026, 07:00 in New York.
    const { clock, core } = coreAt("2026-12-02T12:00:00Z");
    const bo = person("U0BO", "America/New_York");
    await core.command(bo, "goal Kubernetes 2h/week");
    await core.command(bo, "checkins wed,fri 18:30");
    expect(await scheduleOf("U0BO")).toMatchObject({
      time_zone: "America/New_York",
      days: ["wed", "fri"],
      local_time: "18:30",
      next_checkin_at: "2026-12-02T23:30:00.000Z",
      next_nudge_at: "2026-12-03T23:30:00.000Z",
    });

    // A day and a minute later (Thursday 3 Dec, 23:01 in Sydney, UTC+11 in summer).
    bo.zone = "Australia/Sydney";
    clock.set("2026-12-03T12:01:00Z");
    await core.command(bo, "goals");
    expect(await scheduleOf("U0BO")).toEqual({
      time_zone: "Australia/Sydney",
      days: ["wed", "fri"],
      local_time: "18:30",
      // Friday 4 Dec, 18:30 in Sydney.
      next_checkin_at: "2026-12-04T07:30:00.000Z",
      next_checkin_date: "2026-12-04",
      next_checkin_slot: "18:30",
      // Nudges go on the other weekdays (Mon, Tue, Thu): Thursday's 18:30 has passed there.
      next_nudge_at: "2026-12-07T07:30:00.000Z",
      next_nudge_date: "2026-12-07",
    });
  });
});
