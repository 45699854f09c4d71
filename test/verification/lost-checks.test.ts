import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VerificationRepository } from "../../src/domain/verification/repository.ts";
import {
  attachBadgeFile,
  CHECKS_PER_MINUTE,
  requeueLostChecks,
  VERIFY_JOB,
} from "../../src/domain/verification/service.ts";
import type { JobQueue } from "../../src/ports.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

const MIN = 60_000;

describe("checks lost from the queue", () => {
  let t: TestDatabase;
  const ids: number[] = [];

  beforeAll(async () => {
    t = await createTestDatabase("lost_checks");
    const ws = await t.db
      .insertInto("workspaces")
      .values({ platform: "slack", external_id: "T1" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const user = await t.db
      .insertInto("users")
      .values({ workspace_id: ws.id, platform_user_id: "U1", display_name: "Alice" })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const title of ["lost", "recent", "verified"]) {
      const goal = await t.db
        .insertInto("goals")
        .values({ user_id: user.id, title, status: "completed" })
        .returning("id")
        .executeTakeFirstOrThrow();
      const c = await t.db
        .insertInto("completions")
        .values({
          goal_id: goal.id,
          evidence_url: `https://badges.example.test/${title}`,
          completed_at: new Date("2026-06-01T08:00:00Z"),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids.push(c.id);
    }
  });
  afterAll(() => t?.drop());

  it("queues again only checks pending long after queueing, once per sweep", async () => {
    const clock = new ManualClock("2026-06-01T09:00:00Z");
    const repo = new VerificationRepository(t.db);
    const [lost, recent, verified] = ids as [number, number, number];
    await repo.setStatus(lost, "pending", new Date(clock.now().getTime() - 45 * MIN));
    await repo.setStatus(recent, "pending", new Date(clock.now().getTime() - 5 * MIN));
    await repo.setStatus(verified, "verified");
    const queued: { job: string; data: Record<string, unknown>; id?: string }[] = [];
    const jobs: JobQueue = {
      async enqueue(job, data, options) {
        queued.push({ job, data, ...(options?.id ? { id: options.id } : {}) });
      },
    };

    expect(await requeueLostChecks(t.db, jobs, clock.now())).toBe(1);
    expect(queued).toHaveLength(1);
    expect(queued[0]?.job).toBe(VERIFY_JOB);
    expect(queued[0]?.data.completionId).toBe(lost);
    expect(queued[0]?.id).toMatch(new RegExp(`^verify-${lost}-`));

    // stamped as queued now: the next sweep leaves it alone
    expect(await requeueLostChecks(t.db, jobs, clock.now())).toBe(0);

    clock.advance(40 * MIN);
    expect(await requeueLostChecks(t.db, jobs, clock.now())).toBe(2);
    expect(
      queued
        .slice(1)
        .map((q) => q.data.completionId)
        .sort(),
    ).toEqual([lost, recent].sort());
    expect(queued.some((q) => q.data.completionId === verified)).toBe(false);
  });

  it("leaves a completion pending when the queue refuses, for the next sweep", async () => {
    const clock = new ManualClock("2026-06-02T09:00:00Z");
    const failing: JobQueue = {
      async enqueue() {
        throw new Error("queue down");
      },
    };
    await expect(requeueLostChecks(t.db, failing, clock.now())).rejects.toThrow("queue down");
    const seen: unknown[] = [];
    const ok: JobQueue = {
      async enqueue(_j, data) {
        seen.push(data.completionId);
      },
    };
    expect(await requeueLostChecks(t.db, ok, clock.now())).toBe(2);
    expect(seen).toHaveLength(2);
  });

  it("starts at most a few badge-file checks a minute per person, losing nothing", async () => {
    const clock = new ManualClock("2026-06-03T09:00:00Z");
    const ws = await t.db
      .insertInto("workspaces")
      .values({ platform: "slack", external_id: "T2" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const user = await t.db
      .insertInto("users")
      .values({ workspace_id: ws.id, platform_user_id: "U2", display_name: "Bob" })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (let i = 0; i < CHECKS_PER_MINUTE + 2; i++) {
      const goal = await t.db
        .insertInto("goals")
        .values({ user_id: user.id, title: `goal ${i}`, status: "completed" })
        .returning("id")
        .executeTakeFirstOrThrow();
      await t.db
        .insertInto("completions")
        .values({ goal_id: goal.id, evidence_url: null, completed_at: clock.now() })
        .execute();
    }
    let enqueued = 0;
    const jobs: JobQueue = {
      async enqueue() {
        enqueued++;
      },
    };
    const file = new TextEncoder().encode('{"type":"OpenBadgeCredential"}');
    const pending = async () =>
      (
        await t.db
          .selectFrom("completions")
          .innerJoin("goals", "goals.id", "completions.goal_id")
          .where("goals.user_id", "=", user.id)
          .where("verification_status", "=", "pending")
          .select("completions.id")
          .execute()
      ).length;
    for (let i = 0; i < CHECKS_PER_MINUTE; i++) {
      const r = await attachBadgeFile(t.db, jobs, user.id, file, clock.now());
      expect(r).toMatchObject({ status: "pending" });
      clock.advance(5_000);
    }
    expect(await attachBadgeFile(t.db, jobs, user.id, file, clock.now())).toBe("limited");
    expect(enqueued).toBe(CHECKS_PER_MINUTE);
    expect(await pending()).toBe(CHECKS_PER_MINUTE);

    clock.advance(60_000);
    expect(await attachBadgeFile(t.db, jobs, user.id, file, clock.now())).toMatchObject({
      status: "pending",
    });
    expect(enqueued).toBe(CHECKS_PER_MINUTE + 1);
  });

  it("counts files shared at the same moment one at a time, so the limit holds", async () => {
    const clock = new ManualClock("2026-06-04T09:00:00Z");
    const ws = await t.db
      .insertInto("workspaces")
      .values({ platform: "slack", external_id: "T3" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const user = await t.db
      .insertInto("users")
      .values({ workspace_id: ws.id, platform_user_id: "U3", display_name: "Cleo" })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (let i = 0; i < CHECKS_PER_MINUTE + 4; i++) {
      const goal = await t.db
        .insertInto("goals")
        .values({ user_id: user.id, title: `goal ${i}`, status: "completed" })
        .returning("id")
        .executeTakeFirstOrThrow();
      await t.db
        .insertInto("completions")
        .values({ goal_id: goal.id, evidence_url: null, completed_at: clock.now() })
        .execute();
    }
    const jobs: JobQueue = { async enqueue() {} };
    const file = new TextEncoder().encode('{"type":"OpenBadgeCredential"}');
    for (let i = 0; i < CHECKS_PER_MINUTE - 1; i++) {
      await attachBadgeFile(t.db, jobs, user.id, file, clock.now());
    }
    // every file gets its own open connection, so nothing but the lock keeps them apart
    await Promise.all(Array.from({ length: 5 }, () => sql`select pg_sleep(0.05)`.execute(t.db)));
    // one check is left in this minute; five files arrive together
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => attachBadgeFile(t.db, jobs, user.id, file, clock.now())),
    );
    expect(answers.filter((a) => a === "limited")).toHaveLength(4);
    const queued = await t.db
      .selectFrom("completions")
      .innerJoin("goals", "goals.id", "completions.goal_id")
      .where("goals.user_id", "=", user.id)
      .where("verification_status", "=", "pending")
      .select("completions.id")
      .execute();
    expect(queued).toHaveLength(CHECKS_PER_MINUTE);
  });
});
