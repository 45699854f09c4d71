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
  deliveredPerChannel,
  flowingClock,
  seedDue,
  slackMessenger,
  statusCounts,
  waitUntil,
} from "./harness.ts";

describe("a workspace's sending budget", () => {
  let t: TestDatabase;
  let fake: FakeSlack;
  let backend: QueueBackend;
  const BIG = 30;

  beforeAll(async () => {
    t = await createTestDatabase("checkin_ration");
    fake = await startFakeSlack();
    backend = await redisBackend({ url: TEST_REDIS_URL, prefix: `t-${t.schema}` });
    // Person i lands in workspace 1 + i % 2: two workspaces of fifteen.
    await seedDue(t.db, BIG, 2);
    addSeededPeople(fake, BIG);
  });
  afterAll(async () => {
    await backend?.close();
    await fake?.close();
    await t?.drop();
  });

  it("sends a burst, then the rest of the chunk as each workspace's tokens come back, once each", async () => {
    const started = Date.now();
    const running = await startJobs(
      {
        db: t.db,
        clock: flowingClock("2026-11-30T09:00:30Z"),
        backend,
        messenger: slackMessenger(t.db, fake.apiUrl),
        logger: createLogger("silent"),
      },
      [checkinJobs({ tickEveryMs: 1_000, chunkSize: 100, bucket: { capacity: 4, perSecond: 10 } })],
    );
    try {
      await waitUntil(
        async () => (await statusCounts(t.db)).sent === BIG,
        30_000,
        "every check-in to be sent",
      );
    } finally {
      await running.stop();
    }
    const perChannel = deliveredPerChannel(fake);
    expect(perChannel.size).toBe(BIG);
    expect([...perChannel.values()].every((n) => n === 1)).toBe(true);
    // Each workspace: a burst of 4, then 10 a second for the other 11, so at least 1.1 s (the
    // whole chunk unrationed goes out in well under a tenth of that).
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_100);
  }, 45_000);
});
