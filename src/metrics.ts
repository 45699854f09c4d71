import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Core } from "./commands/core.ts";
import { isDatabaseUnavailable } from "./db/errors.ts";
import { RateLimitedError } from "./delivery/errors.ts";

export type CommandOutcome = "ok" | "failed" | "unavailable";
export type DeliveryKind = "checkin" | "nudge" | "digest" | "share" | "verification";
export type DeliveryOutcome = "sent" | "skipped" | "failed" | "rate_limited";

/** Job counts of one queue, as BullMQ's getJobCounts answers them. */
export interface QueueCounts {
  queue: string;
  counts: Record<string, number>;
}

/** What a connection pool can say about itself (pg.Pool's counters). */
export interface PoolUsage {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** Routes are labelled by these prefixes only, so no id or name in a path becomes a label. */
const ROUTES = [
  "/healthz",
  "/readyz",
  "/metrics",
  "/slack/events",
  "/slack/install",
  "/slack/oauth_redirect",
  "/api/messages",
  "/admin/queues",
  "/playground",
] as const;

export function routeLabel(path: string): string {
  return ROUTES.find((r) => path === r || path.startsWith(`${r}/`)) ?? "other";
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The service's Prometheus metrics. Labels hold only fixed words (routes, verbs, kinds,
 * outcomes, queue names): never a person, a workspace or anything typed.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly http = new Histogram({
    name: "stackup_http_request_duration_seconds",
    help: "HTTP requests by route, method and status, with how long each took to answer.",
    labelNames: ["route", "method", "status"],
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly slackAck = new Histogram({
    name: "stackup_slack_ack_duration_seconds",
    help: "How long Slack waited for its request to be acknowledged (Slack gives up at 3 s).",
    labelNames: ["status"],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers: [this.registry],
  });
  private readonly commands = new Counter({
    name: "stackup_commands_total",
    help: "Commands people sent, by verb and outcome.",
    labelNames: ["verb", "outcome"],
    registers: [this.registry],
  });
  private readonly deliveries = new Counter({
    name: "stackup_deliveries_total",
    help: "Messages Stackup sent on its own, by kind and outcome.",
    labelNames: ["kind", "outcome"],
    registers: [this.registry],
  });
  private readonly delays = new Histogram({
    name: "stackup_delivery_delay_seconds",
    help: "How long after it was due each check-in or nudge was recorded as sent.",
    labelNames: ["kind"],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600],
    registers: [this.registry],
  });
  private readonly verdicts = new Counter({
    name: "stackup_verifications_total",
    help: "Badge checks by verdict.",
    labelNames: ["verdict"],
    registers: [this.registry],
  });
  private readonly queueSources = new Set<() => Promise<QueueCounts[]>>();
  private readonly poolSources = new Set<PoolUsage>();

  constructor(options: { process?: boolean } = {}) {
    if (options.process !== false) collectDefaultMetrics({ register: this.registry });
    const queueSources = this.queueSources;
    new Gauge({
      name: "stackup_queue_jobs",
      help: "Jobs in each queue by state (waiting, active, delayed, failed, completed…).",
      labelNames: ["queue", "state"],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const source of queueSources) {
          const queues = await source().catch(() => []);
          for (const { queue, counts } of queues) {
            for (const [state, n] of Object.entries(counts)) this.set({ queue, state }, n);
          }
        }
      },
    });
    const pools = this.poolSources;
    new Gauge({
      name: "stackup_db_pool_connections",
      help: "PostgreSQL pool connections: total open, idle, and requests waiting for one.",
      labelNames: ["state"],
      registers: [this.registry],
      collect() {
        let total = 0;
        let idle = 0;
        let waiting = 0;
        for (const pool of pools) {
          total += pool.totalCount;
          idle += pool.idleCount;
          waiting += pool.waitingCount;
        }
        this.set({ state: "total" }, total);
        this.set({ state: "idle" }, idle);
        this.set({ state: "waiting" }, waiting);
      },
    });
  }

  httpRequest(path: string, method: string, status: number, seconds: number): void {
    const route = routeLabel(path);
    const labels = { route, method: method.toUpperCase(), status: String(status) };
    this.http.observe(labels, seconds);
    if (route === "/slack/events") this.slackAck.observe({ status: String(status) }, seconds);
  }

  command(verb: string, outcome: CommandOutcome): void {
    this.commands.inc({ verb, outcome });
  }

  delivery(kind: DeliveryKind, outcome: DeliveryOutcome, count = 1): void {
    if (count > 0) this.deliveries.inc({ kind, outcome }, count);
  }

  /** A scheduled message recorded as sent `seconds` after it was due. */
  deliveryDelay(kind: "checkin" | "nudge", seconds: number): void {
    this.delays.observe({ kind }, Math.max(0, seconds));
  }

  verification(verdict: string): void {
    this.verdicts.inc({ verdict });
  }

  /** Reads queue counts at each scrape; returns a function that stops reading them. */
  watchQueues(source: () => Promise<QueueCounts[]>): () => void {
    this.queueSources.add(source);
    return () => this.queueSources.delete(source);
  }

  watchPool(pool: PoolUsage): () => void {
    this.poolSources.add(pool);
    return () => this.poolSources.delete(pool);
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/**
 * One per process, so code far from the HTTP server (jobs, badge checks) can count without
 * being handed it; the process's /metrics serves it.
 */
export const metrics = new Metrics();

/** The core with each command counted by its verb ("other" for a word it doesn't know). */
export function countCommands(core: Core, into: Pick<Metrics, "command"> = metrics): Core {
  const verbs = new Set(core.verbs?.() ?? []);
  return {
    action: (actor, action, value) => core.action(actor, action, value),
    submit: (actor, formId, state, values) => core.submit(actor, formId, state, values),
    home: (actor) => core.home(actor),
    file: (actor, file) => core.file(actor, file),
    verbs: () => [...verbs],
    async command(actor, text) {
      const word = text.trim().split(/\s+/, 1)[0]?.toLowerCase() ?? "";
      const verb = verbs.has(word) ? word : word === "" ? "help" : "other";
      try {
        const reply = await core.command(actor, text);
        into.command(verb, "ok");
        return reply;
      } catch (error) {
        into.command(verb, isDatabaseUnavailable(error) ? "unavailable" : "failed");
        throw error;
      }
    },
  };
}

/** Runs one send, counting it as sent, rate limited or failed. */
export async function countDelivery<T>(kind: DeliveryKind, send: () => Promise<T>): Promise<T> {
  try {
    const delivered = await send();
    metrics.delivery(kind, "sent");
    return delivered;
  } catch (error) {
    metrics.delivery(kind, error instanceof RateLimitedError ? "rate_limited" : "failed");
    throw error;
  }
}
