// Shared by the memory and ack benches: start Stackup (or another server) as a process, drive
// signed slash commands at a fixed rate, time the acks and the replies at response_url.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { Pool } from "undici";
import type { FakeSlack } from "../test/support/fake-slack.ts";
import { sign, slashCommandBody, TEST_SIGNING_SECRET } from "../test/support/slack-signing.ts";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const SIGNING_SECRET = TEST_SIGNING_SECRET;

/** How each build runs `stackup start --role all`. */
export const MODES = {
  // What `npm start` ran before the build existed: the sources through the tsx loader.
  tsx: ["--max-semi-space-size=64", "--import", "tsx", "bin/main.ts"],
  // The README's production command.
  dist: ["--enable-source-maps", "dist/bin/main.js"],
} as const;
export type Mode = keyof typeof MODES;

export interface Proc {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn to the first 200 from /healthz. */
  startMs: number;
  rssMb(): number;
  stop(): Promise<void>;
}

/** CPU time (user and system) a process has used, in milliseconds. */
export function cpuMs(pid: number, thread?: number): number {
  const file = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`;
  const fields = readFileSync(file, "utf8").split(") ")[1]?.split(" ") ?? [];
  // utime and stime, the 14th and 15th fields, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time a process (and its main thread) uses from now until the returned function is called. */
function cpuMeter(pid: number | undefined) {
  const all = pid ? cpuMs(pid) : 0;
  const main = pid ? cpuMs(pid, pid) : 0;
  return () =>
    pid
      ? { all: cpuMs(pid) - all, main: cpuMs(pid, pid) - main }
      : { all: undefined, main: undefined };
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** Spawns `node ...args` from the repository root and waits for /healthz. */
export async function startProcess(
  args: readonly string[],
  env: Record<string, string>,
  port: number,
): Promise<Proc> {
  const started = performance.now();
  const child = spawn(process.execPath, [...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(" ")} exited ${child.exitCode}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const startMs = Math.round(performance.now() - started);
  return {
    child,
    url,
    startMs,
    rssMb: () => rssMb(child.pid!),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * Where replies land: records when each request's response_url is posted to. The server runs on a
 * thread of its own, so taking the replies costs the driving loop nothing that could delay the
 * acks it times (only Stackup's commands are replied to); times come back in this thread's
 * `performance.now()`.
 */
export class ReplyCatcher {
  private worker: Worker | undefined;
  readonly arrived = new Map<number, number>();
  base = "";

  async start(): Promise<void> {
    const worker = new Worker(REPLY_SERVER, { eval: true });
    this.worker = worker;
    worker.unref();
    this.base = await new Promise<string>((resolve, reject) => {
      worker.once("error", reject);
      worker.on("message", (message: { base?: string; arrived?: [number, number][] }) => {
        if (message.base) resolve(message.base);
        for (const [id, at] of message.arrived ?? []) {
          if (!this.arrived.has(id)) this.arrived.set(id, at - performance.timeOrigin);
        }
      });
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}

/** The reply server's thread: arrivals in epoch milliseconds, sent back every 20 ms. */
const REPLY_SERVER = `
const { createServer } = require("node:http");
const { parentPort } = require("node:worker_threads");
let batch = [];
const server = createServer((req, res) => {
  const id = Number(req.url.split("/").pop());
  const at = performance.timeOrigin + performance.now();
  req.resume();
  req.on("end", () => {
    batch.push([id, at]);
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
  });
});
setInterval(() => {
  if (batch.length === 0) return;
  parentPort.postMessage({ arrived: batch });
  batch = [];
}, 20);
server.listen(0, "127.0.0.1", () => {
  parentPort.postMessage({ base: "http://127.0.0.1:" + server.address().port });
});
`;

export interface DriveResult {
  rate: number;
  sent: number;
  failed: number;
  ackP50: number;
  ackP99: number;
  replyP99: number | undefined;
  replied: number;
  /** CPU the server process spent per command, when its pid is given. */
  cpuMsPerCommand: number | undefined;
  /** With `keep`: every ack's and reply's time and the CPU used, to pool rounds. */
  samples?: {
    acks: number[];
    replies: number[];
    cpuMs: number | undefined;
    /** The main thread's share of cpuMs: the one that acks. */
    mainThreadCpuMs: number | undefined;
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

let nextId = 0;

/** How many different people send the commands, unless a drive says otherwise. */
export const BENCH_PEOPLE = 200;

/**
 * The people the commands come from, known to the fake Slack: without them every command's
 * users.info fails and the bench measures the apology path instead of the command.
 */
export function addBenchPeople(slack: FakeSlack, count = BENCH_PEOPLE): void {
  for (let i = 0; i < count; i++) {
    slack.addUser({
      id: `U0BENCH${i}`,
      name: `bench${i}`,
      real_name: `Bench Person ${i}`,
      tz: "UTC",
    });
  }
}

/** Replies still on their way get a few seconds; only this drive's commands count. */
async function repliesArrived(
  replies: ReplyCatcher,
  sentAt: Map<number, number>,
  expected: number,
): Promise<void> {
  const deadline = performance.now() + 5_000;
  const arrived = () => {
    let n = 0;
    for (const id of sentAt.keys()) if (replies.arrived.has(id)) n++;
    return n;
  };
  while (arrived() < expected && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

const round = (n: number) => Math.round(n * 10) / 10;

/** From each command sent to its reply arriving, for those that arrived. */
function replyTimesOf(sentAt: Map<number, number>, replies: ReplyCatcher): number[] {
  const times: number[] = [];
  for (const [id, t0] of sentAt) {
    const at = replies.arrived.get(id);
    if (at !== undefined) times.push(at - t0);
  }
  return times;
}

export interface DriveOptions {
  url: string;
  rate: number;
  seconds: number;
  replies?: ReplyCatcher;
  text?: string;
  users?: number;
  onTick?: () => void;
  /** The server's pid, to measure its CPU time. */
  pid?: number;
  /** Return the samples as well as their percentiles. */
  keep?: boolean;
}

/**
 * Posts signed `/learn <text>` slash commands to `url` at `rate` a second for `seconds`, spread
 * evenly, from `users` different people; `onTick` runs about once a second.
 */
export async function drive(options: DriveOptions): Promise<DriveResult> {
  const cpu = cpuMeter(options.pid);
  const pool = new Pool(options.url, { connections: 128, pipelining: 1 });
  const replies = options.replies;
  const acks: number[] = [];
  const sentAt = new Map<number, number>();
  let failed = 0;
  let sent = 0;
  const pending = new Set<Promise<void>>();
  const total = options.rate * options.seconds;
  const begin = performance.now();
  let lastTick = begin;

  const fire = () => {
    const id = nextId++;
    const body = slashCommandBody({
      text: options.text ?? "goals",
      responseUrl: `${replies?.base ?? "http://127.0.0.1:9"}/r/${id}`,
      userId: `U0BENCH${id % (options.users ?? BENCH_PEOPLE)}`,
      triggerId: `${id}.1.bench`,
    });
    const { headers } = sign(body, { secret: SIGNING_SECRET });
    const t0 = performance.now();
    sentAt.set(id, t0);
    const p = pool
      .request({ method: "POST", path: "/slack/events", headers, body })
      .then(async (res) => {
        await res.body.text();
        if (res.statusCode === 200) acks.push(performance.now() - t0);
        else failed++;
      })
      .catch(() => {
        failed++;
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  };

  while (sent < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - begin) / 1000) * options.rate));
    while (sent < due) {
      fire();
      sent++;
    }
    if (now - lastTick >= 1000) {
      lastTick = now;
      options.onTick?.();
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(pending);
  if (replies) await repliesArrived(replies, sentAt, acks.length);
  await pool.close();
  const { all: cpuUsed, main: mainUsed } = cpu();
  const replyTimes = replies ? replyTimesOf(sentAt, replies) : [];
  return {
    rate: options.rate,
    sent,
    failed,
    ackP50: round(percentile(acks, 50)),
    ackP99: round(percentile(acks, 99)),
    replyP99: replies ? round(percentile(replyTimes, 99)) : undefined,
    replied: replyTimes.length,
    cpuMsPerCommand: cpuUsed === undefined ? undefined : round(cpuUsed / sent),
    ...(options.keep
      ? { samples: { acks, replies: replyTimes, cpuMs: cpuUsed, mainThreadCpuMs: mainUsed } }
      : {}),
  };
}
