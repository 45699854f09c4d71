import { sql } from "kysely";
import {
  deliverShare,
  SHARE_DELIVER_JOB,
  type ShareJobs,
} from "../../src/domain/sharing/shares.ts";
import { sharedLearningMessage } from "../../src/messages/share.ts";
import type { BatchJobQueue } from "../../src/ports.ts";
import { defineQueue, type JobContext } from "../queue.ts";

export const SHARING_QUEUE = "sharing";
/** A share this fresh still has its own job on the way. */
const SWEEP_GRACE_MS = 60_000;
const SWEEP_BATCH = 500;

/**
 * Queues a delivery job for every share still waiting to go out. Duplicates are harmless:
 * deliverShare claims a share (pending → sending) before posting, so it goes out once.
 */
export async function sweepShares(
  ctx: Pick<JobContext, "db" | "clock">,
  jobs: BatchJobQueue<ShareJobs>,
): Promise<number> {
  const now = ctx.clock.now();
  const { rows } = await sql<{ id: number }>`
    select id from shares
    where delivery in ('pending', 'failed') and created_at <= ${new Date(now.getTime() - SWEEP_GRACE_MS)}
    order by id limit ${SWEEP_BATCH}
  `.execute(ctx.db);
  if (rows.length === 0) return 0;
  await jobs.enqueueMany(
    rows.map((r) => ({
      job: SHARE_DELIVER_JOB,
      data: { shareId: r.id },
      id: `share-${r.id}-sweep-${now.getTime()}`,
    })),
  );
  return rows.length;
}

/** Posts "what I learned" to the team channel or colleague its author chose, once. */
export const shareJobs = defineQueue("sharing", (ctx) => {
  const deps = { db: ctx.db, messenger: ctx.messenger, now: () => ctx.clock.now() };
  return {
    handlers: {
      async "share.deliver"(data) {
        const shareId = Number(data.shareId);
        if (!Number.isInteger(shareId)) throw new Error("Bad share id in a share job");
        return deliverShare(deps, shareId, sharedLearningMessage);
      },
      "share.sweep": () => sweepShares(ctx, ctx.jobs),
    },
  };
});
