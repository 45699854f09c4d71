import type { Kysely } from "kysely";
import type { Database } from "../src/db/types.ts";
import type { Logger } from "../src/log.ts";
import type { Messenger } from "../src/ports.ts";
import type { Clock } from "../src/time/clock.ts";
import type { QueueBackend } from "./backend.ts";

/** What scheduled work may use. */
export interface JobContext {
  db: Kysely<Database>;
  clock: Clock;
  backend: QueueBackend;
  messenger: Messenger;
  logger: Logger;
}

export interface RunningJobs {
  stop(): Promise<void>;
}

/**
 * One area of scheduled work (check-ins, digests…): it creates its queues, job schedulers and
 * workers. Schedulers are re-created from the database at start-up, so losing Redis loses nothing.
 */
export interface JobModule {
  name: string;
  start(ctx: JobContext): Promise<RunningJobs>;
}

/** Every job module; the worker role starts them all. */
export const JOB_MODULES: JobModule[] = [];

export async function startJobs(ctx: JobContext, modules = JOB_MODULES): Promise<RunningJobs> {
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
    async stop() {
      for (const r of running.reverse()) await r.stop();
    },
  };
}
