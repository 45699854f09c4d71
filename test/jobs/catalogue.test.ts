import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresBackend, type QueueBackend, redisBackend } from "../../jobs/backend.ts";
import { JOBS, jobsOf, QUEUES } from "../../jobs/catalogue.ts";
import { createJobQueue, defineQueue, type Jobs, type RunningJobs } from "../../jobs/queue.ts";
import { JOB_MODULES } from "../../jobs/registry.ts";
import { createLogger } from "../../src/log.ts";
import type { Messenger } from "../../src/ports.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { waitUntil } from "../checkins/harness.ts";
import { TEST_REDIS_URL } from "../support/app.ts";
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from "../support/db.ts";

const messenger: Messenger = {
  async send() {
    throw new Error("nothing is sent here");
  },
  async update() {},
};

describe("the job catalogue", () => {
  it("has every queue run by exactly one module, which runs exactly the queue's jobs", () => {
    expect(JOB_MODULES.map((m) => m.name).sort()).toEqual([...QUEUES].sort());
    for (const m of JOB_MODULES) expect(m.jobs).toEqual(jobsOf(m.name));
    expect(JOB_MODULES.flatMap((m) => m.jobs).sort()).toEqual(Object.keys(JOBS).sort());
  });
});

describe.each([{ kind: "redis" as const }, { kind: "postgres" as const }])(
  "queues started from the catalogue on $kind",
  ({ kind }) => {
    let t: TestDatabase;
    let backend: QueueBackend;
    let jobs: Jobs;
    let running: RunningJobs | undefined;
    const clock = new ManualClock("2026-11-30T09:00:00Z");

    beforeAll(async () => {
      t = await createTestDatabase(`jobs_catalogue_${kind}`);
      backend =
        kind === "redis"
          ? await redisBackend({
              url: TEST_REDIS_URL,
              prefix: `t-catalogue-${randomBytes(4).toString("hex")}`,
            })
          : postgresBackend({ connectionString: TEST_DATABASE_URL, schema: t.schema });
      jobs = createJobQueue(backend);
    }, 60_000);
    afterAll(async () => {
      await running?.stop();
      await jobs?.close();
      await backend?.close();
      await t?.drop();
    });

    it("queues a job on its catalogue queue with its catalogue retries, and refuses unknown names", async () => {
      await jobs.enqueue("share.deliver", { shareId: 41 }, { id: "share-41" });
      const job = await backend.queue("sharing").getJob("share-41");
      expect(job?.name).toBe("share.deliver");
      expect(job?.data).toEqual({ shareId: 41 });
      expect(job?.opts.attempts).toBe(JOBS["share.deliver"].options.attempts);
      await expect(jobs.enqueue("share.nope", {})).rejects.toThrow(
        'No job module runs "share.nope"',
      );
      await backend.queue("sharing").obliterate({ force: true });
    });

    it("hands each job's data to its handler, and keeps the schedulers alive", async () => {
      const delivered: number[] = [];
      let sweeps = 0;
      const module = defineQueue("sharing", () => ({
        handlers: {
          async "share.deliver"(data) {
            delivered.push(data.shareId);
          },
          async "share.sweep"() {
            sweeps += 1;
          },
        },
        schedulerCheckMs: 100,
      }));
      running = await module.start({
        db: t.db,
        clock,
        backend,
        messenger,
        logger: createLogger("silent"),
      });
      const queue = backend.queue("sharing");
      const id = JOBS["share.sweep"].schedule.id;
      expect(await queue.getJobScheduler(id)).toMatchObject({ every: 300_000 });

      await jobs.enqueueMany([
        { job: "share.deliver", data: { shareId: 1 } },
        { job: "share.deliver", data: { shareId: 2 } },
      ]);
      await waitUntil(async () => delivered.length === 2, 20_000, "both deliveries");
      expect(delivered.sort()).toEqual([1, 2]);

      // The scheduler's first sweep runs at once; the next is five minutes away.
      await waitUntil(async () => sweeps === 1, 20_000, "the first scheduled sweep");
      // The playground's clock runs the scheduled jobs without waiting for them.
      await running.runDue?.();
      expect(sweeps).toBe(2);

      // A store that lost its schedulers (Redis restarted empty) gets them back.
      await queue.removeJobScheduler(id);
      expect(await queue.getJobScheduler(id)).toBeFalsy();
      await waitUntil(
        async () => Boolean(await queue.getJobScheduler(id)),
        10_000,
        "the scheduler",
      );
    }, 60_000);
  },
);
