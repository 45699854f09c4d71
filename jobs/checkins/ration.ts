import type { DeliverItem } from "../../src/domain/checkins/jobs.ts";
import { jobIdOf } from "../../src/domain/checkins/tick.ts";
import type { Jobs } from "../queue.ts";
import type { BucketOptions, TokenBucket } from "./bucket.ts";

/**
 * The deliveries the workspaces' buckets allow now; the rest go back to the queue in a job of
 * their own, delayed until their workspace has a token again (marked first, via `deferred`, so the
 * sweep doesn't queue them meanwhile).
 */
export function rationer(
  bucket: TokenBucket,
  budget: BucketOptions,
  jobs: Jobs,
  deferred: (keys: string[]) => Promise<void>,
) {
  const refillMs = Math.ceil(1000 / budget.perSecond);
  return async function ration(items: DeliverItem[]): Promise<DeliverItem[]> {
    const wants = new Map<number, number>();
    for (const d of items) wants.set(d.workspaceId, (wants.get(d.workspaceId) ?? 0) + 1);
    const grants = await bucket.take(wants);
    const now: DeliverItem[] = [];
    const later = new Map<number, DeliverItem[]>();
    for (const d of items) {
      const grant = grants.get(d.workspaceId);
      if (grant && grant.got > 0) {
        grant.got -= 1;
        now.push(d);
      } else {
        // A workspace that got some tokens but not all has its next one a refill away.
        const wait = grant?.waitMs || refillMs;
        later.set(wait, [...(later.get(wait) ?? []), d]);
      }
    }
    if (later.size > 0) {
      await deferred([...later.values()].flatMap((rest) => rest.map((d) => d.key)));
      await jobs.enqueueMany(
        [...later].map(([wait, rest]) => ({
          job: "checkins.deliver",
          data: { deliveries: rest },
          delayMs: wait,
          // Kept short however often a large workspace's rest comes back.
          id: `${jobIdOf({ key: rest[0]!.key, requeues: 0 })}_w${Date.now()}`,
        })),
      );
    }
    return now;
  };
}
