import { Worker } from "node:worker_threads";
import type { Config } from "../src/config.ts";
import { correlationId, type Logger } from "../src/log.ts";
import { type CommandOutcome, metrics, type PoolUsage } from "../src/metrics.ts";

/** What the main thread sends the command thread. */
export type ToThread =
  | { type: "work"; id: number; kind: string; payload: unknown; correlationId?: string | undefined }
  | { type: "stop" };

/** What the command thread sends back. */
export type FromThread =
  | { type: "ready" }
  /** Work finished since the last report, the commands counted meanwhile, and the thread's pool. */
  | {
      type: "done";
      ids: number[];
      counts: [verb: string, outcome: CommandOutcome][];
      pool: PoolUsage;
    };

export interface CommandThreadOptions {
  config: Config;
  logger: Logger;
  /** Tells the person that work lost with a thread that died did not go through. */
  lost: (kind: string, payload: unknown) => Promise<void>;
  /** Restart delays after a thread dies, doubling from the first up to the second (ms). */
  restartMs?: [number, number];
  /** Work handed off and not yet done, beyond which work stays on the main thread. */
  maxInFlight?: number;
}

/** How long a stop waits for the thread to finish the work it took. */
const STOP_TIMEOUT_MS = 30_000;

/**
 * The command thread: the work after a slash command's ack (the core's answer and the reply)
 * runs on a worker thread with its own event loop, database pool and queue connection, so an ack
 * never waits behind that work or its garbage collections. The main thread acks and hands the
 * command over as plain data.
 *
 * Until the thread is ready, and while it is being restarted after it died, `handOff` returns
 * false and the caller does the work itself. Work lost with a dead thread gets an apology.
 * Only with DATABASE_URL: the embedded PostgreSQL is one session that a second thread cannot open.
 */
export class CommandThread {
  private worker: Worker | undefined;
  private ready = false;
  private stopping = false;
  private nextId = 1;
  private readonly inFlight = new Map<number, { kind: string; payload: unknown }>();
  private restartDelay: number;
  private restartTimer: NodeJS.Timeout | undefined;
  private handed = 0;
  private restarts = 0;
  /** The thread's database pool as it last reported it, counted in /metrics with the main one. */
  private readonly pool: PoolUsage = { totalCount: 0, idleCount: 0, waitingCount: 0 };
  private readonly unwatchPool: () => void;

  constructor(private readonly options: CommandThreadOptions) {
    this.restartDelay = this.restartRange[0];
    this.unwatchPool = metrics.watchPool(this.pool);
    this.spawn();
  }

  private get restartRange(): [number, number] {
    return this.options.restartMs ?? [1_000, 30_000];
  }

  /** Whether the thread is up and taking work. */
  get isReady(): boolean {
    return this.ready;
  }

  /** Work handed off since start, work now in flight, and restarts after the thread died. */
  stats() {
    return {
      handed: this.handed,
      inFlight: this.inFlight.size,
      restarts: this.restarts,
      pool: { ...this.pool },
    };
  }

  /** Ends the thread at once, as a crash would: its work in flight is lost and apologised for. */
  async kill(): Promise<void> {
    await this.worker?.terminate();
  }

  /** Sends work to the thread; false, sending nothing, when it cannot take it now. */
  handOff(kind: string, payload: unknown): boolean {
    const worker = this.worker;
    if (!worker || !this.ready || this.stopping) return false;
    if (this.inFlight.size >= (this.options.maxInFlight ?? 5_000)) return false;
    const id = this.nextId++;
    this.inFlight.set(id, { kind, payload });
    worker.postMessage({ type: "work", id, kind, payload, correlationId: correlationId() });
    this.handed++;
    return true;
  }

  /** Lets the thread finish the work it took, then ends it. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.unwatchPool();
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.postMessage({ type: "stop" } satisfies ToThread);
    const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  private spawn(): void {
    const { config, logger } = this.options;
    const entry = threadEntry();
    const worker = new Worker(entry.source, {
      ...entry.options,
      workerData: { config },
      // V8's default young generation (48 MB here) would stay committed after the start-up's
      // allocations; 16 MB keeps an idle thread small at little CPU cost (bench/README.md).
      resourceLimits: { maxYoungGenerationSizeMb: 16 },
    });
    this.worker = worker;
    worker.on("message", (message: FromThread) => this.received(message));
    worker.on("error", (error) => {
      logger.error({ err: error }, "The command thread failed");
    });
    worker.on("exit", (code) => this.exited(worker, code));
  }

  private received(message: FromThread): void {
    switch (message.type) {
      case "ready":
        this.ready = true;
        this.restartDelay = this.restartRange[0];
        this.options.logger.info("command thread ready: slash commands are answered there");
        return;
      case "done":
        for (const id of message.ids) this.inFlight.delete(id);
        for (const [verb, outcome] of message.counts) metrics.command(verb, outcome);
        Object.assign(this.pool, message.pool);
        return;
    }
  }

  private exited(worker: Worker, code: number): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.ready = false;
    Object.assign(this.pool, { totalCount: 0, idleCount: 0, waitingCount: 0 });
    const lost = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const { kind, payload } of lost) void this.options.lost(kind, payload);
    if (this.stopping) return;
    this.restarts++;
    this.options.logger.warn(
      { code, lost: lost.length, restartInMs: this.restartDelay },
      "The command thread stopped: commands are answered on the main thread until it is back",
    );
    this.restartTimer = setTimeout(() => this.spawn(), this.restartDelay);
    this.restartTimer.unref();
    this.restartDelay = Math.min(this.restartDelay * 2, this.restartRange[1]);
  }
}

/**
 * The built thread sits beside the built main (dist/bin/command-thread-entry.js). From the
 * TypeScript sources (tests, `npm run dev`) the thread registers tsx first: a worker thread
 * does not inherit the loader hooks of the thread that started it.
 */
function threadEntry(): { source: string | URL; options: { eval?: boolean } } {
  const here = import.meta.url;
  if (!here.endsWith(".ts"))
    return { source: new URL("./command-thread-entry.js", here), options: {} };
  const entry = new URL("./command-thread-entry.ts", here).href;
  const tsx = import.meta.resolve("tsx/esm/api");
  return {
    source: `import(${JSON.stringify(tsx)}).then((api) => api.register()).then(() => import(${JSON.stringify(entry)}));`,
    options: { eval: true },
  };
}
