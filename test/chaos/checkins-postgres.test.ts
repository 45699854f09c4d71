import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  addSeededPeople,
  type Chaos,
  deliveredPerChannel,
  seedDue,
  startChaos,
  statusCounts,
  waitUntil,
} from "../checkins/harness.ts";
import { TEST_REDIS_URL } from "../support/app.ts";
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from "../support/db.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const USERS = 1_000;

interface Worker {
  child: ChildProcess;
  logs: { level: number; msg: string }[];
}

/** The check-in worker the SIGKILL chaos test runs, in a process of its own, logging at info. */
function startWorker(env: Record<string, string>): Promise<Worker> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(here, "../checkins/worker-child.ts")],
    {
      env: { ...process.env, ...env, CHILD_LOG: "info" },
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    },
  );
  const logs: Worker["logs"] = [];
  let pending = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ level: 60, msg: line });
      }
    }
  });
  return new Promise((resolve, reject) => {
    child.once("message", () => resolve({ child, logs }));
    child.once("exit", (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

describe("chaos: PostgreSQL cut off in the middle of a check-in fan-out", () => {
  let t: TestDatabase | undefined;
  let fake: FakeSlack | undefined;
  let chaos: Chaos | undefined;
  let proxy: TcpProxy | undefined;
  let worker: Worker | undefined;

  afterEach(async () => {
    const child = worker?.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    await proxy?.close();
    await chaos?.close();
    await fake?.close();
    await t?.drop();
  });

  it("delivers every check-in exactly once after PostgreSQL comes back, without a restart", async () => {
    t = await createTestDatabase("chaos_checkin_pg");
    fake = await startFakeSlack();
    chaos = await startChaos(fake);
    await seedDue(t.db, USERS, 10);
    addSeededPeople(fake, USERS);
    const real = new URL(TEST_DATABASE_URL);
    proxy = await startTcpProxy({ host: real.hostname, port: Number(real.port || 5432) });
    const viaProxy = new URL(TEST_DATABASE_URL);
    viaProxy.port = String(proxy.port);
    worker = await startWorker({
      CHILD_DATABASE_URL: viaProxy.toString(),
      CHILD_SCHEMA: t.schema,
      CHILD_REDIS_URL: TEST_REDIS_URL,
      CHILD_PREFIX: `t-${t.schema}`,
      CHILD_SLACK_URL: chaos.apiUrl,
      CHILD_CLOCK: "2026-11-30T09:00:30Z",
    });
    const f = fake;
    await waitUntil(async () => f.callsTo("chat.postMessage").length >= 150, 30_000, "150 sends");

    // Every connection reset and new ones refused, while sends are in flight and unrecorded.
    await proxy.down();
    await new Promise((r) => setTimeout(r, 4_000));
    // The cut caught check-ins that reached Slack but whose sending was never recorded: the ones
    // a careless retry would send twice.
    const posted = deliveredPerChannel(f).size;
    const recorded = (await statusCounts(t.db)).sent ?? 0;
    expect(posted).toBeGreaterThan(recorded);
    expect(posted).toBeLessThan(USERS);
    expect(worker.child.exitCode).toBeNull();
    await proxy.up();

    const db = t.db;
    await waitUntil(async () => (await statusCounts(db)).sent === USERS, 90_000, "all sent");
    expect(await statusCounts(db)).toEqual({ sent: USERS });
    const perChannel = deliveredPerChannel(fake);
    expect(perChannel.size).toBe(USERS);
    expect([...perChannel.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(worker.child.exitCode).toBeNull();
    expect(worker.child.signalCode).toBeNull();
    // Told once that connections were lost, once that they are back; no crash on the way.
    const said = (text: string) => worker!.logs.filter((l) => l.msg.startsWith(text)).length;
    expect(said("lost a PostgreSQL connection")).toBe(1);
    expect(said("connected to PostgreSQL again")).toBe(1);
    expect(worker.logs.filter((l) => l.level >= 50)).toEqual([]);
  }, 150_000);
});
