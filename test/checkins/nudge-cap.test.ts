import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../../bin/app.ts";
import { createJobQueue } from "../../jobs/registry.ts";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { CHECKIN_TICK_JOB as TICK_JOB } from "../../src/domain/checkins/jobs.ts";
import { createLogger } from "../../src/log.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { TEST_REDIS_URL } from "../support/app.ts";
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from "../support/db.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { waitUntil } from "./harness.ts";

describe("CHECKIN_NUDGES_PER_WEEK in loadConfig", () => {
  const nudges = (value?: string) =>
    loadConfig(value === undefined ? {} : { CHECKIN_NUDGES_PER_WEEK: value }).checkinNudgesPerWeek;

  it("defaults to 2 and reads whole numbers from 0 to 50", () => {
    expect(nudges()).toBe(2);
    expect(nudges("")).toBe(2);
    expect(nudges("0")).toBe(0);
    expect(nudges("1")).toBe(1);
    expect(nudges(" 7 ")).toBe(7);
    expect(nudges("50")).toBe(50);
  });

  it.each(["-1", "1.5", "two", "51", "1e1", "0x2"])("refuses %j with a friendly message", (v) => {
    let error: unknown;
    try {
      loadConfig({ CHECKIN_NUDGES_PER_WEEK: v });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      "CHECKIN_NUDGES_PER_WEEK must be a whole number from 0 to 50.",
    ]);
    expect((error as ConfigError).message).toBe(
      "Invalid configuration:\n  - CHECKIN_NUDGES_PER_WEEK must be a whole number from 0 to 50.",
    );
  });
});

/**
 * One Berlin week: check-ins Monday 30 Nov and Thursday 3 Dec 2026 at 10:00 (09:00 UTC), nudge
 * slots on the other weekdays (Tue 1, Wed 2, Fri 4) and again Tuesday 8 Dec.
 */
const DAYS = [
  "2026-11-30T09:00:30Z",
  "2026-12-01T09:00:30Z",
  "2026-12-02T09:00:30Z",
  "2026-12-03T09:00:30Z",
  "2026-12-04T09:00:30Z",
  "2026-12-05T09:00:30Z",
  "2026-12-06T09:00:30Z",
];
const NEXT_WEEK = ["2026-12-07T09:00:30Z", "2026-12-08T09:00:30Z"];
const PEOPLE = 3;

interface Counts {
  /** Sent deliveries per person and kind, e.g. { "U0000001": { checkin: 2, nudge: 1 } }. */
  sent: Record<string, Record<string, number>>;
  /** Nudge kinds and goals sent, per person, in order. */
  nudges: Record<string, string[]>;
  /** Messages that reached the fake Slack, per person. */
  posted: Record<string, number>;
  capped: number;
}

/**
 * Runs the real service (config from the environment, worker role, real PostgreSQL and Redis,
 * fake Slack on loopback) through a week for people who are behind plan on three goals each.
 */
class Week {
  t!: TestDatabase;
  fake!: FakeSlack;
  app!: RunningApp;
  clock = new ManualClock("2026-11-30T08:00:00Z");
  private tickQueue!: ReturnType<typeof createJobQueue>;

  async start(label: string, nudgesPerWeek: string | undefined) {
    this.t = await createTestDatabase(label);
    this.fake = await startFakeSlack();
    await seedBehind(this.t, this.fake);
    const config = loadConfig({
      PORT: "0",
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: this.t.schema,
      QUEUE_PREFIX: `t-${this.t.schema}`,
      REDIS_URL: TEST_REDIS_URL,
      DATA_DIR: "/nonexistent",
      LOG_LEVEL: "silent",
      PLAYGROUND: "off",
      SLACK_BOT_TOKEN: "xoxb-nudge-cap",
      SLACK_SIGNING_SECRET: "nudge-cap-secret",
      SLACK_API_URL: this.fake.apiUrl,
      ...(nudgesPerWeek === undefined ? {} : { CHECKIN_NUDGES_PER_WEEK: nudgesPerWeek }),
    });
    this.app = await startApp({
      config,
      logger: createLogger("silent"),
      role: "worker",
      clock: this.clock,
    });
    this.tickQueue = createJobQueue(this.app.queues.backend);
    // The worker's catch-up tick at start gives everyone with a goal the default schedule,
    // computed at 08:00 UTC: Monday's 10:00 Berlin check-in is still ahead.
    const db = this.t.db;
    await waitUntil(
      async () =>
        (await db.selectFrom("checkin_schedules").select("user_id").execute()).length === PEOPLE,
      20_000,
      "the default schedules",
    );
    const first = await db
      .selectFrom("checkin_schedules")
      .select(["next_checkin_at", "next_nudge_at"])
      .distinct()
      .execute();
    expect(first).toEqual([
      {
        next_checkin_at: new Date("2026-11-30T09:00:00Z"),
        next_nudge_at: new Date("2026-12-01T09:00:00Z"),
      },
    ]);
  }

  async stop() {
    await this.tickQueue?.close();
    await this.app?.stop();
    await this.fake?.close();
    await this.t?.drop();
  }

  /** Moves the clock to `at`, runs one tick through the queue and waits for every delivery. */
  async at(at: string) {
    this.clock.set(at);
    await this.tickQueue.enqueue(TICK_JOB, {});
    const db = this.t.db;
    await waitUntil(
      async () => {
        const behind = await db
          .selectFrom("checkin_schedules")
          .where((eb) =>
            eb.or([
              eb("next_checkin_at", "<=", new Date(at)),
              eb("next_nudge_at", "<=", new Date(at)),
            ]),
          )
          .select("user_id")
          .execute();
        const open = await db
          .selectFrom("checkin_deliveries")
          .where("status", "in", ["pending", "sending"])
          .select("key")
          .execute();
        return behind.length === 0 && open.length === 0;
      },
      20_000,
      `the deliveries due at ${at}`,
    );
  }

  async counts(): Promise<Counts> {
    const rows = await sql<{
      person: string;
      kind: string;
      status: string;
      message_kind: string | null;
      title: string | null;
      error: string | null;
    }>`select u.platform_user_id as person, d.kind, d.status, d.message_kind, g.title, d.error
        from checkin_deliveries d join users u on u.id = d.user_id
        left join goals g on g.id = d.goal_id
        order by d.due_at, u.platform_user_id`.execute(this.t.db);
    const counts: Counts = { sent: {}, nudges: {}, posted: {}, capped: 0 };
    for (const r of rows.rows) {
      if (r.status === "skipped" && r.error === "weekly nudge cap") counts.capped += 1;
      if (r.status !== "sent") continue;
      const mine = counts.sent[r.person] ?? {};
      mine[r.kind] = (mine[r.kind] ?? 0) + 1;
      counts.sent[r.person] = mine;
      if (r.kind === "nudge") {
        counts.nudges[r.person] = [
          ...(counts.nudges[r.person] ?? []),
          `${r.message_kind}:${r.title}`,
        ];
      }
    }
    for (const m of this.fake.standin.messages) {
      counts.posted[m.channel] = (counts.posted[m.channel] ?? 0) + 1;
    }
    return counts;
  }
}

const person = (i: number) => `U${String(i).padStart(7, "0")}`;

/**
 * Three people in Berlin, each with three goals of 3 h a week since Monday 16 Nov and 1 h logged
 * on each on 25 Nov: about 5 h behind on every goal by the nudge days, none stalled, no target
 * dates, no streak. Every nudge slot has a "behind" nudge to offer (one goal per three days).
 */
async function seedBehind(t: TestDatabase, fake: FakeSlack) {
  const ws = await t.db
    .insertInto("workspaces")
    .values({ platform: "slack", external_id: "T0NUDGE", name: "Nudge Co" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const created = new Date("2026-11-16T09:00:00Z");
  for (let i = 1; i <= PEOPLE; i += 1) {
    fake.addUser({ id: person(i), name: `person${i}` });
    const user = await t.db
      .insertInto("users")
      .values({
        workspace_id: ws.id,
        platform_user_id: person(i),
        display_name: `Person ${i}`,
        email: null,
        time_zone: "Europe/Berlin",
        updated_at: created,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const title of ["Rust", "Kubernetes", "Statistics"]) {
      const goal = await t.db
        .insertInto("goals")
        .values({
          user_id: user.id,
          credential_id: null,
          title,
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
    }
  }
}

const everyone = <T>(value: T) =>
  Object.fromEntries(Array.from({ length: PEOPLE }, (_, i) => [person(i + 1), value]));

describe.each([
  {
    name: "CHECKIN_NUDGES_PER_WEEK=1",
    env: "1",
    nudges: ["behind:Rust"],
    capped: 2,
  },
  {
    name: "CHECKIN_NUDGES_PER_WEEK unset (default 2)",
    env: undefined,
    nudges: ["behind:Rust", "behind:Kubernetes"],
    capped: 1,
  },
  {
    // The control: without a binding cap the same people get a nudge in every slot.
    name: "CHECKIN_NUDGES_PER_WEEK=3",
    env: "3",
    nudges: ["behind:Rust", "behind:Kubernetes", "behind:Statistics"],
    capped: 0,
  },
])("a week of check-ins and nudges with $name", ({ env, nudges, capped }) => {
  const week = new Week();

  beforeAll(async () => {
    await week.start(`checkin_nudgecap_${env ?? "default"}`, env);
  }, 60_000);
  afterAll(async () => {
    await week.stop();
  });

  it("sends two check-ins and exactly the capped number of nudges per person", async () => {
    for (const day of DAYS) await week.at(day);
    const counts = await week.counts();
    expect(counts.sent).toEqual(everyone({ checkin: 2, nudge: nudges.length }));
    expect(counts.nudges).toEqual(everyone(nudges));
    expect(counts.capped).toBe(capped * PEOPLE);
    // What the fake Slack received agrees with the ledger: nothing else went out.
    expect(Object.values(counts.posted)).toEqual(Array(PEOPLE).fill(2 + nudges.length));
    expect(Object.values(counts.posted).reduce((a, b) => a + b, 0)).toBe(
      PEOPLE * (2 + nudges.length),
    );
    // Weekend: no slots, so nothing was recorded for Saturday or Sunday.
    const dates = await week.t.db
      .selectFrom("checkin_deliveries")
      .select("local_date")
      .distinct()
      .orderBy("local_date")
      .execute();
    expect(dates.map((d) => d.local_date)).toEqual([
      "2026-11-30",
      "2026-12-01",
      "2026-12-02",
      "2026-12-03",
      "2026-12-04",
    ]);
  }, 120_000);

  it("counts the cap per week: the next Tuesday nudges again", async () => {
    for (const day of NEXT_WEEK) await week.at(day);
    const counts = await week.counts();
    // Seven days after the first "behind" nudge on Rust, the same offer is due again.
    expect(counts.nudges).toEqual(everyone([...nudges, "behind:Rust"]));
  }, 30_000);
});
