import type { Queue } from "bullmq";
import type { JobContext, JobModule } from "../registry.ts";
import { dueWork } from "./schedule.ts";
import { sendDigest, sendSummary } from "./send.ts";

export const DIGEST_QUEUE = "digests";
/** How often the scheduler looks for due digests and summaries. */
export const TICK_MS = 5 * 60_000;

const RETRY = { attempts: 5, backoff: { type: "exponential", delay: 1_000 } } as const;

/** Finds due work in SQL and enqueues one job per team or manager, keyed so it queues once. */
export async function tick(ctx: Pick<JobContext, "db" | "clock">, queue: Queue): Promise<number> {
  const { digests, summaries } = await dueWork(ctx.db, ctx.clock.now());
  const jobs = [
    ...digests.map((d) => ({
      name: "digests.team",
      data: d,
      opts: { jobId: d.key.replace(/:/g, "-"), ...RETRY, removeOnComplete: 1000 },
    })),
    ...summaries.map((s) => ({
      name: "digests.summary",
      data: s,
      opts: { jobId: s.key.replace(/:/g, "-"), ...RETRY, removeOnComplete: 1000 },
    })),
  ];
  if (jobs.length > 0) await queue.addBulk(jobs);
  return jobs.length;
}

/** Weekly team digests in their channels and monthly manager summaries by DM. */
export const digestJobs: JobModule = {
  name: DIGEST_QUEUE,
  jobs: ["digests.tick", "digests.team", "digests.summary"],
  async start(ctx) {
    const queue = ctx.backend.queue(DIGEST_QUEUE);
    await queue.upsertJobScheduler(
      "digests-tick",
      { every: TICK_MS },
      { name: "digests.tick", data: {} },
    );
    const deps = { db: ctx.db, clock: ctx.clock, messenger: ctx.messenger };
    const worker = ctx.backend.worker(
      DIGEST_QUEUE,
      async (job) => {
        if (job.name === "digests.tick") return tick(ctx, queue);
        if (job.name === "digests.team") return sendDigest(deps, job.data as never);
        if (job.name === "digests.summary") return sendSummary(deps, job.data as never);
        throw new Error(`Unknown digest job ${job.name}`);
      },
      { concurrency: 4 },
    );
    worker.on("failed", (job, error) =>
      ctx.logger.warn({ job: job?.name, err: error.message }, "digest job failed"),
    );
    return {
      async runDue() {
        await tick(ctx, queue);
      },
      async stop() {
        await worker.close();
        await queue.close();
      },
    };
  },
};
