import { DelayedError, type Job, Worker } from "bullmq";
import { DeliveryError, RateLimitedError } from "../../src/delivery/errors.ts";
import {
  type Claim,
  DeliveryRepository,
  type DueDelivery,
} from "../../src/domain/checkins/deliveries.ts";
import { DEFAULT_NUDGES_PER_WEEK } from "../../src/domain/checkins/nudges.ts";
import { CheckinService } from "../../src/domain/checkins/service.ts";
import { GoalService } from "../../src/domain/goals/service.ts";
import type { Delivery, Destination, Messenger } from "../../src/ports.ts";
import type { JobContext, JobModule, RunningJobs } from "../registry.ts";
import { coalesce } from "./batch.ts";
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
  /** Due people selected per query. */
  batchSize?: number;
  /** Jobs a worker runs at once; sends wait on the network, so many. */
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
  /** How often a worker makes sure the tick's scheduler still exists (Redis may have restarted). */
  schedulerCheckMs?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export interface DeliverData {
  key: string;
  userId: number;
  workspaceId: number;
  kind: "checkin" | "nudge";
}

/** BullMQ job ids may not hold ":"; the idempotency key itself lives in PostgreSQL. */
export const jobIdOf = (d: Pick<DueDelivery, "key" | "requeues">) =>
  `${d.key.replaceAll(":", "_")}${d.requeues > 0 ? `_r${d.requeues}` : ""}`;

const isRateLimited = (e: unknown): e is RateLimitedError => e instanceof RateLimitedError;
const isPermanent = (e: unknown) => e instanceof DeliveryError && e.permanent;
/** A refusal (ok:false) never delivered; a dropped connection or a 5xx might have. */
const mayHaveArrived = (e: unknown) =>
  !(e instanceof DeliveryError && !e.code.startsWith("http_5") && e.code !== "request_failed");

export function checkinJobs(options: CheckinJobOptions = {}): JobModule {
  const tickEveryMs = options.tickEveryMs ?? 60_000;
  const batchSize = options.batchSize ?? 500;
  const leaseMs = options.leaseMs ?? 120_000;
  const requeueAfterMs = options.requeueAfterMs ?? 120_000;
  const nudgesPerWeek = options.nudgesPerWeek ?? DEFAULT_NUDGES_PER_WEEK;

  return {
    name: CHECKIN_QUEUE,
    jobs: [TICK_JOB, DELIVER_JOB],
    async start(ctx: JobContext): Promise<RunningJobs> {
      const { db, clock, backend, messenger, logger } = ctx;
      const deliveries = new DeliveryRepository(db);
      const schedules = new CheckinService(db, clock);
      const goals = new GoalService(db, clock);
      const bucket = backend.redis
        ? redisBucket(backend.redis, `${CHECKIN_QUEUE}`, options.bucket ?? DEFAULT_BUCKET)
        : memoryBucket(options.bucket ?? DEFAULT_BUCKET);
      const queue = backend.queue(CHECKIN_QUEUE);

      async function enqueue(due: DueDelivery[]) {
        if (due.length === 0) return;
        await queue.addBulk(
          due.map((d) => ({
            name: DELIVER_JOB,
            data: { key: d.key, userId: d.userId, workspaceId: d.workspaceId, kind: d.kind },
            opts: {
              jobId: jobIdOf(d),
              attempts: 8,
              backoff: { type: "exponential", delay: 500 },
              // The ledger, not the queue, keeps a delivery from going out twice: finished jobs
              // need not linger in Redis.
              removeOnComplete: true,
              removeOnFail: { count: 5000 },
            },
          })),
        );
      }

      async function tick(): Promise<number> {
        const now = clock.now();
        // People who set a goal or whose profile zone changed since their slots were computed.
        for (let stale = await schedules.stale(batchSize); stale.length > 0; ) {
          await schedules.ensureMany(stale);
          stale = stale.length < batchSize ? [] : await schedules.stale(batchSize);
        }
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

      // Jobs running side by side claim and compose together: a few queries per batch, not per job.
      const prepare = coalesce<string, { claim: Claim; composed?: Composed }>(async (keys) => {
        const now = clock.now();
        const claims = await deliveries.claimMany(keys, now, leaseMs);
        const taken = keys.flatMap((k) => {
          const c = claims.get(k);
          return c?.state === "claimed" ? [c.delivery] : [];
        });
        let composed: Composed[];
        try {
          composed = await composeMany(db, goals, taken, now, nudgesPerWeek);
        } catch (error) {
          await Promise.all(
            taken.map((d) => deliveries.release(d.key, false, (error as Error).message)),
          );
          throw error;
        }
        const byKey = new Map(taken.map((d, i) => [d.key, composed[i]!]));
        return keys.map((k) => {
          const claim = claims.get(k) ?? { state: "done" as const };
          const c = byKey.get(k);
          return c ? { claim, composed: c } : { claim };
        });
      });
      const record = coalesce<Parameters<DeliveryRepository["markSentMany"]>[0][number], boolean>(
        async (sent) => {
          const done = await deliveries.markSentMany(sent);
          return sent.map((s) => done.has(s.delivery.key));
        },
      );

      async function deliver(job: Job<DeliverData>, token: string | undefined) {
        const { key, workspaceId, userId } = job.data;
        const wait = await bucket.take(workspaceId);
        if (wait > 0) {
          // Later, without an attempt spent; other workspaces' jobs go ahead meanwhile.
          await job.moveToDelayed(Date.now() + wait, token);
          throw new DelayedError();
        }
        const { claim, composed } = await prepare(key);
        const now = clock.now();
        if (claim.state === "done") return "done";
        if (claim.state === "busy") {
          await job.moveToDelayed(
            Date.now() + Math.max(claim.until.getTime() - now.getTime(), 1000),
            token,
          );
          throw new DelayedError();
        }
        const d = claim.delivery;
        const to: Destination = { kind: "user", userId };
        if (d.uncertain && lookup) {
          let found: Delivery | null;
          try {
            found = await lookup.findSent(to, key, d.due_at);
          } catch (error) {
            await deliveries.release(key, true, (error as Error).message);
            throw error;
          }
          if (found) {
            await record({
              delivery: d,
              result: { ref: found.ref, messageKind: "found", goalId: null, at: now },
              state: {},
            });
            return "found";
          }
        }
        if (!composed?.send) {
          const reason = composed ? composed.reason : "not composed";
          await deliveries.markSkipped(key, reason, composed?.state ?? {}, userId);
          return "skipped";
        }
        // A claim that sat waiting (a busy process) may be near its lease's end, when another
        // worker may take it over: give it back rather than risk two sends.
        if (clock.now().getTime() - (d.claimed_at ?? now).getTime() > leaseMs / 2) {
          await deliveries.release(key, d.uncertain, "claim held too long before sending");
          throw new Error("claim held too long before sending");
        }
        let sent: Delivery;
        try {
          sent = await messenger.send(to, composed.message);
        } catch (error) {
          if (isRateLimited(error)) {
            // 429 means nothing was posted: give the claim back and pause the whole queue.
            await deliveries.release(key, false, "rate limited");
            await worker.rateLimit(error.retryAfterMs);
            throw Worker.RateLimitError();
          }
          if (isPermanent(error)) {
            await deliveries.markFailed(key, (error as Error).message);
            logger.warn({ key, err: (error as Error).message }, "check-in not deliverable");
            return "failed";
          }
          await deliveries.release(key, mayHaveArrived(error), (error as Error).message);
          throw error;
        }
        const recorded = await record({
          delivery: d,
          result: {
            ref: sent.ref,
            messageKind: composed.messageKind,
            goalId: composed.goalId,
            at: now,
          },
          state: composed.state,
        });
        if (!recorded) logger.warn({ key }, "check-in sent after its claim was taken over");
        return "sent";
      }

      const worker = backend.worker<DeliverData>(
        CHECKIN_QUEUE,
        async (job, token) => {
          if (job.name === TICK_JOB) return tick();
          return deliver(job, token);
        },
        {
          concurrency: options.concurrency ?? 100,
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
