// npm run bench:nudges -- --users 100000
// Seeds people across 100 workspaces, all due at once, delivers their check-ins to a fake Slack on
// loopback through the real pipeline, and compares with a no-op BullMQ processor on the same Redis.
// The fake Slack runs in a child process: its work is Slack's, not ours.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { redisBackend } from "../jobs/backend.ts";
import { checkinJobs } from "../jobs/checkins/index.ts";
import { startJobs } from "../jobs/registry.ts";
import { createDatabase } from "../src/db/database.ts";
import { createLogger } from "../src/log.ts";
import { flowingClock, seedDue, slackMessenger, statusCounts } from "../test/checkins/harness.ts";
import { TEST_REDIS_URL } from "../test/support/app.ts";
import { createTestDatabase, TEST_DATABASE_URL } from "../test/support/db.ts";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "100" },
  },
});
const users = Number(values.users);
const concurrency = Number(values.concurrency);
const log = (m: string) => process.stderr.write(`${m}\n`);

// Creating a schema can trip over other sessions dropping theirs at the same moment: try again.
const t = await createTestDatabase("bench_nudges").catch(() => createTestDatabase("bench_nudges"));
// The service's pool size, not the test helper's small one.
const pool = createDatabase({ connectionString: TEST_DATABASE_URL, schema: t.schema, max: 10 });
const standin = spawn(
  process.execPath,
  [
    "--import",
    "tsx",
    new URL("./slack-standin.ts", import.meta.url).pathname,
    "--users",
    String(users),
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const { apiUrl, baseUrl } = JSON.parse(
  await new Promise<string>((resolve, reject) => {
    createInterface({ input: standin.stdout! }).once("line", resolve);
    standin.once("exit", (code) => reject(new Error(`Slack stand-in exited (${code})`)));
  }),
) as { apiUrl: string; baseUrl: string };
/** What landed at the stand-in: messages, and with `delivered`, DMs and duplicates. */
const landed = async (what: "count" | "delivered") =>
  (await (await fetch(`${baseUrl}/bench/${what}`)).json()) as {
    messages: number;
    channels?: number;
    duplicates?: number;
  };
const prefix = `bench-${randomBytes(3).toString("hex")}`;
const backend = await redisBackend({ url: TEST_REDIS_URL, prefix });
try {
  // The yardstick: the same number of jobs through a processor that does nothing.
  const noopQueue = backend.queue("noop");
  let seen = 0;
  const noopN = Math.min(users, 50_000);
  const done = new Promise<void>((resolve) => {
    backend.worker(
      "noop",
      async () => {
        seen += 1;
        if (seen === noopN) resolve();
      },
      { concurrency },
    );
  });
  for (let i = 0; i < noopN; i += 1000) {
    await noopQueue.addBulk(
      Array.from({ length: Math.min(1000, noopN - i) }, (_, j) => ({
        name: "noop",
        data: { n: i + j },
        opts: { removeOnComplete: true },
      })),
    );
  }
  const noopStart = performance.now();
  const c0 = process.cpuUsage();
  await done;
  const c1 = process.cpuUsage(c0);
  log(`no-op: ${((c1.user + c1.system) / noopN).toFixed(0)} µs CPU a job in this process`);
  const noopJobsPerSec = noopN / ((performance.now() - noopStart) / 1000);
  log(`no-op: ${noopN} jobs, ${noopJobsPerSec.toFixed(0)}/s`);

  log(`seeding ${users} people…`);
  await seedDue(t.db, users, 100);
  const start = performance.now();
  const d0 = process.cpuUsage();
  const running = await startJobs(
    {
      db: pool.db,
      clock: flowingClock("2026-11-30T09:00:30Z"),
      backend,
      messenger: slackMessenger(pool.db, apiUrl),
      logger: createLogger(process.env.BENCH_LOG ?? "warn"),
    },
    [
      checkinJobs({
        concurrency,
        batchSize: 1000,
        bucket: { capacity: 1_000_000, perSecond: 1_000_000 },
      }),
    ],
  );
  // Done when the fake has every message and the ledger has recorded them all.
  let lastLog = 0;
  for (let posted = 0; posted < users; posted = (await landed("count")).messages) {
    await new Promise((r) => setTimeout(r, 100));
    if (performance.now() - lastLog > 2000) {
      lastLog = performance.now();
      log(`posted ${posted}/${users}`);
    }
  }
  while (((await statusCounts(t.db)).sent ?? 0) < users) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - start) / 1000;
  const d1 = process.cpuUsage(d0);
  log(`nudges: ${((d1.user + d1.system) / users).toFixed(0)} µs CPU a nudge in this process`);
  await running.stop();
  const end = await landed("delivered");
  const delivered = end.channels ?? 0;
  const duplicates = end.duplicates ?? 0;
  const nudgesPerSec = delivered / seconds;
  console.log(
    JSON.stringify({
      bench: "nudges",
      users,
      delivered,
      duplicates,
      nudgesPerSec: Math.round(nudgesPerSec),
      noopJobsPerSec: Math.round(noopJobsPerSec),
      ratio: Math.round((nudgesPerSec / noopJobsPerSec) * 1000) / 1000,
    }),
  );
} finally {
  await backend.close();
  await pool.close();
  standin.kill("SIGTERM");
  await t.drop();
}
