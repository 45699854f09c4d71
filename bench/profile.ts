// Where a running service's CPU goes under slash commands: starts `stackup start --role all` (the
// build) on PostgreSQL and Redis with a fake Slack, warms it up, then drives signed `/learn <text>`
// at --rate for --seconds and prints JSON with its CPU time per command (from /proc, all threads).
// By default it also writes a V8 CPU profile to --out when the process exits; --perf records an
// on-CPU `perf record` of the driven window instead (JavaScript named through --perf-basic-prof).
//   node --import tsx bench/profile.ts [--rate 150] [--seconds 10] [--text goals] [--out dir]
//                                      [--no-prof | --perf] [--main dist-copy/bin/main.js]
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import { TEST_DATABASE_URL } from "../test/support/db.ts";
import { startFakeSlack } from "../test/support/fake-slack.ts";
import {
  addBenchPeople,
  drive,
  freePort,
  ReplyCatcher,
  ROOT,
  SIGNING_SECRET,
  startProcess,
} from "./load.ts";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "150" },
    seconds: { type: "string", default: "10" },
    text: { type: "string", default: "goals" },
    out: { type: "string", default: "bench-profile" },
    "no-prof": { type: "boolean", default: false },
    perf: { type: "boolean", default: false },
    // Another build's entry point (a copy of dist/ inside the repository), to compare two builds.
    main: { type: "string", default: "dist/bin/main.js" },
  },
});
const out = values.out;
const flags = values.perf
  ? ["--perf-basic-prof-only-functions"]
  : values["no-prof"]
    ? []
    : ["--cpu-prof", "--cpu-prof-dir", out];

mkdirSync(out, { recursive: true });
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
const schema = `bench_profile_${process.pid}`;
await admin.query(`create schema "${schema}"`);
const env = {
  DATABASE_URL: TEST_DATABASE_URL,
  DATABASE_SCHEMA: schema,
  REDIS_URL: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
  QUEUE_PREFIX: schema,
  SLACK_BOT_TOKEN: "xoxb-bench",
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: slack.apiUrl,
};
const proc = await startProcess(
  ["--enable-source-maps", ...flags, values.main, "start", "--role", "all"],
  env,
  await freePort(),
);
try {
  const { text } = values;
  await drive({ url: proc.url, rate: 100, seconds: 3, replies, text });
  const pid = proc.child.pid!;
  const perf = values.perf
    ? spawn("perf", ["record", "-e", "cpu-clock", "-g", "-o", `${out}/perf.data`, "-p", `${pid}`], {
        stdio: "ignore",
      })
    : undefined;
  const rate = Number(values.rate);
  const result = await drive({
    url: proc.url,
    rate,
    seconds: Number(values.seconds),
    replies,
    text,
    pid,
  });
  if (perf) {
    perf.kill("SIGINT");
    await new Promise((r) => perf.once("exit", r));
  }
  process.stdout.write(`${JSON.stringify({ ...result, rssMb: proc.rssMb() })}\n`);
} finally {
  await proc.stop();
  await admin.query(`drop schema "${schema}" cascade`);
  await admin.end();
  await replies.close();
  await slack.close();
}
