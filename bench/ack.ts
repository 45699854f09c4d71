// Slash-command acks under load, Stackup against a bare Bolt app that only acks, in the same run:
// signed `/learn goals` at each --rates entry for --seconds, p50/p99 of the ack and their ratio,
// and the p99 from the command to Stackup's reply landing at its response_url (on loopback),
// the time a person waits. Stackup runs as the README's production command, on PostgreSQL and
// Redis, with a fake Slack Web API. Prints JSON.
//   node --import tsx bench/ack.ts [--rates 300,1000] [--seconds 10] [--main copy/bin/main.js]
import { parseArgs } from "node:util";
import { drive, freePort, MODES, startProcess } from "./load.ts";
import { buildIfStale, startBenchWorld } from "./support.ts";

const { values } = parseArgs({
  options: {
    rates: { type: "string", default: "300,1000" },
    seconds: { type: "string", default: "10" },
    // Another build's entry point (a copy of dist/ inside the repository), for before and after.
    main: { type: "string", default: "" },
  },
});
const rates = values.rates.split(",").map(Number);
const seconds = Number(values.seconds);

buildIfStale();
const world = await startBenchWorld();
const { replies } = world;
const { env, drop } = await world.schema(`bench_ack_${process.pid}`);
const command = values.main ? ["--enable-source-maps", values.main] : MODES.dist;
const stackup = await startProcess([...command, "start", "--role", "all"], env, await freePort());
const bare = await startProcess(["--import", "tsx", "bench/bare-bolt.ts"], {}, await freePort());

try {
  // Warm both up, and let Stackup meet the people once, as a running service has.
  await drive({ url: bare.url, rate: 100, seconds: 3 });
  await drive({ url: stackup.url, rate: 100, seconds: 3, replies });
  const rows = [];
  for (const rate of rates) {
    const b = await drive({ url: bare.url, rate, seconds, pid: bare.child.pid });
    const s = await drive({ url: stackup.url, rate, seconds, replies, pid: stackup.child.pid });
    rows.push({
      rate,
      bareBolt: {
        ackP50: b.ackP50,
        ackP99: b.ackP99,
        failed: b.failed,
        cpuMsPerCommand: b.cpuMsPerCommand,
      },
      stackup: {
        ackP50: s.ackP50,
        ackP99: s.ackP99,
        replyP99: s.replyP99,
        replied: s.replied,
        sent: s.sent,
        failed: s.failed,
        cpuMsPerCommand: s.cpuMsPerCommand,
      },
      ratioP50: Math.round((s.ackP50 / b.ackP50) * 100) / 100,
      ratioP99: Math.round((s.ackP99 / b.ackP99) * 100) / 100,
    });
  }
  process.stdout.write(`${JSON.stringify({ seconds, rows }, null, 2)}\n`);
} finally {
  await stackup.stop();
  await bare.stop();
  await drop();
  await world.close();
}
