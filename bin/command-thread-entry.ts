// The command thread: answers the slash commands the main thread has acked, with a core, a
// database pool and a queue connection of its own. See bin/command-thread.ts.
import { setPriority } from "node:os";
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { interactiveClientOptions } from "../adapters/slack/client-options.ts";
import {
  answerCommand,
  clientsByToken,
  SLACK_COMMAND_WORK,
  type SlackCommandWork,
} from "../adapters/slack/command-work.ts";
import { WorkQueue } from "../adapters/slack/work-queue.ts";
import { createJobQueue } from "../jobs/queue.ts";
import { createCore } from "../src/commands/router.ts";
import type { Config } from "../src/config.ts";
import { createDatabase } from "../src/db/database.ts";
import { createLogger, withCorrelation } from "../src/log.ts";
import { type CommandOutcome, countCommands } from "../src/metrics.ts";
import { systemClock } from "../src/time/clock.ts";
import type { FromThread, ToThread } from "./command-thread.ts";
import { openQueues } from "./runtime.ts";

if (!parentPort) throw new Error("bin/command-thread-entry runs only as a worker thread.");
const port: MessagePort = parentPort;
const { config } = workerData as { config: Config };
const post = (message: FromThread) => port.postMessage(message);

// What finished is reported in batches: each message wakes the acks' event loop.
const REPORT_EVERY_MS = 20;
let finished: number[] = [];
let counted: [string, CommandOutcome][] = [];
let reportTimer: NodeJS.Timeout | undefined;
function report() {
  reportTimer = undefined;
  const { totalCount, idleCount, waitingCount } = database.pool;
  post({
    type: "done",
    ids: finished,
    counts: counted,
    pool: { totalCount, idleCount, waitingCount },
  });
  finished = [];
  counted = [];
}
const reportSoon = () => {
  reportTimer ??= setTimeout(report, REPORT_EVERY_MS);
};

// Acks wait for nothing but the CPU: when the cores are busy this thread's work yields to them.
// On Linux a thread's nice value is its own; elsewhere this may move the process, so it is skipped.
if (process.platform === "linux") {
  try {
    setPriority(10);
  } catch {
    // Not allowed here: the thread runs at the process's priority.
  }
}

const logger = createLogger(config.logLevel, undefined, config.logFormat).child({
  thread: "commands",
});
const database = createDatabase({
  connectionString: config.databaseUrl!,
  logger,
  max: 8,
  ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
});
const queues = await openQueues(config, logger);
const core = countCommands(
  createCore({
    db: database.db,
    clock: systemClock,
    jobs: createJobQueue(queues.backend),
    admins: config.admins ?? [],
  }),
  {
    command: (verb: string, outcome: CommandOutcome) => {
      counted.push([verb, outcome]);
      reportSoon();
    },
  },
);
const h = { core, logger, queue: new WorkQueue(), now: Date.now };
const clientFor = clientsByToken(interactiveClientOptions(config));

let stopping = false;
port.on("message", (message: ToThread) => {
  if (message.type === "stop") {
    void stop();
    return;
  }
  const done = () => {
    finished.push(message.id);
    reportSoon();
  };
  if (message.kind !== SLACK_COMMAND_WORK) {
    logger.error({ kind: message.kind }, "The command thread was handed work it does not know");
    done();
    return;
  }
  const work = message.payload as SlackCommandWork;
  withCorrelation(message.correlationId, () => answerCommand(h, clientFor(work.token), work, done));
});
post({ type: "ready" });
// The pool's counts also change while nothing happens (idle connections close), so they are
// reported now and then too.
const poolReports = setInterval(reportSoon, 5_000);
poolReports.unref();

/** Finishes the work taken, closes the pool and the queue connection, and ends the thread. */
async function stop() {
  if (stopping) return;
  stopping = true;
  await h.queue.onIdle();
  clearInterval(poolReports);
  clearTimeout(reportTimer);
  report();
  await queues.close().catch(() => undefined);
  await database.close().catch(() => undefined);
  port.close();
}
