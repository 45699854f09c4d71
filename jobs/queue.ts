import { type Job, type Queue, type RepeatOptions, Worker, type WorkerOptions } from "bullmq";
import type { Kysely } from "kysely";
import type { Database } from "../src/db/types.ts";
import { correlationId as currentCorrelationId, type Logger, withCorrelation } from "../src/log.ts";
import type { BatchJobQueue, EnqueueOptions, JobQueue, Messenger } from "../src/ports.ts";
import type { Clock } from "../src/time/clock.ts";
import { isConnectionError, type QueueBackend } from "./backend.ts";
import {
  isJobName,
  type JobData,
  type JobName,
  type JobsOf,
  jobsOf,
  type QueueName,
  type ScheduledJobsOf,
  specOf,
} from "./catalogue.ts";

/** What scheduled work may use. */
export interface JobContext {
  db: Kysely<Database>;
  clock: Clock;
  backend: QueueBackend;
  messenger: Messenger;
  logger: Logger;
}

/** A job context with a queue to enqueue follow-up work on. */
export interface QueueContext extends JobContext {
  jobs: Jobs;
}

export interface RunningJobs {
  /** Runs whatever is due now without waiting for the next tick (the playground's clock). */
  runDue?(): Promise<void>;
  stop(): Promise<void>;
}

/** One queue's work: started by the worker role, enqueued to by name through the catalogue. */
export interface JobModule {
  name: QueueName;
  /** Job names this module's queue runs. */
  jobs: JobName[];
  start(ctx: JobContext): Promise<RunningJobs>;
}

/** What a handler may know of the attempt it runs in, without knowing the queue library. */
export interface Attempt {
  /** The queue will not try this job again if it fails now. */
  last: boolean;
  /**
   * Pauses the whole queue for `ms` (the platform asked us to slow down). Throw what it returns:
   * the job then comes back without spending an attempt.
   */
  rateLimited(ms: number): Promise<Error>;
}

export type Handler<N extends JobName> = (data: JobData[N], attempt: Attempt) => Promise<unknown>;

export interface QueueDefinition<Q extends QueueName> {
  /** One handler per job of the queue; a job added to the catalogue fails to compile until here. */
  handlers: { [N in JobsOf<Q>]: Handler<N> };
  /** Repeat settings replacing the catalogue's (a configured interval or cron pattern). */
  schedules?: Partial<Record<ScheduledJobsOf<Q>, Pick<RepeatOptions, "every" | "pattern">>>;
  worker?: Omit<WorkerOptions, "connection">;
  /** Failed attempts routinely retried (check-ins) log at debug rather than warn. */
  failures?: "warn" | "debug";
  /** More to do when an attempt fails, after it is logged. */
  onFailed?(job: { name: string; data: unknown; final: boolean }, error: Error): void;
  /** What the playground's clock runs; every scheduled job once unless given. */
  runDue?(): Promise<void>;
  /** Runs once the worker is up, e.g. to catch up at once rather than at the first tick. */
  started?(): void;
  /** How often the worker makes sure its schedulers still exist (Redis may have restarted). */
  schedulerCheckMs?: number;
  stop?(): Promise<void>;
}

/** Queues each job on its catalogue queue, with its catalogue retry and removal settings. */
export type Jobs = BatchJobQueue<JobData> & JobQueue & { close(): Promise<void> };

export function createJobQueue(
  backend: QueueBackend,
  /** Only these modules' jobs may be queued (a worker's or a test's own); all unless given. */
  modules?: readonly Pick<JobModule, "jobs">[],
): Jobs {
  const allowed = modules ? new Set(modules.flatMap((m) => m.jobs)) : undefined;
  const queues = new Map<QueueName, ReturnType<QueueBackend["queue"]>>();
  const specFor = (job: string) => {
    if (!isJobName(job) || (allowed && !allowed.has(job))) {
      throw new Error(`No job module runs "${job}"`);
    }
    return specOf(job);
  };
  const queueOf = (name: QueueName) => {
    let queue = queues.get(name);
    if (!queue) {
      queue = backend.queue(name);
      queues.set(name, queue);
    }
    return queue;
  };
  const bullJob = (job: string, data: object, options: EnqueueOptions) => {
    const spec = specFor(job);
    // The job carries the id of the request or job that queued it, so its log lines match.
    const correlationId = currentCorrelationId();
    return {
      queue: spec.queue,
      name: job,
      data: correlationId ? { ...data, correlationId } : data,
      opts: {
        ...spec.options,
        ...(options.id ? { jobId: options.id } : {}),
        ...(options.delayMs ? { delay: options.delayMs } : {}),
      },
    };
  };
  return {
    async enqueue(job: string, data: object, options = {}) {
      const { queue, ...add } = bullJob(job, data, options);
      await queueOf(queue).add(add.name, add.data, add.opts);
    },
    async enqueueMany(jobs: ({ job: string; data: object } & EnqueueOptions)[]) {
      const byQueue = new Map<QueueName, ReturnType<typeof bullJob>[]>();
      for (const { job, data, ...options } of jobs) {
        const j = bullJob(job, data, options);
        byQueue.set(j.queue, [...(byQueue.get(j.queue) ?? []), j]);
      }
      for (const [queue, list] of byQueue) await queueOf(queue).addBulk(list);
    },
    async close() {
      for (const q of queues.values()) await q.close();
    },
  };
}

/** A queue's module: its jobs from the catalogue, its handlers and settings from `setup`. */
export function defineQueue<Q extends QueueName>(
  queue: Q,
  setup: (ctx: QueueContext) => QueueDefinition<Q> | Promise<QueueDefinition<Q>>,
): JobModule {
  return {
    name: queue,
    jobs: jobsOf(queue),
    start: (ctx) => startQueue(ctx, queue, setup),
  };
}

/** Creates or (unless `force`) restores the schedulers of a queue's scheduled jobs. */
async function ensureSchedulers<Q extends QueueName>(
  queue: Queue,
  name: Q,
  def: QueueDefinition<Q>,
  force: boolean,
) {
  for (const job of jobsOf(name)) {
    const spec = specOf(job);
    if (!spec.schedule) continue;
    const { id, ...repeat } = spec.schedule;
    if (!force && (await queue.getJobScheduler(id))) continue;
    const override = def.schedules?.[job as ScheduledJobsOf<Q>];
    await queue.upsertJobScheduler(id, override ?? repeat, {
      name: job,
      data: {},
      opts: spec.options,
    });
  }
}

/** Logs failed attempts (not the queue's own delays) and tells the definition. */
function watchFailures(
  worker: Worker,
  name: QueueName,
  def: Pick<QueueDefinition<QueueName>, "failures" | "onFailed">,
  logger: Logger,
) {
  // A lost Redis connection is told once by the backend, not once per retry of every worker.
  worker.on("error", (error) => {
    if (!isConnectionError(error)) logger.warn({ queue: name, err: error.message }, "worker error");
  });
  worker.on("failed", (job, error) => {
    if (error.name === "DelayedError" || error.name === "RateLimitError") return;
    const level = def.failures ?? "warn";
    const correlationId = job?.data?.correlationId ?? `${name}-${job?.id}`;
    logger[level](
      { queue: name, job: job?.name, id: job?.id, correlationId, err: error.message },
      "job failed",
    );
    if (job && def.onFailed) {
      const final = job.attemptsMade >= (job.opts.attempts ?? 1);
      def.onFailed({ name: job.name, data: job.data, final }, error);
    }
  });
}

/** An attempt run outside the queue (the playground's clock): nothing retries it. */
const INLINE: Attempt = {
  last: true,
  async rateLimited() {
    return new Error("rate limited");
  },
};

/** Creates the queue's schedulers and worker, logs failures, and keeps the schedulers alive. */
async function startQueue<Q extends QueueName>(
  ctx: JobContext,
  name: Q,
  setup: (ctx: QueueContext) => QueueDefinition<Q> | Promise<QueueDefinition<Q>>,
): Promise<RunningJobs> {
  const jobs = createJobQueue(ctx.backend);
  const def = await setup({ ...ctx, jobs });
  const queue = ctx.backend.queue(name);

  // The one place job data leaves the queue untyped: the catalogue says what each name carries.
  const run = (job: string, data: unknown, attempt: Attempt) => {
    if (!Object.hasOwn(def.handlers, job)) throw new Error(`Unknown ${name} job ${job}`);
    const handler = def.handlers[job as JobsOf<Q>] as Handler<JobName>;
    return handler(data as JobData[JobName], attempt);
  };

  await ensureSchedulers(queue, name, def, true);
  const worker: Worker = ctx.backend.worker(
    name,
    (job: Job) =>
      withCorrelation(job.data?.correlationId ?? `${name}-${job.id}`, () =>
        run(job.name, job.data, {
          last: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
          async rateLimited(ms) {
            await worker.rateLimit(ms);
            return Worker.RateLimitError();
          },
        }),
      ),
    { concurrency: 4, ...def.worker },
  );
  watchFailures(worker, name, def, ctx.logger);
  const watchdog = setInterval(() => {
    ensureSchedulers(queue, name, def, false).catch(() => undefined);
  }, def.schedulerCheckMs ?? 30_000);
  watchdog.unref();
  def.started?.();

  return {
    async runDue() {
      if (def.runDue) return def.runDue();
      for (const job of jobsOf(name)) {
        if (specOf(job).schedule) await run(job, {}, INLINE);
      }
    },
    async stop() {
      clearInterval(watchdog);
      await worker.close();
      await def.stop?.();
      await queue.close();
      await jobs.close();
    },
  };
}
