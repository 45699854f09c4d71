import type { Kysely } from "kysely";
import type { Database } from "../src/db/types.ts";
import type { Logger } from "../src/log.ts";
import type { JobQueue, Messenger } from "../src/ports.ts";
import type { Clock } from "../src/time/clock.ts";
import type { QueueBackend } from "./backend.ts";
import { type CheckinJobOptions, checkinJobs } from "./checkins/index.ts";
import { digestJobs } from "./digests/index.ts";
import { shareJobs } from "./sharing/index.ts";
import { verificationJobs } from "./verification/index.ts";

/** What scheduled work may use. */
export interface JobContext {
  db: Kysely<Database>;
  clock: Clock;
  backend: QueueBackend;
  messenger: Messenger;
  logger: Logger;
}

export interface RunningJobs {
  /** Runs whatever is due now without waiting for the next tick (the playground's clock). */
  runDue?(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One area of scheduled work (check-ins, digests…): it creates its queues, job schedulers and
 * workers. Schedulers are re-created from the database at start-up, so losing Redis loses nothing.
 */
export interface JobModule {
  /** Also the name of the module's queue. */
  name: string;
  /** Job names this module's queue runs, so callers can enqueue by job name alone. */
  jobs: string[];
  start(ctx: JobContext): Promise<RunningJobs>;
}

/** Settings for the job modules that take any. */
export interface JobModuleOptions {
  checkins?: CheckinJobOptions;
}

/** Every job module; the worker role starts them all. */
export function jobModules(options: JobModuleOptions = {}): JobModule[] {
  return [verificationJobs, digestJobs, checkinJobs(options.checkins), shareJobs];
}

/** The modules with their defaults: enough to know which queue runs which job. */
export const JOB_MODULES: JobModule[] = jobModules();

export async function startJobs(
  ctx: JobContext,
  modules = JOB_MODULES,
): Promise<Required<RunningJobs>> {
  const running: RunningJobs[] = [];
  try {
    for (const module of modules) {
      running.push(await module.start(ctx));
      ctx.logger.info({ jobs: module.name }, "jobs started");
    }
  } catch (error) {
    for (const r of running.reverse()) await r.stop().catch(() => undefined);
    throw error;
  }
  return {
    async runDue() {
      for (const r of running) await r.runDue?.();
    },
    async stop() {
      for (const r of running.reverse()) await r.stop();
    },
  };
}

/** Enqueues by job name onto the queue of the module that runs it. */
export function createJobQueue(
  backend: QueueBackend,
  modules = JOB_MODULES,
): JobQueue & {
  close(): Promise<void>;
} {
  const queues = new Map<string, ReturnType<QueueBackend["queue"]>>();
  const queueFor = (job: string) => {
    const module = modules.find((m) => m.jobs.includes(job));
    if (!module) throw new Error(`No job module runs "${job}"`);
    let queue = queues.get(module.name);
    if (!queue) {
      queue = backend.queue(module.name);
      queues.set(module.name, queue);
    }
    return queue;
  };
  return {
    async enqueue(job, data, options = {}) {
      await queueFor(job).add(job, data, {
        ...(options.id ? { jobId: options.id } : {}),
        ...(options.delayMs ? { delay: options.delayMs } : {}),
        attempts: 5,
        backoff: { type: "exponential", delay: 2_000 },
        removeOnComplete: 1000,
        removeOnFail: 5000,
      });
    },
    async close() {
      for (const q of queues.values()) await q.close();
    },
  };
}
