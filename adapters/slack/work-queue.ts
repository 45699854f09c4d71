/**
 * The work that follows acks (the core's answer, the reply to Slack), a bounded number at a time
 * in arrival order. Acks and this work share one event loop: unbounded, a burst's work would
 * make the acks of the requests behind it wait; bounded, new requests are acked at once and
 * their work waits its turn here.
 *
 * Tasks start in the event loop's check phase (setImmediate), never inside the request or
 * completion that made room for them: requests that arrived together are all acked before any of
 * their work runs.
 */
export interface WorkQueueOptions {
  /** How many tasks run at once. */
  concurrency: number;
  /** How many may wait; beyond that `offer` refuses, so a backlog cannot grow without end. */
  maxWaiting: number;
}

export const WORK_QUEUE_DEFAULTS: WorkQueueOptions = { concurrency: 16, maxWaiting: 2_000 };

type Task = () => Promise<void>;

export class WorkQueue {
  private readonly waiting: Task[] = [];
  private active = 0;
  private idle: (() => void)[] = [];
  private turnAsked = false;
  readonly options: WorkQueueOptions;

  constructor(options: Partial<WorkQueueOptions> = {}) {
    this.options = { ...WORK_QUEUE_DEFAULTS, ...options };
    if (this.options.concurrency < 1)
      throw new Error("A work queue needs a concurrency of 1 or more.");
  }

  /** Tasks running now. */
  get running(): number {
    return this.active;
  }

  /** Tasks waiting for a turn. */
  get queued(): number {
    return this.waiting.length;
  }

  /** True when `offer` would refuse: those about to start at the next turn don't count. */
  get full(): boolean {
    const starting = Math.max(0, this.options.concurrency - this.active);
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
    if (this.turnAsked || this.waiting.length === 0) return;
    if (this.active >= this.options.concurrency) return;
    this.turnAsked = true;
    setImmediate(() => this.turn());
  }

  /** Starts as many waiting tasks as may run. */
  private turn(): void {
    this.turnAsked = false;
    while (this.active < this.options.concurrency) {
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
