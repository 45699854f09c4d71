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
import { drive, freePort, MODES, type Mode, ROOT, startProcess } from "./load.ts";
import { buildIfStale, sleep, startBenchWorld } from "./support.ts";

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

buildIfStale();
const world = await startBenchWorld();
const { replies } = world;

async function onPostgres(mode: Mode) {
  const { env, drop } = await world.schema(`bench_memory_${mode}_${process.pid}`);
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
    await drop();
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
await world.close();
process.stdout.write(`${JSON.stringify({ rate, seconds, results }, null, 2)}\n`);
