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
import { seedCompletion, seedPerson } from "../support/seed.ts";

const MIN = 60_000;

describe("checks lost from the queue", () => {
  let t: TestDatabase;
  const ids: number[] = [];

  beforeAll(async () => {
    t = await createTestDatabase("lost_checks");
    const user = await person("T1", "U1", "Alice");
    for (const title of ["lost", "recent", "verified"]) {
      ids.push(
        await seedCompletion(t.db, user.id, {
          title,
          completedAt: new Date("2026-06-01T08:00:00Z"),
          evidenceUrl: `https://badges.example.test/${title}`,
        }),
      );
    }
  });
  afterAll(() => t?.drop());

  const person = async (workspace: string, user: string, name: string) => ({
    id: (await seedPerson(t.db, { workspace, user, name })).userId,
  });

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
    const user = await person("T2", "U2", "Bob");
    for (let i = 0; i < CHECKS_PER_MINUTE + 2; i++) {
      await seedCompletion(t.db, user.id, { title: `goal ${i}`, completedAt: clock.now() });
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
    const user = await person("T3", "U3", "Cleo");
    for (let i = 0; i < CHECKS_PER_MINUTE + 4; i++) {
      await seedCompletion(t.db, user.id, { title: `goal ${i}`, completedAt: clock.now() });
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
