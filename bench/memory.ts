// Memory and start-up of one `stackup start --role all` process, printed as JSON: start to
// /healthz (wall clock and the process's CPU time), idle RSS on PostgreSQL + Redis, RSS each second
// under signed slash commands at --rate for --seconds (0 skips the load), and the same with the
// embedded PostgreSQL (first start, then on the existing data directory). Each --modes entry runs
// in turn, --repeat times, alternating, on the same machine: `tsx` is the sources through the tsx
// loader (what `npm start` ran before the build), `dist` the README's production command, and
// `baseline` another checkout's build (--baseline path/to/its/dist/bin/main.js) for before/after.
//   node --import tsx bench/memory.ts [--modes tsx,dist] [--rate 300] [--seconds 60] [--idle 10]
//                                     [--repeat 1] [--only postgres|embedded] [--baseline FILE]
//                                     [--env NAME=value,...]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { cpuMs, drive, freePort, MODES, type Proc, ROOT, startProcess } from "./load.ts";
import { buildIfStale, envOption, sleep, startBenchWorld } from "./support.ts";

const { values } = parseArgs({
  options: {
    modes: { type: "string", default: "tsx,dist" },
    rate: { type: "string", default: "300" },
    seconds: { type: "string", default: "60" },
    idle: { type: "string", default: "10" },
    repeat: { type: "string", default: "1" },
    only: { type: "string" },
    baseline: { type: "string" },
    // Extra environment for Stackup, NAME=value pairs separated by commas.
    env: { type: "string" },
  },
});
const extraEnv = envOption(values.env);
const commands: Record<string, readonly string[]> = { ...MODES };
if (values.baseline) commands.baseline = [...MODES.dist.slice(0, -1), values.baseline];
const modes = values.modes.split(",");
for (const mode of modes) if (!commands[mode]) throw new Error(`unknown mode ${mode}`);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const idleMs = Number(values.idle) * 1000;
const repeat = Number(values.repeat);

buildIfStale();
const world = await startBenchWorld();
const { replies } = world;

async function start(mode: string, env: Record<string, string>): Promise<Proc> {
  return startProcess(
    [...commands[mode]!, "start", "--role", "all"],
    { ...env, ...extraEnv },
    await freePort(),
  );
}

/** What a start cost: wall clock to /healthz, CPU time until then, RSS after idling. */
async function startAndIdle(proc: Proc) {
  const startCpuMs = cpuMs(proc.child.pid!);
  await sleep(idleMs);
  return { startToHealthzMs: proc.startMs, startCpuMs, idleRssMb: proc.rssMb() };
}

async function underLoad(proc: Proc) {
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
    ...load,
    rssMbEachSecond: samples,
    rssMbMax: Math.max(...samples),
    rssMbLast10sMean: Math.round(
      samples.slice(-10).reduce((a, b) => a + b, 0) / Math.min(10, samples.length),
    ),
    rssMbAfter: proc.rssMb(),
  };
}

async function onPostgres(mode: string, run: number) {
  const { env, drop } = await world.schema(`bench_memory_${mode}_${run}_${process.pid}`);
  try {
    // Migrated beforehand: the start is timed as a restart is.
    spawnSync(process.execPath, [...commands[mode]!, "migrate"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", ...env },
    });
    const proc = await start(mode, env);
    try {
      const idle = await startAndIdle(proc);
      return seconds > 0 ? { ...idle, load: await underLoad(proc) } : idle;
    } finally {
      await proc.stop();
    }
  } finally {
    await drop();
  }
}

async function embedded(mode: string) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "stackup-bench-"));
  const env = { DATA_DIR: dataDir };
  try {
    const first = await start(mode, env);
    const firstStart = await startAndIdle(first).finally(() => first.stop());
    const again = await start(mode, env);
    const existing = await startAndIdle(again).finally(() => again.stop());
    return {
      firstStartToHealthzMs: firstStart.startToHealthzMs,
      firstIdleRssMb: firstStart.idleRssMb,
      ...existing,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results: Record<string, Record<string, unknown>[]> = Object.fromEntries(
  modes.map((mode) => [mode, []]),
);
for (let run = 0; run < repeat; run++) {
  for (const mode of modes) {
    const result: Record<string, unknown> = {};
    if (values.only !== "embedded") result.postgres = await onPostgres(mode, run);
    if (values.only !== "postgres") result.embedded = await embedded(mode);
    results[mode]!.push(result);
  }
}
await world.close();
process.stdout.write(`${JSON.stringify({ rate, seconds, results }, null, 2)}\n`);
