// Memory and start-up of one `stackup start --role all` process, printed as JSON: idle RSS on
// PostgreSQL + Redis, RSS each second under signed slash commands at --rate for --seconds, start
// to /healthz, and the same with the embedded PostgreSQL (first start, then on the existing data
// directory). Each --modes entry runs in turn on the same machine: `tsx` is the sources through
// the tsx loader (what `npm start` ran before the build), `dist` the README's production command.
//   node --import tsx bench/memory.ts [--modes tsx,dist] [--rate 300] [--seconds 60] [--idle 10]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { TEST_DATABASE_URL } from "../test/support/db.ts";
import { startFakeSlack } from "../test/support/fake-slack.ts";
import {
  addBenchPeople,
  drive,
  freePort,
  MODES,
  type Mode,
  ReplyCatcher,
  ROOT,
  SIGNING_SECRET,
  startProcess,
} from "./load.ts";

const { values } = parseArgs({
  options: {
    modes: { type: "string", default: "tsx,dist" },
    rate: { type: "string", default: "300" },
    seconds: { type: "string", default: "60" },
    idle: { type: "string", default: "10" },
  },
});
const modes = values.modes.split(",") as Mode[];
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const idleMs = Number(values.idle) * 1000;
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const build = spawnSync(process.execPath, ["scripts/build.js", "--if-stale"], {
  cwd: ROOT,
  stdio: "inherit",
});
if (build.status !== 0) process.exit(1);

const slack = await startFakeSlack();
addBenchPeople(slack);
const replies = new ReplyCatcher();
await replies.start();
const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
await admin.connect();

async function onPostgres(mode: Mode) {
  const schema = `bench_memory_${mode}_${process.pid}`;
  await admin.query(`create schema "${schema}"`);
  const env = {
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: schema,
    REDIS_URL,
    QUEUE_PREFIX: schema,
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
  };
  try {
    // Migrated beforehand: the start is timed as a restart is.
    spawnSync(process.execPath, [...MODES[mode], "migrate"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", ...env },
    });
    const proc = await startProcess(
      [...MODES[mode], "start", "--role", "all"],
      env,
      await freePort(),
    );
    try {
      await sleep(idleMs);
      const idle = proc.rssMb();
      const samples: number[] = [];
      const load = await drive({
        url: proc.url,
        rate,
        seconds,
        replies,
        onTick: () => samples.push(proc.rssMb()),
        pid: proc.child.pid,
      });
      await sleep(idleMs);
      return {
        startToHealthzMs: proc.startMs,
        idleRssMb: idle,
        load: {
          ...load,
          rssMbEachSecond: samples,
          rssMbMax: Math.max(...samples),
          rssMbLast10sMean: Math.round(
            samples.slice(-10).reduce((a, b) => a + b, 0) / Math.min(10, samples.length),
          ),
          rssMbAfter: proc.rssMb(),
        },
      };
    } finally {
      await proc.stop();
    }
  } finally {
    await admin.query(`drop schema "${schema}" cascade`);
  }
}

async function embedded(mode: Mode) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "stackup-bench-"));
  const env = { DATA_DIR: dataDir };
  try {
    const first = await startProcess(
      [...MODES[mode], "start", "--role", "all"],
      env,
      await freePort(),
    );
    await sleep(idleMs);
    const firstIdle = first.rssMb();
    await first.stop();
    const again = await startProcess(
      [...MODES[mode], "start", "--role", "all"],
      env,
      await freePort(),
    );
    await sleep(idleMs);
    const idle = again.rssMb();
    await again.stop();
    return {
      firstStartToHealthzMs: first.startMs,
      firstIdleRssMb: firstIdle,
      startToHealthzMs: again.startMs,
      idleRssMb: idle,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results: Record<string, unknown> = {};
for (const mode of modes) {
  results[mode] = { postgres: await onPostgres(mode), embedded: await embedded(mode) };
}
await admin.end();
await replies.close();
await slack.close();
process.stdout.write(`${JSON.stringify({ rate, seconds, results }, null, 2)}\n`);
