// A check-in worker in its own process: the chaos tests SIGKILL it mid-batch, and the nudges
// bench (--workers N) runs more of them beside its own. CHILD_JOB_OPTIONS (JSON) replaces the
// test's short leases and timeouts with the caller's options.
import { redisBackend } from "../../jobs/backend.ts";
import { type CheckinJobOptions, checkinJobs } from "../../jobs/checkins/index.ts";
import { startJobs } from "../../jobs/registry.ts";
import { createDatabase } from "../../src/db/database.ts";
import { createLogger } from "../../src/log.ts";
import { flowingClock, slackMessenger } from "./harness.ts";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`worker-child needs ${name}`);
  return value;
};

const custom = process.env.CHILD_JOB_OPTIONS
  ? (JSON.parse(process.env.CHILD_JOB_OPTIONS) as CheckinJobOptions)
  : undefined;
const logger = createLogger(process.env.CHILD_LOG ?? "silent", process.stderr as never);
const database = createDatabase({
  connectionString: env("CHILD_DATABASE_URL"),
  schema: env("CHILD_SCHEMA"),
  max: custom ? 10 : 20,
  logger,
});
const backend = await redisBackend({
  url: env("CHILD_REDIS_URL"),
  prefix: env("CHILD_PREFIX"),
  logger,
});
const apiUrl = env("CHILD_SLACK_URL");

const running = await startJobs(
  {
    db: database.db,
    clock: flowingClock(
      env("CHILD_CLOCK"),
      process.env.CHILD_CLOCK_SINCE ? Number(process.env.CHILD_CLOCK_SINCE) : undefined,
    ),
    backend,
    // Well inside half the 3 s lease: a send can't outlive the claim it was made under.
    messenger: slackMessenger(database.db, apiUrl, custom ? {} : { timeoutMs: 1_000 }),
    logger,
  },
  [
    checkinJobs(
      custom ?? {
        tickEveryMs: 1_000,
        schedulerCheckMs: 1_000,
        leaseMs: 3_000,
        requeueAfterMs: 3_000,
        lockDurationMs: 5_000,
        stalledIntervalMs: 1_000,
        bucket: { capacity: 1_000, perSecond: 1_000 },
      },
    ),
  ],
);
process.on("SIGTERM", () => {
  running
    .stop()
    .then(() => Promise.all([backend.close(), database.close()]))
    .finally(() => process.exit(0));
});
process.send?.("ready");
