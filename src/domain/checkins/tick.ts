import type { Kysely } from "kysely";
import type { Database } from "../../db/types.ts";
import type { Logger } from "../../log.ts";
import type { BatchJobQueue } from "../../ports.ts";
import type { Clock } from "../../time/clock.ts";
import { DeliveryRepository, type DueDelivery } from "./deliveries.ts";
import { CHECKIN_DELIVER_JOB, type CheckinJobs } from "./jobs.ts";
import { CheckinService } from "./service.ts";

export interface TickOptions {
  /**
   * Due people selected per query. A batch costs a few round trips whatever its size, each waiting
   * behind the sends in a busy worker's event loop, so a tick takes large ones.
   */
  batchSize?: number;
  /** Deliveries per queue job: claimed, composed and recorded together, sent side by side. */
  chunkSize?: number;
  /** How long a claim holds before another worker may take it over. */
  leaseMs?: number;
  /** A pending delivery not picked up within this is enqueued again (the queue lost it). */
  requeueAfterMs?: number;
  /** How often a tick also looks for people without slots (a full read of people). */
  sweepEveryMs?: number;
}

/** Queue job ids may not hold ":"; the idempotency key itself lives in PostgreSQL. */
export const jobIdOf = (d: Pick<DueDelivery, "key" | "requeues">) =>
  `${d.key.replaceAll(":", "_")}${d.requeues > 0 ? `_r${d.requeues}` : ""}`;

/**
 * Finds due check-ins and nudges, records them in the ledger and queues them in chunks; queues
 * again what the queue lost; now and then stores slots for people who have none.
 */
export class CheckinTicker {
  private readonly deliveries: DeliveryRepository;
  private readonly schedules: CheckinService;
  private readonly batchSize: number;
  private readonly chunkSize: number;
  private readonly leaseMs: number;
  private readonly requeueAfterMs: number;
  private readonly sweepEveryMs: number;
  private sweptAt = Number.NEGATIVE_INFINITY;
  private sweeping = false;

  constructor(
    db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly jobs: BatchJobQueue<CheckinJobs>,
    private readonly logger: Logger,
    options: TickOptions = {},
  ) {
    this.deliveries = new DeliveryRepository(db);
    this.schedules = new CheckinService(db, clock);
    this.batchSize = options.batchSize ?? 2000;
    this.chunkSize = options.chunkSize ?? 250;
    this.leaseMs = options.leaseMs ?? 120_000;
    this.requeueAfterMs = options.requeueAfterMs ?? 120_000;
    this.sweepEveryMs = options.sweepEveryMs ?? 10 * 60_000;
  }

  /** Queues everything due now; returns how many deliveries it queued. */
  async tick(): Promise<number> {
    const now = this.clock.now();
    try {
      return await this.takeAllDue(now);
    } finally {
      // After the due deliveries, and even if taking them failed: slots it stores lie ahead,
      // so nothing due waits for it.
      await this.sweep(now).catch((error: Error) =>
        this.logger.warn({ err: error.message }, "check-in sweep failed"),
      );
    }
  }

  /**
   * One job per chunk rather than per person: the queue's own cost per job is then shared by
   * the chunk, which is what lets one worker keep up with a large workspace's Monday morning.
   * A repeated tick or sweep is still harmless: the job id follows the first delivery's key,
   * and the ledger turns away anything already taken.
   */
  private async enqueue(due: DueDelivery[]) {
    if (due.length === 0) return;
    const jobs = [];
    for (let i = 0; i < due.length; i += this.chunkSize) {
      const chunk = due.slice(i, i + this.chunkSize);
      jobs.push({
        job: CHECKIN_DELIVER_JOB,
        data: {
          deliveries: chunk.map((d) => ({
            key: d.key,
            userId: d.userId,
            workspaceId: d.workspaceId,
            kind: d.kind,
          })),
        },
        id: `${jobIdOf(chunk[0]!)}_n${chunk.length}`,
      } as const);
    }
    await this.jobs.enqueueMany(jobs);
  }

  private async takeAllDue(now: Date): Promise<number> {
    const { batchSize } = this;
    let count = 0;
    for (const kind of ["checkin", "nudge"] as const) {
      for (;;) {
        const due = await this.deliveries.takeDue(kind, now, batchSize);
        await this.enqueue(due);
        count += due.length;
        if (due.length < batchSize) break;
      }
    }
    for (;;) {
      const stale = await this.deliveries.takeStale(now, {
        requeueAfterMs: this.requeueAfterMs,
        leaseMs: this.leaseMs,
        limit: batchSize,
      });
      await this.enqueue(stale);
      count += stale.length;
      if (stale.length < batchSize) break;
    }
    return count;
  }

  /**
   * Stores slots for people a goal or zone change left without (setting a goal and changing
   * zone store them at once; this catches what those missed). It reads every person, so it
   * runs every few minutes rather than every tick; one that failed is tried again next tick,
   * and a clock moved back (the playground can) doesn't hold it off.
   */
  private async sweep(now: Date) {
    if (this.sweeping || Math.abs(now.getTime() - this.sweptAt) < this.sweepEveryMs) return;
    this.sweeping = true;
    try {
      const { batchSize } = this;
      for (let stale = await this.schedules.stale(batchSize); stale.length > 0; ) {
        await this.schedules.ensureMany(stale);
        stale = stale.length < batchSize ? [] : await this.schedules.stale(batchSize);
      }
      this.sweptAt = now.getTime();
    } finally {
      this.sweeping = false;
    }
  }
}
