import type { Kysely } from "kysely";
import type { Database } from "../../src/db/types.ts";
import { type DigestJobs, dueWork } from "../../src/domain/org/digests.ts";
import type { BatchJobQueue } from "../../src/ports.ts";
import { defineQueue } from "../queue.ts";
import { sendDigest, sendSummary } from "./send.ts";

export const DIGEST_QUEUE = "digests";

/** Finds due work in SQL and enqueues one job per team or manager, keyed so it queues once. */
export async function tick(
  db: Kysely<Database>,
  now: Date,
  jobs: BatchJobQueue<DigestJobs>,
): Promise<number> {
  const { digests, summaries } = await dueWork(db, now);
  const queued = [
    ...digests.map(
      (d) => ({ job: "digests.team", data: d, id: d.key.replace(/:/g, "-") }) as const,
    ),
    ...summaries.map(
      (s) => ({ job: "digests.summary", data: s, id: s.key.replace(/:/g, "-") }) as const,
    ),
  ];
  if (queued.length > 0) await jobs.enqueueMany(queued);
  return queued.length;
}

/** Weekly team digests in their channels and monthly manager summaries by DM. */
export const digestJobs = defineQueue("digests", (ctx) => {
  const deps = { db: ctx.db, clock: ctx.clock, messenger: ctx.messenger };
  return {
    handlers: {
      "digests.tick": () => tick(ctx.db, ctx.clock.now(), ctx.jobs),
      "digests.team": (due) => sendDigest(deps, due),
      "digests.summary": (due) => sendSummary(deps, due),
    },
  };
});
