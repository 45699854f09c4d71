import { type Job, Worker } from "bullmq";
import { DeliveryError, RateLimitedError } from "../../src/delivery/errors.ts";
import {
  type ClaimedDelivery,
  DeliveryRepository,
  type DueDelivery,
} from "../../src/domain/checkins/deliveries.ts";
import { DEFAULT_NUDGES_PER_WEEK } from "../../src/domain/checkins/nudges.ts";
import { CheckinService } from "../../src/domain/checkins/service.ts";
import type { DeliveryKind } from "../../src/domain/checkins/types.ts";
import { GoalService } from "../../src/domain/goals/service.ts";
import type { Delivery, Destination, Messenger } from "../../src/ports.ts";
import type { JobContext, JobModule, RunningJobs } from "../registry.ts";
import { type BucketOptions, DEFAULT_BUCKET, memoryBucket, redisBucket } from "./bucket.ts";
import { type Composed, composeMany } from "./compose.ts";

export const CHECKIN_QUEUE = "checkins";
export const TICK_JOB = "checkins.tick";
export const DELIVER_JOB = "checkins.deliver";
const SCHEDULER_ID = "checkins-tick";

/**
 * Asks the platform whether a delivery arrived although its sender died before recording it
 * (Slack: the DM's history since the claim, looking for the key in a button value). The
 * messenger's own `findSent` unless set.
 */
export type SentLookup = Required<Pick<Messenger, "findSent">>;

export interface CheckinJobOptions {
  tickEveryMs?: number;
  /**
   * Due people selected per query. A batch costs a few round trips whatever its size, each waiting
   * behind the sends in a busy worker's event loop, so a tick takes large ones.
   */
  batchSize?: number;
  /** Deliveries per queue job: claimed, composed and recorded together, sent side by side. */
  chunkSize?: number;
  /** Jobs a worker runs at once; a job's sends wait on the network together. */
  concurrency?: number;
  /**
   * How long a claim holds before another worker may take it over. A send starts within the first
   * half (or the claim is handed back unsent), so the messenger's timeout must be below the other
   * half: the Slack messenger's default is a sixth of the default lease.
   */
  leaseMs?: number;
  /** A pending delivery not picked up within this is enqueued again (the queue lost it). */
  requeueAfterMs?: number;
  /** Nudges per person per week beyond the check-ins (DEFAULT_NUDGES_PER_WEEK unless set). */
  nudgesPerWeek?: number;
  bucket?: BucketOptions;
  lookup?: SentLookup;
  /** How often a tick also looks for people without slots (a full read of people). */
  sweepEveryMs?: number;
  /** How often a worker makes sure the tick's scheduler still exists (Redis may have restarted). */
  schedulerCheckMs?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export interface DeliverItem {
  key: string;
  userId: number;
  workspaceId: number;
  kind: DeliveryKind;
}

/** A chunk of deliveries, possibly from several workspaces. */
export interface DeliverData {
  deliveries: DeliverItem[];
}

/** BullMQ job ids may not hold ":"; the idempotency key itself lives in PostgreSQL. */
export const jobIdOf = (d: Pick<DueDelivery, "key" | "requeues">) =>
  `${d.key.replaceAll(":", "_")}${d.requeues > 0 ? `_r${d.requeues}` : ""}`;

const isRateLimited = (e: unknown): e is RateLimitedError => e instanceof RateLimitedError;
const isPermanent = (e: unknown) => e instanceof DeliveryError && e.permanent;
/** A refusal (ok:false) never delivered; a dropped connection or a 5xx might have. */
const mayHaveArrived = (e: unknown) =>
  !(e instanceof DeliveryError && !e.code.startsWith("http_5") && e.code !== "request_failed");

/** How one delivery of a chunk went. */
type Outcome =
  | { kind: "sent"; record: SentRecord }
  | { kind: "closed" }
  | { kind: "retry" }
  | { kind: "rate_limited"; retryAfterMs: number };

type SentRecord = Parameters<DeliveryRepository["markSentMany"]>[0][number];

const JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: "exponential", delay: 500 },
  // The ledger, not the queue, keeps a delivery from going out twice: finished jobs need not
  // linger in Redis.
  removeOnComplete: true,
  removeOnFail: { count: 5000 },
} as const;

export function checkinJobs(options: CheckinJobOptions = {}): JobModule {
  const tickEveryMs = options.tickEveryMs ?? 60_000;
  const batchSize = options.batchSize ?? 2000;
  const chunkSize = options.chunkSize ?? 250;
  const leaseMs = options.leaseMs ?? 120_000;
  const requeueAfterMs = options.requeueAfterMs ?? 120_000;
  const nudgesPerWeek = options.nudgesPerWeek ?? DEFAULT_NUDGES_PER_WEEK;
  const sweepEveryMs = options.sweepEveryMs ?? 10 * 60_000;

  return {
    name: CHECKIN_QUEUE,
    jobs: [TICK_JOB, DELIVER_JOB],
    async start(ctx: JobContext): Promise<RunningJobs> {
      const { db, clock, backend, messenger, logger } = ctx;
      const deliveries = new DeliveryRepository(db);
      const schedules = new CheckinService(db, clock);
      const goals = new GoalService(db, clock);
      const budget = options.bucket ?? DEFAULT_BUCKET;
      const bucket = backend.redis
        ? redisBucket(backend.redis, `${CHECKIN_QUEUE}`, budget)
        : memoryBucket(budget);
      const refillMs = Math.ceil(1000 / budget.perSecond);
      const queue = backend.queue(CHECKIN_QUEUE);

      /**
       * One job per chunk rather than per person: the queue's own cost per job is then shared by
       * the chunk, which is what lets one worker keep up with a large workspace's Monday morning.
       * A repeated tick or sweep is still harmless: the job id follows the first delivery's key,
       * and the ledger turns away anything already taken.
       */
      async function enqueue(due: DueDelivery[]) {
        if (due.length === 0) return;
        const jobs = [];
        for (let i = 0; i < due.length; i += chunkSize) {
          const chunk = due.slice(i, i + chunkSize);
          jobs.push({
            name: DELIVER_JOB,
            data: {
              deliveries: chunk.map((d) => ({
                key: d.key,
                userId: d.userId,
                workspaceId: d.workspaceId,
                kind: d.kind,
              })),
            } satisfies DeliverData,
            opts: { ...JOB_OPTIONS, jobId: `${jobIdOf(chunk[0]!)}_n${chunk.length}` },
          });
        }
        await queue.addBulk(jobs);
      }

      let sweptAt = Number.NEGATIVE_INFINITY;
      let sweeping = false;
      /**
       * Stores slots for people a goal or zone change left without (setting a goal and changing
       * zone store them at once; this catches what those missed). It reads every person, so it
       * runs every few minutes rather than every tick; one that failed is tried again next tick,
       * and a clock moved back (the playground can) doesn't hold it off.
       */
      async function sweep(now: Date) {
        if (sweeping || Math.abs(now.getTime() - sweptAt) < sweepEveryMs) return;
        sweeping = true;
        try {
          for (let stale = await schedules.stale(batchSize); stale.length > 0; ) {
            await schedules.ensureMany(stale);
            stale = stale.length < batchSize ? [] : await schedules.stale(batchSize);
          }
          sweptAt = now.getTime();
        } finally {
          sweeping = false;
        }
      }

      async function tick(): Promise<number> {
        const now = clock.now();
        try {
          return await takeAllDue(now);
        } finally {
          // After the due deliveries, and even if taking them failed: slots it stores lie ahead,
          // so nothing due waits for it.
          await sweep(now).catch((error: Error) =>
            logger.warn({ err: error.message }, "check-in sweep failed"),
          );
        }
      }

      async function takeAllDue(now: Date): Promise<number> {
        let count = 0;
        for (const kind of ["checkin", "nudge"] as const) {
          for (;;) {
            const due = await deliveries.takeDue(kind, now, batchSize);
            await enqueue(due);
            count += due.length;
            if (due.length < batchSize) break;
          }
        }
        for (;;) {
          const stale = await deliveries.takeStale(now, {
            requeueAfterMs,
            leaseMs,
            limit: batchSize,
          });
          await enqueue(stale);
          count += stale.length;
          if (stale.length < batchSize) break;
        }
        return count;
      }

      const lookup: SentLookup | undefined =
        options.lookup ??
        (messenger.findSent ? { findSent: messenger.findSent.bind(messenger) } : undefined);

      /**
       * The deliveries the workspaces' buckets allow now; the rest go back to the queue in a job
       * of their own, delayed until their workspace has a token again.
       */
      async function ration(job: Job<DeliverData>): Promise<DeliverItem[]> {
        // A job queued by a version that sent one delivery per job carries just that one.
        const items = job.data.deliveries ?? [job.data as unknown as DeliverItem];
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
          await deliveries.touch(
            [...later.values()].flatMap((rest) => rest.map((d) => d.key)),
            clock.now(),
          );
          await queue.addBulk(
            [...later].map(([wait, rest]) => ({
              name: DELIVER_JOB,
              data: { deliveries: rest } satisfies DeliverData,
              opts: {
                ...JOB_OPTIONS,
                delay: wait,
                // Kept short however often a large workspace's rest comes back.
                jobId: `${jobIdOf({ key: rest[0]!.key, requeues: 0 })}_w${Date.now()}`,
              },
            })),
          );
        }
        return now;
      }

      async function sendOne(
        item: DeliverItem,
        d: ClaimedDelivery,
        composed: Composed,
        now: Date,
      ): Promise<Outcome> {
        const { key, userId } = item;
        const to: Destination = { kind: "user", userId };
        if (d.uncertain && lookup) {
          let found: Delivery | null;
          try {
            found = await lookup.findSent(to, key, d.due_at);
          } catch (error) {
            await deliveries.release(d, true, (error as Error).message);
            return { kind: "retry" };
          }
          if (found) {
            return {
              kind: "sent",
              record: {
                delivery: d,
                result: { ref: found.ref, messageKind: "found", goalId: null, at: now },
                state: {},
              },
            };
          }
        }
        if (!composed.send) {
          await deliveries.markSkipped(d, composed.reason, now, composed.state, userId);
          return { kind: "closed" };
        }
        // A claim that sat waiting (a busy process) may be near its lease's end, when another
        // worker may take it over: give it back rather than risk two sends.
        if (clock.now().getTime() - (d.claimed_at ?? now).getTime() > leaseMs / 2) {
          await deliveries.release(d, d.uncertain, "claim held too long before sending");
          return { kind: "retry" };
        }
        let sent: Delivery;
        try {
          sent = await messenger.send(
            { ...to, platformUserId: composed.platformUserId },
            composed.message,
          );
        } catch (error) {
          if (isRateLimited(error)) {
            // 429 means nothing was posted: give the claim back.
            await deliveries.release(d, false, "rate limited");
            return { kind: "rate_limited", retryAfterMs: error.retryAfterMs };
          }
          if (isPermanent(error)) {
            await deliveries.markFailed(d, (error as Error).message, clock.now());
            logger.warn({ key, err: (error as Error).message }, "check-in not deliverable");
            return { kind: "closed" };
          }
          await deliveries.release(d, mayHaveArrived(error), (error as Error).message);
          logger.debug({ key, err: (error as Error).message }, "check-in attempt failed");
          return { kind: "retry" };
        }
        return {
          kind: "sent",
          record: {
            delivery: d,
            result: {
              ref: sent.ref,
              messageKind: composed.messageKind,
              goalId: composed.goalId,
              at: now,
            },
            state: composed.state,
          },
        };
      }

      async function deliver(job: Job<DeliverData>) {
        const items = await ration(job);
        if (items.length === 0) return "later";
        const now = clock.now();
        const claims = await deliveries.claimMany(
          items.map((d) => d.key),
          now,
          leaseMs,
        );
        // Deliveries another worker holds are its to finish (or the sweep's, if it died).
        const taken = items.flatMap((item) => {
          const c = claims.get(item.key);
          return c?.state === "claimed" ? [{ item, delivery: c.delivery }] : [];
        });
        if (taken.length === 0) return "done";
        let composed: Composed[];
        try {
          composed = await composeMany(
            db,
            goals,
            taken.map((t) => t.delivery),
            now,
            nudgesPerWeek,
          );
        } catch (error) {
          await Promise.all(
            taken.map((t) => deliveries.release(t.delivery, false, (error as Error).message)),
          );
          throw error;
        }
        // Settled, not all: one failed bookkeeping write must not keep the rest from being
        // recorded. A delivery whose outcome is lost keeps its claim; when the lease runs out it
        // is looked up on the platform before any second send.
        const outcomes = (
          await Promise.allSettled(
            taken.map((t, i) => sendOne(t.item, t.delivery, composed[i]!, now)),
          )
        ).map((r): Outcome => {
          if (r.status === "fulfilled") return r.value;
          logger.warn({ err: (r.reason as Error).message }, "check-in outcome not recorded");
          return { kind: "retry" };
        });
        const sent = outcomes.flatMap((o) => (o.kind === "sent" ? [o.record] : []));
        const recorded = await deliveries.markSentMany(sent);
        for (const s of sent) {
          if (!recorded.has(s.delivery.key)) {
            logger.warn({ key: s.delivery.key }, "check-in sent after its claim was taken over");
          }
        }
        const limited = outcomes.flatMap((o) => (o.kind === "rate_limited" ? [o] : []));
        if (limited.length > 0) {
          // Pause the whole queue as Slack asked; the job comes back without spending an attempt,
          // and what was sent is already recorded, so only the rest go out then.
          await worker.rateLimit(Math.max(...limited.map((o) => o.retryAfterMs)));
          throw Worker.RateLimitError();
        }
        const retries = outcomes.filter((o) => o.kind === "retry").length;
        if (retries > 0) throw new Error(`${retries} of ${items.length} check-ins to try again`);
        return `sent ${sent.length}`;
      }

      const worker = backend.worker<DeliverData>(
        CHECKIN_QUEUE,
        async (job) => {
          if (job.name === TICK_JOB) return tick();
          return deliver(job);
        },
        {
          concurrency: options.concurrency ?? 2,
          // Manual rate limiting only applies while a limiter is set; this one never binds.
          limiter: { max: 1_000_000_000, duration: 1_000 },
          ...(options.lockDurationMs ? { lockDuration: options.lockDurationMs } : {}),
          ...(options.stalledIntervalMs ? { stalledInterval: options.stalledIntervalMs } : {}),
        },
      );
      worker.on("error", (error) => logger.warn({ err: error.message }, "check-in worker error"));
      worker.on("failed", (job, error) => {
        if (error.name !== "DelayedError" && error.name !== "RateLimitError")
          logger.debug({ job: job?.id, err: error.message }, "check-in attempt failed");
      });

      async function ensureScheduler() {
        if (await queue.getJobScheduler(SCHEDULER_ID)) return;
        await queue.upsertJobScheduler(
          SCHEDULER_ID,
          { every: tickEveryMs },
          { name: TICK_JOB, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
        );
      }
      await ensureScheduler();
      const watchdog = setInterval(() => {
        ensureScheduler().catch(() => undefined);
      }, options.schedulerCheckMs ?? 30_000);
      watchdog.unref();
      // Catch up at once rather than at the first scheduled tick.
      tick().catch((error: Error) => logger.warn({ err: error.message }, "check-in tick failed"));

      return {
        async runDue() {
          await tick();
        },
        async stop() {
          clearInterval(watchdog);
          await worker.close();
        },
      };
    },
  };
}
