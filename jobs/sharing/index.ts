import type { Queue } from "bullmq";
import { sql } from "kysely";
import { deliverShare, SHARE_DELIVER_JOB } from "../../src/domain/sharing/shares.ts";
import { sharedLearningMessage } from "../../src/messages/share.ts";
import type { JobContext, JobModule } from "../registry.ts";

export const SHARING_QUEUE = "sharing";
export const SHARE_SWEEP_JOB = "share.sweep";
/** How often shares left pending (queue down when saved, or retries used up) are queued again. */
export const SWEEP_MS = 5 * 60_000;
/** A share this fresh still has its own job on the way. */
const SWEEP_GRACE_MS = 60_000;
const SWEEP_BATCH = 500;

const RETRY = { attempts: 5, backoff: { type: "exponential", delay: 2_000 } } as const;

/**
 * Queues a delivery job for every share still waiting to go out. Duplicates are harmless:
 * deliverShare claims a share (pending → sending) before posting, so it goes out once.
 */
export async function sweepShares(
  ctx: Pick<JobContext, "db" | "clock">,
  queue: Queue,
): Promise<number> {
  const now = ctx.clock.now();
  const { rows } = await sql<{ id: number }>`
    select id from shares
    where delivery in ('pending', 'failed') and created_at <= ${new Date(now.getTime() - SWEEP_GRACE_MS)}
    order by id limit ${SWEEP_BATCH}
  `.execute(ctx.db);
  if (rows.length === 0) return 0;
  await queue.addBulk(
    rows.map((r) => ({
      name: SHARE_DELIVER_JOB,
      data: { shareId: r.id },
      opts: {
        jobId: `share-${r.id}-sweep-${now.getTime()}`,
        ...RETRY,
        removeOnComplete: 1000,
        removeOnFail: 5000,
      },
    })),
  );
  return rows.length;
}

/** Posts "what I learned" to the team channel or colleague its author chose, once. */
export const shareJobs: JobModule = {
  name: SHARING_QUEUE,
  jobs: [SHARE_DELIVER_JOB],
  async start(ctx) {
    const queue = ctx.backend.queue(SHARING_QUEUE);
    await queue.upsertJobScheduler(
      "share-sweep",
      { every: SWEEP_MS },
      { name: SHARE_SWEEP_JOB, data: {} },
    );
    const deps = { db: ctx.db, messenger: ctx.messenger, now: () => ctx.clock.now() };
    const worker = ctx.backend.worker(
      SHARING_QUEUE,
      async (job) => {
        if (job.name === SHARE_DELIVER_JOB) {
          const shareId = Number((job.data as { shareId: unknown }).shareId);
          if (!Number.isInteger(shareId)) throw new Error(`Bad share id in job ${job.id}`);
          return deliverShare(deps, shareId, sharedLearningMessage);
        }
        if (job.name === SHARE_SWEEP_JOB) return sweepShares(ctx, queue);
        throw new Error(`Unknown sharing job ${job.name}`);
      },
      { concurrency: 4 },
    );
    worker.on("failed", (job, error) =>
      ctx.logger.warn({ job: job?.name, err: error.message }, "share job failed"),
    );
    return {
      async runDue() {
        await sweepShares(ctx, queue);
      },
      async stop() {
        await worker.close();
        await queue.close();
      },
    };
  },
};
