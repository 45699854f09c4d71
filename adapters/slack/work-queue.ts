/**
 * The work that follows acks (the core's answer, the reply to Slack), a bounded number at a time
 * in arrival order. Acks and this work share one event loop: unbounded, a burst's work would
 * make the acks of the requests behind it wait; bounded, new requests are acked at once and
 * their work waits its turn here.
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

  /** True when `offer` would refuse. */
  get full(): boolean {
    return (
      this.active >= this.options.concurrency && this.waiting.length >= this.options.maxWaiting
    );
  }

  /** Runs `task` now or when a turn is free; false, without running it, when the queue is full. */
  offer(task: Task): boolean {
    if (this.active < this.options.concurrency) {
      this.start(task);
      return true;
    }
    if (this.waiting.length >= this.options.maxWaiting) return false;
    this.waiting.push(task);
    return true;
  }

  /** Resolves when nothing runs and nothing waits. */
  onIdle(): Promise<void> {
    if (this.active === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
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
    const next = this.waiting.shift();
    if (next) {
      this.start(next);
      return;
    }
    if (this.active === 0) {
      const idle = this.idle;
      this.idle = [];
      for (const resolve of idle) resolve();
    }
  }
}
