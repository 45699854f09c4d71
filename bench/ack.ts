// Slash-command acks under load, Stackup against a bare Bolt app that only acks, in the same run:
// signed `/learn goals` at each --rates entry for --seconds, p50/p99 of the ack and their ratio,
// and the p99 from the command to Stackup's reply landing at its response_url (on loopback),
// the time a person waits. Stackup runs as the README's production command, on PostgreSQL and
// Redis, with a fake Slack Web API. Prints JSON.
//
// A shared machine's load comes and goes within seconds, so each rate's seconds are split into
// --rounds slices that alternate between the two servers (bare, Stackup, Stackup, bare, ...) and
// the percentiles are taken over all of a server's slices together: both see the same hour.
//   node --import tsx bench/ack.ts [--rates 300,1000] [--seconds 10] [--rounds 4] [--warmup 10]
//                                  [--text goals] [--main copy/bin/main.js] [--node-options "..."]
//                                  [--env NAME=value,...]
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import {
  type DriveResult,
  drive,
  freePort,
  MODES,
  type Proc,
  percentile,
  startProcess,
} from "./load.ts";
import { buildIfStale, envOption, startBenchWorld } from "./support.ts";

const { values } = parseArgs({
  options: {
    rates: { type: "string", default: "300,1000" },
    seconds: { type: "string", default: "10" },
    rounds: { type: "string", default: "4" },
    text: { type: "string", default: "goals" },
    // Seconds of commands at 200 a second before measuring: a running service's JIT is warm.
    warmup: { type: "string", default: "10" },
    // Another build's entry point (a copy of dist/ inside the repository), for before and after.
    main: { type: "string", default: "" },
    // Extra Node options for Stackup, space-separated (say, a young generation size to compare).
    "node-options": { type: "string", default: "" },
    // Extra environment for Stackup, NAME=value pairs separated by commas.
    env: { type: "string" },
  },
});
const rates = values.rates.split(",").map(Number);
const seconds = Number(values.seconds);
const rounds = Math.max(1, Number(values.rounds));
const { text } = values;

buildIfStale();
const world = await startBenchWorld();
const { replies } = world;
const { env, drop } = await world.schema(`bench_ack_${process.pid}`);
const command = values.main ? ["--enable-source-maps", values.main] : MODES.dist;
const nodeOptions = values["node-options"].split(" ").filter(Boolean);
const stackup = await startProcess(
  [...nodeOptions, ...command, "start", "--role", "all"],
  { ...env, ...envOption(values.env) },
  await freePort(),
);
const bare = await startProcess(["--import", "tsx", "bench/bare-bolt.ts"], {}, await freePort());

const round1 = (n: number) => Math.round(n * 10) / 10;
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/** One server's slices as one sample: pooled percentiles, CPU over all commands sent. */
function pooled(results: DriveResult[]) {
  const acks = results.flatMap((r) => r.samples!.acks);
  const replied = results.flatMap((r) => r.samples!.replies);
  const sent = results.reduce((n, r) => n + r.sent, 0);
  const cpu = results.reduce((n, r) => n + (r.samples!.cpuMs ?? 0), 0);
  const main = results.reduce((n, r) => n + (r.samples!.mainThreadCpuMs ?? 0), 0);
  return {
    ackP50: round1(percentile(acks, 50)),
    ackP99: round1(percentile(acks, 99)),
    replyP99: round1(percentile(replied, 99)),
    replied: replied.length,
    sent,
    failed: results.reduce((n, r) => n + r.failed, 0),
    cpuMsPerCommand: Math.round((cpu / sent) * 100) / 100,
    mainThreadCpuMsPerCommand: Math.round((main / sent) * 100) / 100,
  };
}

async function slice(proc: Proc, rate: number, sliceSeconds: number, withReplies: boolean) {
  const pid = proc.child.pid;
  return drive({
    url: proc.url,
    rate,
    seconds: sliceSeconds,
    text,
    keep: true,
    ...(pid ? { pid } : {}),
    ...(withReplies ? { replies } : {}),
  });
}

try {
  // Warm both up, and let Stackup meet the people once, as a running service has.
  const warmup = Number(values.warmup);
  await drive({ url: bare.url, rate: 200, seconds: warmup });
  await drive({ url: stackup.url, rate: 200, seconds: warmup, replies, text });
  const rows = [];
  for (const rate of rates) {
    const load = loadavg()[0]!;
    const b: DriveResult[] = [];
    const s: DriveResult[] = [];
    for (let r = 0; r < rounds; r++) {
      const bareFirst = r % 2 === 0;
      if (bareFirst) b.push(await slice(bare, rate, seconds / rounds, false));
      s.push(await slice(stackup, rate, seconds / rounds, true));
      if (!bareFirst) b.push(await slice(bare, rate, seconds / rounds, false));
    }
    const bareBolt = pooled(b);
    const stack = pooled(s);
    rows.push({
      rate,
      bareBolt: {
        ackP50: bareBolt.ackP50,
        ackP99: bareBolt.ackP99,
        failed: bareBolt.failed,
        cpuMsPerCommand: bareBolt.cpuMsPerCommand,
        mainThreadCpuMsPerCommand: bareBolt.mainThreadCpuMsPerCommand,
      },
      stackup: stack,
      ratioP50: ratio(stack.ackP50, bareBolt.ackP50),
      ratioP99: ratio(stack.ackP99, bareBolt.ackP99),
      loadAverage: [round1(load), round1(loadavg()[0]!)],
    });
  }
  const run = { seconds, rounds, text, nodeOptions: values["node-options"], rows };
  process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
} finally {
  await stackup.stop();
  await bare.stop();
  await drop();
  await world.close();
}
