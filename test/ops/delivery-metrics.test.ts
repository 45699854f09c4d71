import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../../bin/app.ts";
import { createLogger } from "../../src/log.ts";
import { OffsetClock } from "../../src/time/clock.ts";
import { addSeededPeople, seedDue, statusCounts, waitUntil } from "../checkins/harness.ts";
import { testConfig } from "../support/app.ts";
import { runningFrom } from "../support/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { find, parse, type Sample } from "./prometheus.ts";

const USERS = 30;

describe("metrics: delivery counts and delays match what was delivered", () => {
  let t: TestDatabase;
  let fake: FakeSlack;
  let app: RunningApp;

  beforeAll(async () => {
    t = await createTestDatabase("delivery_metrics");
    fake = await startFakeSlack();
    await seedDue(t.db, USERS, 3);
    addSeededPeople(fake, USERS);
    // Two people with nothing to be asked about: their check-ins are skipped, not sent.
    await sql`delete from goals where user_id in (select id from users order by id limit 2)`.execute(
      t.db,
    );
    app = await startApp({
      config: testConfig({ schema: t.schema, slackApiUrl: fake.apiUrl }),
      logger: createLogger("silent"),
      role: "all",
      // Half a minute after the seeded slot; the worker's first tick runs at start.
      clock: new OffsetClock(runningFrom("2026-11-30T09:00:30Z")),
    });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
    await t?.drop();
  });

  const scrape = async (): Promise<Sample[]> =>
    parse(await (await fetch(`${app.http!.url}/metrics`)).text()).samples;
  const value = (samples: Sample[], name: string, labels: Record<string, string>) =>
    find(samples, name, labels)[0]?.value ?? 0;

  it("counts each check-in Slack received once as sent, and its delay as the ledger has it", async () => {
    const db = t.db;
    await waitUntil(
      async () => {
        const c = await statusCounts(db);
        return (c.sent ?? 0) + (c.skipped ?? 0) === USERS;
      },
      30_000,
      "every check-in to be sent or skipped",
    );
    expect(await statusCounts(db)).toEqual({ sent: USERS - 2, skipped: 2 });
    const samples = await scrape();

    const posted = fake.callsTo("chat.postMessage").length;
    expect(posted).toBe(USERS - 2);
    const total = (outcome: string) =>
      value(samples, "stackup_deliveries_total", { kind: "checkin", outcome });
    expect(total("sent")).toBe(posted);
    expect(total("skipped")).toBe(2);
    expect(total("failed")).toBe(0);

    const delays = { kind: "checkin" };
    expect(value(samples, "stackup_delivery_delay_seconds_count", delays)).toBe(USERS - 2);
    const ledger = await sql<{ seconds: number }>`
      select sum(extract(epoch from sent_at - due_at))::float8 as seconds
      from checkin_deliveries where status = 'sent'`.execute(db);
    const seconds = ledger.rows[0]!.seconds;
    // The clock started 30 s after the slot, so each one went out at least that late.
    expect(seconds).toBeGreaterThanOrEqual(30 * (USERS - 2));
    expect(value(samples, "stackup_delivery_delay_seconds_sum", delays)).toBeCloseTo(seconds, 3);
    // All of them within the bucket a minute late covers, none in the one below 30 s.
    expect(value(samples, "stackup_delivery_delay_seconds_bucket", { ...delays, le: "15" })).toBe(
      0,
    );
    expect(value(samples, "stackup_delivery_delay_seconds_bucket", { ...delays, le: "60" })).toBe(
      USERS - 2,
    );
  });
});
