import { afterEach, describe, expect, it } from "vitest";
import { type QueueBackend, redisBackend } from "../../jobs/backend.ts";
import { checkinJobs } from "../../jobs/checkins/index.ts";
import { startJobs } from "../../jobs/registry.ts";
import { createLogger } from "../../src/log.ts";
import {
  addSeededPeople,
  deliveredPerChannel,
  flowingClock,
  seedDue,
  slackMessenger,
  statusCounts,
  waitUntil,
} from "../checkins/harness.ts";
import { TEST_REDIS_URL } from "../support/app.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { type SlowSlack, startSlowSlack } from "./slow-slack.ts";

const USERS = 40;

describe("chaos: Slack takes posts in but answers after the sender gave up", () => {
  let t: TestDatabase | undefined;
  let fake: FakeSlack | undefined;
  let slow: SlowSlack | undefined;
  let backend: QueueBackend | undefined;

  afterEach(async () => {
    await backend?.close();
    await slow?.close();
    await fake?.close();
    await t?.drop();
  });

  it("looks for a given-up post only once Slack has had a lease to record it: one check-in each", async () => {
    t = await createTestDatabase("chaos_late_posts");
    fake = await startFakeSlack();
    // Each post lands 2 s after it came in; the sender gives up after 0.8 s.
    slow = await startSlowSlack(fake, 2_000);
    backend = await redisBackend({ url: TEST_REDIS_URL, prefix: `t-${t.schema}` });
    await seedDue(t.db, USERS, 4);
    addSeededPeople(fake, USERS);
    const running = await startJobs(
      {
        db: t.db,
        clock: flowingClock("2026-11-30T09:00:30Z"),
        backend,
        messenger: slackMessenger(t.db, slow.apiUrl, { timeoutMs: 800 }),
        logger: createLogger(process.env.DEBUG_CHECKINS ? "debug" : "silent"),
      },
      [
        checkinJobs({
          tickEveryMs: 500,
          leaseMs: 3_000,
          requeueAfterMs: 3_000,
          bucket: { capacity: 1_000, perSecond: 1_000 },
        }),
      ],
    );
    const db = t.db;
    try {
      await waitUntil(async () => (await statusCounts(db)).sent === USERS, 40_000, "all sent");
      // Posts still on their way would land after the count: let them.
      const s = slow;
      await waitUntil(async () => s.inFlight() === 0, 10_000, "posts in flight to land");
    } finally {
      await running.stop();
    }
    const perChannel = deliveredPerChannel(fake);
    expect(perChannel.size).toBe(USERS);
    expect([...perChannel.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    // Every first post timed out, so each was found by looking, not by a second post.
    expect(fake.callsTo("chat.postMessage")).toHaveLength(USERS);
  }, 60_000);
});
