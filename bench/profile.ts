// Where a running service's CPU goes under slash commands: starts `stackup start --role all` (the
// build) on PostgreSQL and Redis with a fake Slack, warms it up, then drives signed `/learn <text>`
// at --rate for --seconds and prints JSON with its CPU time per command (from /proc, all threads).
// By default it also writes a V8 CPU profile to --out when the process exits; --perf records an
// on-CPU `perf record` of the driven window instead (JavaScript named through --perf-basic-prof).
//   node --import tsx bench/profile.ts [--rate 150] [--seconds 10] [--text goals] [--out dir]
//                                      [--no-prof | --perf] [--main dist-copy/bin/main.js]
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { drive, freePort, startProcess } from "./load.ts";
import { buildIfStale, startBenchWorld } from "./support.ts";

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
buildIfStale();
const world = await startBenchWorld();
const { replies } = world;
const { env, drop } = await world.schema(`bench_profile_${process.pid}`);
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
  await drop();
  await world.close();
}
