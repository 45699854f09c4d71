import type { CheckinJobOptions } from "./checkins/index.ts";
import { checkinJobs } from "./checkins/index.ts";
import { type CredlyJobOptions, createCredlyJobs, credlyJobs } from "./credly/index.ts";
import { digestJobs } from "./digests/index.ts";
import { privacyJobs } from "./privacy/index.ts";
import type { JobContext, JobModule, RunningJobs } from "./queue.ts";
import { shareJobs } from "./sharing/index.ts";
import { verificationJobs } from "./verification/index.ts";

export type { JobName, QueueName } from "./catalogue.ts";
export {
  createJobQueue,
  type JobContext,
  type JobModule,
  type Jobs,
  type RunningJobs,
} from "./queue.ts";

/** Settings for the job modules that take any. */
export interface JobModuleOptions {
  checkins?: CheckinJobOptions;
  /** RETENTION_DAYS_AFTER_UNINSTALL. */
  retentionDays?: number;
  /** Where Credly lives (the playground's pretend one) and what it may reach. */
  credly?: CredlyJobOptions;
}

/** Every job module; the worker role starts them all. */
export function jobModules(options: JobModuleOptions = {}): JobModule[] {
  return [
    verificationJobs,
    digestJobs,
    checkinJobs(options.checkins),
    shareJobs,
    options.credly ? createCredlyJobs(options.credly) : credlyJobs,
    privacyJobs(options.retentionDays),
  ];
}

/** The modules with their defaults. */
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
