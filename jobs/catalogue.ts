import type { JobsOptions, RepeatOptions } from "bullmq";
import type { CheckinJobs } from "../src/domain/checkins/jobs.ts";
import type { CredlyJobs } from "../src/domain/credly/service.ts";
import type { DigestJobs } from "../src/domain/org/digests.ts";
import type { ShareJobs } from "../src/domain/sharing/shares.ts";
import type { VerifyJobData } from "../src/domain/verification/service.ts";
import type { XapiJobs } from "../src/domain/xapi/notices.ts";
import type { NoData } from "../src/ports.ts";

/**
 * Every job the workers run: its name, its queue, the data it carries and how the queue treats
 * it. The data types come from the domain code that enqueues the jobs; this file imports no job
 * module, so the modules and the registry can both import it.
 */
type VerificationJobs = {
  "verification.verify": VerifyJobData;
  "verification.expiry": NoData;
  "verification.revocation": NoData;
  "verification.trust-recheck": NoData;
  "verification.lost-checks": NoData;
};

type PrivacyJobs = { "privacy.purge": NoData };

export type JobData = CheckinJobs &
  CredlyJobs &
  XapiJobs &
  DigestJobs &
  ShareJobs &
  VerificationJobs &
  PrivacyJobs;
export type JobName = keyof JobData & string;

export const QUEUES = [
  "checkins",
  "credly",
  "digests",
  "sharing",
  "verification",
  "privacy",
] as const;
export type QueueName = (typeof QUEUES)[number];

/** A job a scheduler repeats: `id` stays as deployed, so a restart updates rather than adds one. */
export type Schedule = { id: string } & Pick<RepeatOptions, "every" | "pattern">;

export interface JobSpec {
  queue: QueueName;
  options: JobsOptions;
  schedule?: Schedule;
}

const retry = (attempts: number, delay: number) =>
  ({ attempts, backoff: { type: "exponential", delay } }) as const;

export const JOBS = {
  "checkins.tick": {
    queue: "checkins",
    options: { removeOnComplete: true, removeOnFail: 100 },
    schedule: { id: "checkins-tick", every: 60_000 },
  },
  "checkins.deliver": {
    queue: "checkins",
    // The ledger, not the queue, keeps a delivery from going out twice: finished jobs need not
    // linger in Redis.
    options: { ...retry(8, 500), removeOnComplete: true, removeOnFail: { count: 5000 } },
  },
  "digests.tick": {
    queue: "digests",
    options: {},
    schedule: { id: "digests-tick", every: 5 * 60_000 },
  },
  "digests.team": { queue: "digests", options: { ...retry(5, 1_000), removeOnComplete: 1000 } },
  "digests.summary": { queue: "digests", options: { ...retry(5, 1_000), removeOnComplete: 1000 } },
  "share.deliver": {
    queue: "sharing",
    options: { ...retry(5, 2_000), removeOnComplete: 1000, removeOnFail: 5000 },
  },
  "share.sweep": {
    queue: "sharing",
    options: {},
    schedule: { id: "share-sweep", every: 5 * 60_000 },
  },
  "credly.sync": { queue: "credly", options: { ...retry(3, 60_000), removeOnComplete: 1000 } },
  // Early in the day, so a badge Credly listed yesterday has completed its goal by morning.
  "credly.daily": {
    queue: "credly",
    options: retry(3, 60_000),
    schedule: { id: "credly-daily", pattern: "0 5 * * *" },
  },
  // Goals an LMS completed over xAPI: each person told once, within a minute (same queue as
  // Credly: both are learning that reports itself).
  "xapi.notices": {
    queue: "credly",
    options: { attempts: 1, removeOnComplete: true, removeOnFail: 100 },
    schedule: { id: "xapi-notices", every: 60_000 },
  },
  "verification.verify": {
    queue: "verification",
    options: { ...retry(5, 2_000), removeOnComplete: 1000, removeOnFail: 5000 },
  },
  "verification.expiry": {
    queue: "verification",
    options: retry(3, 60_000),
    schedule: { id: "verification-expiry-daily", pattern: "0 8 * * *" },
  },
  "verification.revocation": {
    queue: "verification",
    options: retry(3, 60_000),
    schedule: { id: "verification-revocation-weekly", pattern: "0 6 * * 1" },
  },
  // completions verified before the trust rules, re-checked in batches until none is left
  "verification.trust-recheck": {
    queue: "verification",
    options: { attempts: 1 },
    schedule: { id: "verification-trust-recheck", pattern: "*/10 * * * *" },
  },
  // checks still pending long after queueing (lost to a crash or a Redis restart) are queued again
  "verification.lost-checks": {
    queue: "verification",
    options: { attempts: 1 },
    schedule: { id: "verification-lost-checks", pattern: "*/15 * * * *" },
  },
  "privacy.purge": {
    queue: "privacy",
    options: retry(3, 60_000),
    schedule: { id: "privacy-purge-daily", pattern: "30 3 * * *" },
  },
} as const satisfies { [N in JobName]: JobSpec };

type Catalogue = typeof JOBS;

/** The names of the jobs one queue runs. */
export type JobsOf<Q extends QueueName> = Extract<
  { [N in keyof Catalogue]: Catalogue[N]["queue"] extends Q ? N : never }[keyof Catalogue],
  JobName
>;

/** The jobs of a queue that a scheduler repeats. */
export type ScheduledJobsOf<Q extends QueueName> = Extract<
  {
    [N in keyof Catalogue]: Catalogue[N] extends { schedule: Schedule } ? N : never;
  }[keyof Catalogue],
  JobsOf<Q>
>;

const SPECS: Record<string, JobSpec> = JOBS;

export const isJobName = (name: string): name is JobName => Object.hasOwn(JOBS, name);

export const specOf = (name: JobName): JobSpec => SPECS[name]!;

export const jobsOf = <Q extends QueueName>(queue: Q): JobsOf<Q>[] =>
  Object.keys(JOBS).filter((n): n is JobsOf<Q> => isJobName(n) && specOf(n).queue === queue);
