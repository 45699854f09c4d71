// One more check-in worker for the nudges bench, in a process of its own (--workers N starts
// N - 1 of these beside the bench's own), configured by the bench through the environment.
import { redisBackend } from "../jobs/backend.ts";
import { checkinJobs } from "../jobs/checkins/index.ts";
import { startJobs } from "../jobs/registry.ts";
import { createDatabase } from "../src/db/database.ts";
import { createLogger } from "../src/log.ts";
import { flowingClock, slackMessenger } from "../test/checkins/harness.ts";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`bench worker needs ${name}`);
  return value;
};

const database = createDatabase({
  connectionString: env("BENCH_DATABASE_URL"),
  schema: env("BENCH_SCHEMA_NAME"),
  max: 10,
});
const backend = await redisBackend({ url: env("BENCH_REDIS_URL"), prefix: env("BENCH_PREFIX") });
const running = await startJobs(
  {
    db: database.db,
    clock: flowingClock(env("BENCH_CLOCK")),
    backend,
    messenger: slackMessenger(database.db, env("BENCH_SLACK_URL")),
    logger: createLogger(process.env.BENCH_LOG ?? "warn", process.stderr as never),
  },
  [
    checkinJobs({
      concurrency: Number(env("BENCH_JOB_CONCURRENCY")),
      chunkSize: Number(env("BENCH_CHUNK")),
      batchSize: 1000,
      bucket: { capacity: 1_000_000, perSecond: 1_000_000 },
    }),
  ],
);
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  running
    .stop()
    .then(() => Promise.all([backend.close(), database.close()]))
    .finally(() => process.exit(0));
});
