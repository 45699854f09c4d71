import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../../bin/app.ts";
import { type QueueBackend, redisBackend } from "../../jobs/backend.ts";
import { createJobQueue, type Jobs } from "../../jobs/registry.ts";
import type { Actor, Core } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import { loadConfig } from "../../src/config.ts";
import { CHECKIN_TICK_JOB, type DeliverData } from "../../src/domain/checkins/jobs.ts";
import { NUDGE_AFTER_CHECKIN_MS } from "../../src/domain/checkins/nudges.ts";
import { CheckinSender } from "../../src/domain/checkins/sender.ts";
import { CheckinTicker } from "../../src/domain/checkins/tick.ts";
import { createLogger } from "../../src/log.ts";
import { checkinDeliveryMessages } from "../../src/messages/checkins.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { TEST_REDIS_URL } from "../support/app.ts";
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from "../support/db.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { slackMessenger, waitUntil } from "./harness.ts";

const PERSON = "U0NUDGE1";
const actor: Actor = {
  platform: "slack",
  workspaceExternalId: "T0TIMING",
  userExternalId: PERSON,
  profile: async () => ({ displayName: "Nia", email: null, timeZone: "Europe/Berlin" }),
};

/**
 * One person in Berlin with a goal of 3 h a week since Monday 16 Nov 2026 and 1 h logged on
 * 25 Nov: behind plan all week. Default schedule: check-ins Mon and Thu at 10:00, nudge slots on
 * Tue, Wed and Fri at 10:00.
 */
async function seedBehind(t: TestDatabase, fake: FakeSlack): Promise<number> {
  fake.addUser({ id: PERSON, name: "nia" });
  const ws = await t.db
    .insertInto("workspaces")
    .values({ platform: "slack", external_id: "T0TIMING", name: "Timing Co" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const created = new Date("2026-11-16T09:00:00Z");
  const user = await t.db
    .insertInto("users")
    .values({
      workspace_id: ws.id,
      platform_user_id: PERSON,
      display_name: "Nia",
      email: null,
      time_zone: "Europe/Berlin",
      updated_at: created,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const goal = await t.db
    .insertInto("goals")
    .values({
      user_id: user.id,
      credential_id: null,
      title: "Rust",
      target_date: null,
      hours_per_week: 3,
      estimated_hours: null,
      created_at: created,
      updated_at: created,
      completed_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await t.db
    .insertInto("progress_events")
    .values({
      goal_id: goal.id,
      user_id: user.id,
      hours: 1,
      note: null,
      occurred_at: new Date("2026-11-25T12:00:00Z"),
    })
    .execute();
  return goal.id;
}

const posts = (fake: FakeSlack) =>
  fake.callsTo("chat.postMessage").map((c) => JSON.stringify(c.body));

describe("a nudge right after a check-in, through the real service", () => {
  let t: TestDatabase;
  let fake: FakeSlack;
  let app: RunningApp;
  let core: Core;
  let ticks: Jobs;
  const clock = new ManualClock("2026-11-30T08:00:00Z");

  /** Moves the clock, runs one tick through the queue and waits until nothing is open. */
  async function at(iso: string) {
    clock.set(iso);
    await ticks.enqueue(CHECKIN_TICK_JOB, {});
    const db = t.db;
    await waitUntil(
      async () => {
        const due = await db
          .selectFrom("checkin_schedules")
          .where((eb) =>
            eb.or([
              eb("next_checkin_at", "<=", clock.now()),
              eb("next_nudge_at", "<=", clock.now()),
            ]),
          )
          .select("user_id")
          .execute();
        const open = await db
          .selectFrom("checkin_deliveries")
          .where("closed_at", "is", null)
          .select("key")
          .execute();
        return due.length === 0 && open.length === 0;
      },
      20_000,
      `the deliveries due at ${iso}`,
    );
  }

  const ledger = () =>
    t.db
      .selectFrom("checkin_deliveries")
      .select(["kind", "status", "error", "due_at"])
      .orderBy("due_at")
      .orderBy("kind")
      .execute();

  beforeAll(async () => {
    t = await createTestDatabase("checkin_nudge_timing");
    fake = await startFakeSlack();
    await seedBehind(t, fake);
    const config = loadConfig({
      PORT: "0",
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: t.schema,
      QUEUE_PREFIX: `t-${t.schema}`,
      REDIS_URL: TEST_REDIS_URL,
      DATA_DIR: "/nonexistent",
      LOG_LEVEL: "silent",
      PLAYGROUND: "off",
      SLACK_BOT_TOKEN: "xoxb-nudge-timing",
      SLACK_SIGNING_SECRET: "nudge-timing-secret",
      SLACK_API_URL: fake.apiUrl,
    });
    app = await startApp({ config, logger: createLogger("silent"), role: "worker", clock });
    ticks = createJobQueue(app.queues.backend);
    core = createCore({ db: t.db, clock });
    await waitUntil(
      async () =>
        (await t.db.selectFrom("checkin_schedules").select("user_id").execute()).length === 1,
      20_000,
      "the default schedule",
    );
  }, 60_000);
  afterAll(async () => {
    await ticks?.close();
    await app?.stop();
    await fake?.close();
    await t?.drop();
  });

  it("holds back the nudge due with a snoozed check-in, which already shows the pace", async () => {
    // Monday's check-in shows the pace; the person snoozes it until tomorrow, which is a nudge day.
    await at("2026-11-30T09:00:30Z");
    expect(posts(fake)).toHaveLength(1);
    expect(posts(fake)[0]).toContain("behind — block an hour today?");
    clock.set("2026-11-30T09:05:00Z");
    await core.command(actor, "snooze tomorrow");

    // Tuesday 10:00 Berlin: the snoozed check-in and the nudge slot fall due in the same tick.
    await at("2026-12-01T09:00:30Z");
    const sent = posts(fake);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toContain("Time for a quick check-in");
    expect(await ledger()).toEqual([
      expect.objectContaining({ kind: "checkin", status: "sent" }),
      expect.objectContaining({ kind: "checkin", status: "sent" }),
      {
        kind: "nudge",
        status: "skipped",
        error: "a check-in went out a short while ago",
        due_at: new Date("2026-12-01T09:00:00Z"),
      },
    ]);
  });

  it("sends a nudge only once the check-in is more than the window behind it", async () => {
    // Tuesday's check-in went out at 09:00:30 UTC; nudge slots set just inside and past the window.
    const checkinAt = new Date("2026-12-01T09:00:30Z").getTime();
    const inside = new Date(checkinAt + NUDGE_AFTER_CHECKIN_MS - 60_000);
    const past = new Date(checkinAt + NUDGE_AFTER_CHECKIN_MS + 60_000);
    for (const [due, slot] of [
      [inside, "14:59"],
      [past, "15:01"],
    ] as const) {
      await t.db
        .updateTable("checkin_schedules")
        .set({ next_nudge_at: due, next_nudge_date: "2026-12-01", next_nudge_slot: slot })
        .execute();
      await at(due.toISOString());
    }
    const nudges = (await ledger()).filter((d) => d.kind === "nudge");
    expect(nudges.map((n) => [n.due_at.toISOString(), n.status, n.error])).toEqual([
      ["2026-12-01T09:00:00.000Z", "skipped", "a check-in went out a short while ago"],
      [inside.toISOString(), "skipped", "a check-in went out a short while ago"],
      [past.toISOString(), "sent", null],
    ]);
    const sent = posts(fake);
    expect(sent).toHaveLength(3);
    expect(sent[2]).toMatch(/Rust.*behind/);
  });
});

describe("what a nudge says, composed when it is sent", () => {
  let t: TestDatabase;
  let fake: FakeSlack;
  let backend: QueueBackend;
  let jobs: Jobs;
  let goalId: number;
  // Wednesday 2 Dec 2026, 10:00:30 in Berlin: a nudge slot; the last check-in was Monday's.
  const clock = new ManualClock("2026-12-02T09:00:30Z");
  const logger = createLogger("silent");

  beforeAll(async () => {
    t = await createTestDatabase("checkin_nudge_state");
    fake = await startFakeSlack();
    goalId = await seedBehind(t, fake);
    backend = await redisBackend({
      url: TEST_REDIS_URL,
      prefix: `t-nudge-state-${randomBytes(4).toString("hex")}`,
    });
    jobs = createJobQueue(backend);
    const core = createCore({ db: t.db, clock });
    // The person's schedule, stored at a pinned moment before the slot.
    clock.set("2026-12-02T08:00:00Z");
    await core.command(actor, "checkins mon,thu 10:00");
    clock.set("2026-12-02T09:00:30Z");
  }, 60_000);
  afterAll(async () => {
    await jobs?.close();
    await backend?.close();
    await fake?.close();
    await t?.drop();
  });

  it("says how far behind the person is after the hour they logged while it waited", async () => {
    // The tick records the nudge and queues it; no worker runs yet.
    const ticker = new CheckinTicker(t.db, clock, jobs, logger);
    expect(await ticker.tick()).toBe(1);
    const queue = backend.queue("checkins");
    const [waiting] = await queue.getWaiting();
    const data = waiting!.data as DeliverData;
    expect(data.deliveries).toEqual([expect.objectContaining({ kind: "nudge" })]);

    const core = createCore({ db: t.db, clock });
    const before = await core.command(actor, "goals");
    const behind = (r: unknown) => Number(/(\d+(?:\.\d+)?) h behind/.exec(JSON.stringify(r))?.[1]);
    const hoursBehind = behind(before);
    expect(hoursBehind).toBeGreaterThan(1);

    // One click on Monday's check-in: Log 1 h, a minute before the queued nudge is picked up.
    clock.set("2026-12-02T09:01:00Z");
    await core.action(actor, "checkin.log", JSON.stringify({ g: goalId, h: 1 }));

    const sender = new CheckinSender(
      t.db,
      clock,
      slackMessenger(t.db, fake.apiUrl),
      checkinDeliveryMessages(),
      logger,
    );
    expect(await sender.deliver(data.deliveries)).toEqual({
      sent: 1,
      retries: 0,
      rateLimitedMs: null,
    });
    const [nudge] = posts(fake);
    expect(behind(nudge)).toBe(hoursBehind - 1);
    await queue.close();
  });
});
