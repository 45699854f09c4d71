/**
 * The work that follows acks (the core's answer, the reply to Slack), a bounded number at a time
 * in arrival order. Acks and this work share one event loop: unbounded, a burst's work would
 * make the acks of the requests behind it wait; bounded, new requests are acked at once and
 * their work waits its turn here.
 *
 * Tasks start in the event loop's check phase (setImmediate), never inside the request or
 * completion that made room for them: requests that arrived together are all acked before any of
 * their work runs. How long a turn took to come round says how busy the loop is;
 * while it lags, fewer tasks run at once (halved, down to `minConcurrency`), and one more as
 * soon as it doesn't, so that queued work, not acks, is what waits.
 */
export interface WorkQueueOptions {
  /** How many tasks run at once when the event loop keeps up. */
  concurrency: number;
  /** How many run at once however busy the loop is. */
  minConcurrency: number;
  /** A turn that comes round later than this, in milliseconds, means the loop lags. */
  lagMs: number;
  /** How many may wait; beyond that `offer` refuses, so a backlog cannot grow without end. */
  maxWaiting: number;
}

export const WORK_QUEUE_DEFAULTS: WorkQueueOptions = {
  concurrency: 16,
  minConcurrency: 2,
  lagMs: 10,
  maxWaiting: 2_000,
};

type Task = () => Promise<void>;

export class WorkQueue {
  private readonly waiting: Task[] = [];
  private active = 0;
  private idle: (() => void)[] = [];
  /** How many may run at once now, between `minConcurrency` and `concurrency`. */
  private allowed: number;
  private turnAsked: number | undefined;
  readonly options: WorkQueueOptions;

  constructor(options: Partial<WorkQueueOptions> = {}) {
    const merged = { ...WORK_QUEUE_DEFAULTS, ...options };
    const { concurrency, minConcurrency } = merged;
    if (concurrency < 1 || minConcurrency < 1) {
      throw new Error("A work queue needs a concurrency and minConcurrency of 1 or more.");
    }
    this.options = { ...merged, minConcurrency: Math.min(minConcurrency, concurrency) };
    this.allowed = concurrency;
  }

  /** Tasks running now. */
  get running(): number {
    return this.active;
  }

  /** Tasks waiting for a turn. */
  get queued(): number {
    return this.waiting.length;
  }

  /** How many tasks may run at once at the moment. */
  get limit(): number {
    return this.allowed;
  }

  /** True when `offer` would refuse: those about to start at the next turn don't count. */
  get full(): boolean {
    const starting = Math.max(0, this.allowed - this.active);
    return this.waiting.length >= this.options.maxWaiting + starting;
  }

  /** Queues `task` for a turn; false, without running it, when the queue is full. */
  offer(task: Task): boolean {
    if (this.full) return false;
    this.waiting.push(task);
    this.askTurn();
    return true;
  }

  /** Resolves when nothing runs and nothing waits. */
  onIdle(): Promise<void> {
    if (this.active === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private askTurn(): void {
    if (this.turnAsked !== undefined || this.waiting.length === 0) return;
    if (this.active >= this.allowed) return;
    this.turnAsked = performance.now();
    setImmediate(() => this.turn());
  }

  /** Starts what may run, after adjusting how many may to how late this turn came. */
  private turn(): void {
    const lag = performance.now() - (this.turnAsked ?? 0);
    this.turnAsked = undefined;
    const { concurrency, minConcurrency, lagMs } = this.options;
    this.allowed =
      lag > lagMs
        ? Math.max(minConcurrency, Math.floor(this.allowed / 2))
        : Math.min(concurrency, this.allowed + 1);
    while (this.active < this.allowed) {
      const task = this.waiting.shift();
      if (!task) break;
      this.start(task);
    }
  }

  private start(task: Task): void {
    this.active++;
    // Tasks handle their own failures; a rejection that escapes still frees the turn.
    task()
      .catch(() => undefined)
      .finally(() => this.finished());
  }

  private finished(): void {
    this.active--;
    if (this.waiting.length > 0) {
      this.askTurn();
      return;
    }
    if (this.active === 0) {
      const idle = this.idle;
      this.idle = [];
      for (const resolve of idle) resolve();
    }
  }
}
