import { sql } from "kysely";
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
  flowingClock,
  seedDue,
  slackMessenger,
  statusCounts,
  waitUntil,
} from "./harness.ts";

describe("scheduled check-ins in each person's language, through BullMQ and a fake Slack", () => {
  let t: TestDatabase;
  let fake: FakeSlack;
  let backend: QueueBackend;

  beforeAll(async () => {
    t = await createTestDatabase("checkin_locales");
    fake = await startFakeSlack();
    backend = await redisBackend({ url: TEST_REDIS_URL, prefix: `t-${t.schema}` });
    await seedDue(t.db, 4, 1);
    addSeededPeople(fake, 4);
    // Slack says German; German but chose Japanese; nothing (the workspace's French); Korean,
    // which Stackup doesn't speak (the workspace's French again).
    await sql`update users set platform_locale = case platform_user_id
        when 'U0000001' then 'de-DE' when 'U0000002' then 'de-DE' when 'U0000004' then 'ko-KR' end,
      locale = case platform_user_id when 'U0000002' then 'ja' end`.execute(t.db);
    await t.db.updateTable("workspaces").set({ locale: "fr" }).execute();
  });
  afterAll(async () => {
    await backend?.close();
    await fake?.close();
    await t?.drop();
  });

  it("writes each check-in in the person's choice, else their platform's, else the workspace's", async () => {
    const running = await startJobs(
      {
        db: t.db,
        clock: flowingClock("2026-11-30T09:00:30Z"),
        backend,
        messenger: slackMessenger(t.db, fake.apiUrl),
        logger: createLogger("silent"),
      },
      [checkinJobs({ tickEveryMs: 500, concurrency: 2, bucket: { capacity: 10, perSecond: 10 } })],
    );
    try {
      await waitUntil(async () => (await statusCounts(t.db)).sent === 4, 30_000, "four check-ins");
    } finally {
      await running.stop();
    }
    const texts = fake.callsTo("chat.postMessage").map((c) => String(c.body.text));
    expect(texts.sort()).toEqual(
      [
        "Check-in: Wie läuft es mit Learn Rust?",
        "チェックイン：Learn Rustの進み具合はどうですか？",
        "Point : où en est Learn Rust ?",
        "Point : où en est Learn Rust ?",
      ].sort(),
    );
  });
});
