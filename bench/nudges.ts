// npm run bench:nudges -- --users 100000
// Seeds people across 100 workspaces, all due at once, delivers their check-ins to a fake Slack on
// loopback through the real pipeline, and compares with a no-op BullMQ processor on the same Redis.
// The fake Slack runs in a child process: its work is Slack's, not ours.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { availableParallelism } from "node:os";
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
    // Check-in jobs carry a chunk of deliveries each, so fewer of them run at once.
    "job-concurrency": { type: "string", default: "2" },
    chunk: { type: "string", default: "250" },
    // Check-in workers: this process and N - 1 more, each a process of its own; one a CPU unless
    // set, as a deployment runs them. The no-op yardstick stays one processor, its fastest here.
    workers: { type: "string", default: String(availableParallelism()) },
  },
});
const users = Number(values.users);
const concurrency = Number(values.concurrency);
const log = (m: string) => process.stderr.write(`${m}\n`);
/** Busy CPU time of the whole machine in µs (Linux): every process a job touches, not just ours. */
const processCpu = (pid: number | undefined) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return Number.NaN;
  }
};
const postgresRole = (pid: string) => {
  try {
    const title = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    if (/autovacuum/.test(title)) return "postgres autovacuum";
    if (/\d+\.\d+\.\d+\.\d+\(\d+\)|\[local\]/.test(title)) return "postgres backends";
    return "postgres other";
  } catch {
    return "postgres";
  }
};
/** CPU µs of every process on the machine by name (Linux), to see where a phase's time went. */
const cpuByProcess = () => {
  const by = new Map<string, number>();
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      let name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      // PostgreSQL's processes by role: client backends, autovacuum, WAL writer, checkpointer.
      if (name === "postgres") name = postgresRole(pid);
      by.set(`${name}:${pid}`, processCpu(Number(pid)));
    } catch {}
  }
  return by;
};
const cpuSpentBy = (before: Map<string, number>, per: number) => {
  const spent = new Map<string, number>();
  for (const [key, after] of cpuByProcess()) {
    const name = key.slice(0, key.lastIndexOf(":"));
    spent.set(name, (spent.get(name) ?? 0) + (after - (before.get(key) ?? 0)) / per);
  }
  return [...spent]
    .filter(([, us]) => us >= 1)
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]) => `${name} ${us.toFixed(0)}`)
    .join(", ");
};
const machineCpu = () => {
  try {
    const [, user, nice, system, , , irq, softirq] = readFileSync("/proc/stat", "utf8")
      .split("\n", 1)[0]!
      .trim()
      .split(/\s+/)
      .map(Number);
    return ((user! + nice! + system! + irq! + softirq!) * 1e6) / 100;
  } catch {
    return Number.NaN;
  }
};

// Creating a schema can trip over other sessions dropping theirs at the same moment: try again.
const t = await createTestDatabase("bench_nudges").catch(() => createTestDatabase("bench_nudges"));
// The service's pool size, not the test helper's small one.
const pool = createDatabase({ connectionString: TEST_DATABASE_URL, schema: t.schema, max: 10 });
const standin = spawn(
  process.execPath,
  ["--import", "tsx", new URL("./slack-standin.ts", import.meta.url).pathname],
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
  // The yardstick: jobs through a processor that does nothing, all waiting before its worker
  // starts (as the due people are before the check-in worker starts). Measured before and after
  // the nudges, on the same Redis, and averaged: this machine's speed drifts over a run.
  const noopRate = async (round: string, noopN = Math.min(users, 50_000)) => {
    const name = `noop-${round}`;
    const queue = backend.queue(name);
    for (let i = 0; i < noopN; i += 1000) {
      await queue.addBulk(
        Array.from({ length: Math.min(1000, noopN - i) }, (_, j) => ({
          name: "noop",
          data: { n: i + j },
          opts: { removeOnComplete: true },
        })),
      );
    }
    const start = performance.now();
    const c0 = process.cpuUsage();
    const m0 = machineCpu();
    const p0 = cpuByProcess();
    let seen = 0;
    let worker: { close(): Promise<void> } | undefined;
    await new Promise<void>((resolve) => {
      worker = backend.worker(
        name,
        async () => {
          seen += 1;
          if (seen === noopN) resolve();
        },
        { concurrency },
      );
    });
    const rate = noopN / ((performance.now() - start) / 1000);
    log(`no-op ${round}: µs CPU a job by process: ${cpuSpentBy(p0, noopN)}`);
    const c1 = process.cpuUsage(c0);
    log(
      `no-op ${round}: ${((c1.user + c1.system) / noopN).toFixed(0)} µs CPU a job in this process, ${((machineCpu() - m0) / noopN).toFixed(0)} µs on the machine`,
    );
    log(`no-op ${round}: ${noopN} jobs, ${rate.toFixed(0)}/s`);
    await worker?.close();
    return rate;
  };
  // A warm-up round first, so the yardstick isn't slowed by code not yet compiled.
  await noopRate("warm-up", 5_000);
  const noopBefore = await noopRate("before");

  const CLOCK = "2026-11-30T09:00:30Z";
  const jobOptions = {
    concurrency: Number(values["job-concurrency"]),
    chunkSize: Number(values.chunk),
    bucket: { capacity: 1_000_000, perSecond: 1_000_000 },
  };
  // More workers, each a process of its own: the chaos tests' worker with the bench's options.
  const extra = await Promise.all(
    Array.from({ length: Math.max(0, Number(values.workers) - 1) }, async () => {
      const child = spawn(
        process.execPath,
        [
          ...process.execArgv,
          new URL("../test/checkins/worker-child.ts", import.meta.url).pathname,
        ],
        {
          stdio: ["ignore", "ignore", "inherit", "ipc"],
          env: {
            ...process.env,
            CHILD_DATABASE_URL: TEST_DATABASE_URL,
            CHILD_SCHEMA: t.schema,
            CHILD_REDIS_URL: TEST_REDIS_URL,
            CHILD_PREFIX: prefix,
            CHILD_SLACK_URL: apiUrl,
            CHILD_CLOCK: CLOCK,
            CHILD_LOG: process.env.BENCH_LOG ?? "warn",
            CHILD_JOB_OPTIONS: JSON.stringify(jobOptions),
          },
        },
      );
      await new Promise<void>((resolve, reject) => {
        child.once("message", () => resolve());
        child.once("exit", (code) => reject(new Error(`bench worker exited (${code})`)));
      });
      return child;
    }),
  );

  log(`seeding ${users} people…`);
  await seedDue(t.db, users, 100);
  // BENCH_CPU_PROFILE=file.cpuprofile records where the delivery phase spends its time.
  const profile = process.env.BENCH_CPU_PROFILE;
  const session = profile ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
  }
  const start = performance.now();
  const d0 = process.cpuUsage();
  const dm0 = machineCpu();
  const ds0 = processCpu(standin.pid);
  const dp0 = cpuByProcess();
  const running = await startJobs(
    {
      db: pool.db,
      clock: flowingClock(CLOCK),
      backend,
      messenger: slackMessenger(pool.db, apiUrl),
      logger: createLogger(process.env.BENCH_LOG ?? "warn"),
    },
    [checkinJobs(jobOptions)],
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
  log(
    `nudges: ${((d1.user + d1.system) / users).toFixed(0)} µs CPU a nudge in this process (${(d1.system / users).toFixed(0)} in the kernel), ${((machineCpu() - dm0) / users).toFixed(0)} µs on the machine, ${((processCpu(standin.pid) - ds0) / users).toFixed(0)} µs in the Slack stand-in`,
  );
  log(`nudges: µs CPU a nudge by process: ${cpuSpentBy(dp0, users)}`);
  if (session && profile) {
    const { profile: recorded } = await session.post("Profiler.stop");
    await writeFile(profile, JSON.stringify(recorded));
    session.disconnect();
  }
  await running.stop();
  await Promise.all(
    extra.map(
      (child) =>
        new Promise((resolve) => {
          child.once("exit", resolve);
          child.kill("SIGTERM");
        }),
    ),
  );
  const noopAfter = await noopRate("after");
  const noopJobsPerSec = (noopBefore + noopAfter) / 2;
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
