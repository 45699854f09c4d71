import type { Kysely } from "kysely";
import type { Database } from "../../db/types.ts";
import { DeliveryError, RateLimitedError } from "../../delivery/errors.ts";
import type { Logger } from "../../log.ts";
import { metrics } from "../../metrics.ts";
import type { Delivery, Destination, SendOptions } from "../../ports.ts";
import type { Clock } from "../../time/clock.ts";
import { GoalService } from "../goals/service.ts";
import { type BuildCheckinMessage, type Decision, decide } from "./decide.ts";
import { type ClaimedDelivery, DeliveryRepository } from "./deliveries.ts";
import type { DeliverItem } from "./jobs.ts";
import { DEFAULT_NUDGES_PER_WEEK } from "./nudges.ts";
import { loadPeople } from "./people.ts";
import type { DeliveryKind } from "./types.ts";

/** The Messenger port as the sender uses it, for whatever message type the builder makes. */
export interface CheckinMessenger<M> {
  send(to: Destination, message: M, options?: SendOptions): Promise<Delivery>;
  /**
   * Finds a message sent to `to` since `since` carrying `key`, so a delivery whose sender died
   * before recording it is not sent twice. Platforms that can't look back resend instead.
   */
  findSent?(to: Destination, key: string, since: Date): Promise<Delivery | null>;
}

export interface SenderOptions {
  /**
   * How long a claim holds before another worker may take it over. A send starts within the first
   * half (or the claim is handed back unsent), so the messenger's timeout must be below the other
   * half: the Slack messenger's default is a sixth of the default lease. A send that got no answer
   * keeps its claim for another lease, so the platform has that long to record it before anyone
   * looks for it there.
   */
  leaseMs?: number;
  /** Nudges per person per week beyond the check-ins (DEFAULT_NUDGES_PER_WEEK unless set). */
  nudgesPerWeek?: number;
}

/** How a chunk went: sent, to try again, and how long the platform asked us to wait, if it did. */
export interface ChunkResult {
  sent: number;
  retries: number;
  rateLimitedMs: number | null;
}

type SentRecord = Omit<Parameters<DeliveryRepository["markSentMany"]>[0][number], "delivery"> & {
  delivery: ClaimedDelivery;
};

/** How one delivery of a chunk went. */
type Outcome =
  | { kind: "sent"; record: SentRecord }
  | { kind: "closed" }
  | { kind: "retry" }
  | { kind: "held" }
  | { kind: "rate_limited"; retryAfterMs: number };

const isRateLimited = (e: unknown): e is RateLimitedError => e instanceof RateLimitedError;
const isPermanent = (e: unknown) => e instanceof DeliveryError && e.permanent;
/**
 * No answer came (timed out, connection lost, or an error of no platform): the request may still
 * be on its way or being acted on. A refusal (ok:false) or a 5xx is an answer: nothing is pending.
 */
const unanswered = (e: unknown) => !(e instanceof DeliveryError) || e.code === "request_failed";
/** A 5xx answer may come after the message was posted. */
const mayHaveArrived = (e: unknown) =>
  unanswered(e) || (e instanceof DeliveryError && e.code.startsWith("http_5"));

/**
 * Sends claimed check-ins and nudges: claims them in the ledger, decides from the person's state
 * what each says, has the builder word it, sends it through the messenger and records the outcome.
 */
export class CheckinSender<M> {
  private readonly deliveries: DeliveryRepository;
  private readonly goals: GoalService;
  private readonly leaseMs: number;
  private readonly nudgesPerWeek: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly messenger: CheckinMessenger<M>,
    private readonly build: BuildCheckinMessage<M>,
    private readonly logger: Logger,
    options: SenderOptions = {},
  ) {
    this.deliveries = new DeliveryRepository(db);
    this.goals = new GoalService(db, clock);
    this.leaseMs = options.leaseMs ?? 120_000;
    this.nudgesPerWeek = options.nudgesPerWeek ?? DEFAULT_NUDGES_PER_WEEK;
  }

  /** Marks deliveries waiting for their workspace's budget, so the sweep leaves them be. */
  async deferred(keys: string[]): Promise<void> {
    await this.deliveries.touch(keys, this.clock.now());
  }

  /** Decides what each claimed delivery says, in a fixed number of queries for the lot. */
  private async decideMany(claimed: ClaimedDelivery[], now: Date): Promise<Decision[]> {
    if (claimed.length === 0) return [];
    const people = await loadPeople(this.db, claimed, now);
    return claimed.map((d) => {
      const person = people.get(d.user_id);
      return person
        ? decide(person, this.goals, d, now, this.nudgesPerWeek)
        : { send: false, reason: "no such person", state: {} };
    });
  }

  async deliver(items: DeliverItem[]): Promise<ChunkResult> {
    const now = this.clock.now();
    const claims = await this.deliveries.claimMany(
      items.map((d) => d.key),
      now,
      this.leaseMs,
    );
    // Deliveries another worker holds are its to finish (or the sweep's, if it died).
    const taken = items.flatMap((item) => {
      const c = claims.get(item.key);
      return c?.state === "claimed" ? [{ item, delivery: c.delivery }] : [];
    });
    const result: ChunkResult = { sent: 0, retries: 0, rateLimitedMs: null };
    if (taken.length === 0) return result;
    let decisions: Decision[];
    try {
      decisions = await this.decideMany(
        taken.map((t) => t.delivery),
        now,
      );
    } catch (error) {
      await Promise.all(
        taken.map((t) => this.deliveries.release(t.delivery, false, (error as Error).message)),
      );
      throw error;
    }
    // Settled, not all: one failed bookkeeping write must not keep the rest from being
    // recorded. A delivery whose outcome is lost keeps its claim; when the lease runs out it
    // is looked up on the platform before any second send.
    const outcomes = (
      await Promise.allSettled(
        taken.map((t, i) => this.sendOne(t.item, t.delivery, decisions[i]!, now)),
      )
    ).map((r): Outcome => {
      if (r.status === "fulfilled") return r.value;
      this.logger.warn({ err: (r.reason as Error).message }, "check-in outcome not recorded");
      return { kind: "retry" };
    });
    const sent = outcomes.flatMap((o) => (o.kind === "sent" ? [o.record] : []));
    const recorded = await this.deliveries.markSentMany(sent);
    for (const s of sent) {
      if (recorded.has(s.delivery.key)) {
        const late = s.result.at.getTime() - s.delivery.due_at.getTime();
        metrics.deliveryDelay(s.delivery.kind, late / 1000);
      } else {
        this.logger.warn({ key: s.delivery.key }, "check-in sent after its claim was taken over");
      }
    }
    const limited = outcomes.flatMap((o) => (o.kind === "rate_limited" ? [o.retryAfterMs] : []));
    result.sent = sent.length;
    result.retries = outcomes.filter((o) => o.kind === "retry").length;
    result.rateLimitedMs = limited.length > 0 ? Math.max(...limited) : null;
    return result;
  }

  private async sendOne(
    item: DeliverItem,
    d: ClaimedDelivery,
    decision: Decision,
    now: Date,
  ): Promise<Outcome> {
    const { key, userId } = item;
    const to: Destination = { kind: "user", userId };
    if (d.uncertain && this.messenger.findSent) {
      let found: Delivery | null;
      try {
        found = await this.messenger.findSent(to, key, d.due_at);
      } catch (error) {
        await this.deliveries.release(d, true, (error as Error).message);
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
    if (!decision.send) {
      await this.deliveries.markSkipped(d, decision.reason, now, decision.state, userId);
      metrics.delivery(item.kind, "skipped");
      return { kind: "closed" };
    }
    // A claim that sat waiting (a busy process) may be near its lease's end, when another
    // worker may take it over: give it back rather than risk two sends. The messenger holds
    // the same line up to the moment the post is written.
    const safeMs = (d.claimed_at ?? now).getTime() + this.leaseMs / 2 - this.clock.now().getTime();
    if (safeMs < 0) {
      await this.deliveries.release(d, d.uncertain, "claim held too long before sending");
      return { kind: "retry" };
    }
    let sent: Delivery;
    try {
      sent = await this.messenger.send(
        { ...to, platformUserId: decision.to.platformUserId },
        this.build(decision.content, decision.to, now),
        { writeBy: Date.now() + safeMs },
      );
    } catch (error) {
      return this.failed(d, item.kind, error);
    }
    metrics.delivery(item.kind, "sent");
    return {
      kind: "sent",
      record: {
        delivery: d,
        result: {
          ref: sent.ref,
          messageKind: decision.messageKind,
          goalId: decision.goalId,
          at: now,
        },
        state: decision.state,
      },
    };
  }

  private async failed(d: ClaimedDelivery, kind: DeliveryKind, error: unknown): Promise<Outcome> {
    const { key } = d;
    metrics.delivery(kind, isRateLimited(error) ? "rate_limited" : "failed");
    if (isRateLimited(error)) {
      // 429 means nothing was posted: give the claim back.
      await this.deliveries.release(d, false, "rate limited");
      return { kind: "rate_limited", retryAfterMs: error.retryAfterMs };
    }
    if (isPermanent(error)) {
      await this.deliveries.markFailed(d, (error as Error).message, this.clock.now());
      this.logger.warn({ key, err: (error as Error).message }, "check-in not deliverable");
      return { kind: "closed" };
    }
    const reason = (error as Error).message;
    if (unanswered(error)) {
      // Handing the claim back now would let the next attempt look on the platform before a
      // slow platform has recorded this post, find nothing and send a second one.
      await this.deliveries.hold(d, reason, this.clock.now());
      this.logger.debug({ key, err: reason }, "check-in attempt unanswered; held for a lease");
      return { kind: "held" };
    }
    await this.deliveries.release(d, mayHaveArrived(error), reason);
    this.logger.debug({ key, err: reason }, "check-in attempt failed");
    return { kind: "retry" };
  }
}
