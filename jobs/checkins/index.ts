import { itemsOf } from "../../src/domain/checkins/jobs.ts";
import { CheckinSender, type SenderOptions } from "../../src/domain/checkins/sender.ts";
import { CheckinTicker, type TickOptions } from "../../src/domain/checkins/tick.ts";
import { checkinDeliveryMessages } from "../../src/messages/checkins.ts";
import type { Messenger } from "../../src/ports.ts";
import { defineQueue, type JobModule } from "../queue.ts";
import { type BucketOptions, DEFAULT_BUCKET, memoryBucket, redisBucket } from "./bucket.ts";
import { rationer } from "./ration.ts";

/**
 * Asks the platform whether a delivery arrived although its sender died before recording it
 * (Slack: the DM's history since the claim, looking for the key in a button value). The
 * messenger's own `findSent` unless set.
 */
export type SentLookup = Required<Pick<Messenger, "findSent">>;

export interface CheckinJobOptions extends TickOptions, SenderOptions {
  tickEveryMs?: number;
  /** Jobs a worker runs at once; a job's sends wait on the network together. */
  concurrency?: number;
  bucket?: BucketOptions;
  lookup?: SentLookup;
  /** How often a worker makes sure the tick's scheduler still exists (Redis may have restarted). */
  schedulerCheckMs?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/** Check-ins and nudges: a tick every minute queues what is due, in chunks the workers send. */
export function checkinJobs(options: CheckinJobOptions = {}): JobModule {
  return defineQueue("checkins", ({ db, clock, backend, messenger, logger, jobs }) => {
    const ticker = new CheckinTicker(db, clock, jobs, logger, options);
    const lookup = options.lookup ?? messenger;
    const sender = new CheckinSender(
      db,
      clock,
      {
        send: (to, message, sendOptions) => messenger.send(to, message, sendOptions),
        ...(lookup.findSent ? { findSent: lookup.findSent.bind(lookup) } : {}),
      },
      checkinDeliveryMessages(),
      logger,
      options,
    );
    const budget = options.bucket ?? DEFAULT_BUCKET;
    const bucket = backend.redis
      ? redisBucket(backend.redis, "checkins", budget)
      : memoryBucket(budget);
    const ration = rationer(bucket, budget, jobs, (keys) => sender.deferred(keys));
    const tick = () => ticker.tick();
    return {
      handlers: {
        "checkins.tick": tick,
        async "checkins.deliver"(data, attempt) {
          const items = await ration(itemsOf(data));
          if (items.length === 0) return "later";
          const done = await sender.deliver(items);
          // Pause the whole queue as the platform asked; what was sent is already recorded, so
          // only the rest go out when the job comes back.
          if (done.rateLimitedMs !== null) throw await attempt.rateLimited(done.rateLimitedMs);
          if (done.retries > 0) {
            throw new Error(`${done.retries} of ${items.length} check-ins to try again`);
          }
          return `sent ${done.sent}`;
        },
      },
      ...(options.tickEveryMs
        ? { schedules: { "checkins.tick": { every: options.tickEveryMs } } }
        : {}),
      worker: {
        concurrency: options.concurrency ?? 2,
        // Manual rate limiting only applies while a limiter is set; this one never binds.
        limiter: { max: 1_000_000_000, duration: 1_000 },
        ...(options.lockDurationMs ? { lockDuration: options.lockDurationMs } : {}),
        ...(options.stalledIntervalMs ? { stalledInterval: options.stalledIntervalMs } : {}),
      },
      failures: "debug",
      ...(options.schedulerCheckMs ? { schedulerCheckMs: options.schedulerCheckMs } : {}),
      runDue: async () => {
        await tick();
      },
      // Catch up at once rather than at the first scheduled tick.
      started: () => {
        tick().catch((error: Error) => logger.warn({ err: error.message }, "check-in tick failed"));
      },
    };
  });
}
