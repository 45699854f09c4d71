import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type QueueBackend, redisBackend } from "../../jobs/backend.ts";
import { checkinJobs } from "../../jobs/checkins/index.ts";
import { startJobs } from "../../jobs/registry.ts";
import { createLogger } from "../../src/log.ts";
import { TEST_REDIS_URL } from "../support/app.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import {
  addSeededPeople,
  type Chaos,
  deliveredPerChannel,
  flowingClock,
  seedDue,
  slackMessenger,
  startChaos,
  statusCounts,
  waitUntil,
} from "./harness.ts";

describe("check-in delivery through BullMQ, PostgreSQL and a flaky fake Slack", () => {
  let t: TestDatabase;
  let fake: FakeSlack;
  let chaos: Chaos;
  let backend: QueueBackend;
  const USERS = 100;

  beforeAll(async () => {
    t = await createTestDatabase("checkin_pipeline");
    fake = await startFakeSlack();
    chaos = await startChaos(fake, { rate429: 0.2, rate500: 0.05, retryAfterSeconds: 1 });
    backend = await redisBackend({ url: TEST_REDIS_URL, prefix: `t-${t.schema}` });
    await seedDue(t.db, USERS, 10);
    addSeededPeople(fake, USERS);
  });
  afterAll(async () => {
    await backend?.close();
    await chaos?.close();
    await fake?.close();
    await t?.drop();
  });

  it("sends each due person exactly one check-in although 20% of posts get 429 and 5% get 500", async () => {
    const running = await startJobs(
      {
        db: t.db,
        clock: flowingClock("2026-11-30T09:00:30Z"),
        backend,
        messenger: slackMessenger(t.db, chaos.apiUrl),
        logger: createLogger(process.env.DEBUG_CHECKINS ? "debug" : "silent"),
      },
      [
        checkinJobs({
          tickEveryMs: 1_000,
          concurrency: 10,
          bucket: { capacity: 1000, perSecond: 1000 },
        }),
      ],
    );
    try {
      await waitUntil(
        async () => {
          const c = await statusCounts(t.db);
          if (process.env.DEBUG_CHECKINS) console.log(c, fake.calls.length, chaos.failed.length);
          return c.sent === USERS;
        },
        45_000,
        "every check-in to be sent",
      );
    } finally {
      await running.stop();
    }
    const perChannel = deliveredPerChannel(fake);
    expect(perChannel.size).toBe(USERS);
    expect([...perChannel.values()].every((n) => n === 1)).toBe(true);
    expect(chaos.failed.filter((f) => f.status === 429).length).toBeGreaterThan(USERS * 0.1);
    expect(chaos.failed.filter((f) => f.status === 500).length).toBeGreaterThan(0);
    const first = fake.callsTo("chat.postMessage")[0]!;
    expect(JSON.stringify(first.body.blocks)).toContain("Log 30 min");
    expect(await statusCounts(t.db)).toEqual({ sent: USERS });
    // The schedule moved on to Thursday's slot.
    const next = await t.db
      .selectFrom("checkin_schedules" as never)
      .select(["next_checkin_at" as never])
      .executeTakeFirstOrThrow();
    expect((next as { next_checkin_at: Date }).next_checkin_at.toISOString()).toBe(
      "2026-12-03T09:00:00.000Z",
    );
  }, 60_000);
});
