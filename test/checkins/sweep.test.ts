import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type QueueBackend, redisBackend } from "../../jobs/backend.ts";
import { checkinJobs } from "../../jobs/checkins/index.ts";
import { startJobs } from "../../jobs/registry.ts";
import { createLogger } from "../../src/log.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { TEST_REDIS_URL } from "../support/app.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { seedDue, slackMessenger, waitUntil } from "./harness.ts";

/** The zone each person's stored slots were computed in; null for no schedule. */
async function scheduleZone(t: TestDatabase, userId: number): Promise<string | null> {
  const row = await t.db
    .selectFrom("checkin_schedules")
    .where("user_id", "=", userId)
    .select("time_zone")
    .executeTakeFirst();
  return row?.time_zone ?? null;
}

describe("the sweep for people without slots", () => {
  let t: TestDatabase;
  let fake: FakeSlack;
  let backend: QueueBackend;

  beforeAll(async () => {
    t = await createTestDatabase("checkin_sweep");
    fake = await startFakeSlack();
    backend = await redisBackend({ url: TEST_REDIS_URL, prefix: `t-${t.schema}` });
    await seedDue(t.db, 6, 1);
  });
  afterAll(async () => {
    await backend?.close();
    await fake?.close();
    await t?.drop();
  });

  it("stores slots a goal or zone change missed, every few minutes rather than every tick", async () => {
    // Person 1 has a goal but no schedule; person 2's profile zone changed behind our back.
    await sql`delete from checkin_schedules where user_id = 1`.execute(t.db);
    await sql`update users set time_zone = 'Asia/Kathmandu' where id = 2`.execute(t.db);
    const clock = new ManualClock("2026-11-30T12:00:00Z");
    const running = await startJobs(
      {
        db: t.db,
        clock,
        backend,
        messenger: slackMessenger(t.db, fake.apiUrl),
        logger: createLogger("silent"),
      },
      [checkinJobs({ sweepEveryMs: 10 * 60_000 })],
    );
    try {
      await running.runDue();
      await waitUntil(
        async () =>
          (await scheduleZone(t, 1)) === "Europe/Berlin" &&
          (await scheduleZone(t, 2)) === "Asia/Kathmandu",
        10_000,
        "the first sweep",
      );
      const slot = await t.db
        .selectFrom("checkin_schedules")
        .where("user_id", "=", 1)
        .select("next_checkin_at")
        .executeTakeFirstOrThrow();
      expect(slot.next_checkin_at!.getTime()).toBeGreaterThan(clock.now().getTime());

      // Another person loses their schedule: ticks within the sweep's interval leave it be…
      await sql`delete from checkin_schedules where user_id = 3`.execute(t.db);
      clock.advance(5 * 60_000);
      await running.runDue();
      expect(await scheduleZone(t, 3)).toBeNull();
      // …and the first tick after it stores it.
      clock.advance(5 * 60_000);
      await running.runDue();
      expect(await scheduleZone(t, 3)).toBe("Europe/Berlin");
    } finally {
      await running.stop();
    }
  });
});
