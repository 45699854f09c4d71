import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { TEST_REDIS_URL } from "../support/app.ts";
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from "../support/db.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import {
  addSeededPeople,
  type Chaos,
  deliveredPerChannel,
  seedDue,
  startChaos,
  statusCounts,
  waitUntil,
} from "./harness.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const children: ChildProcess[] = [];

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "worker-child.ts")], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once("message", () => resolve(child));
    child.once("exit", (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once("exit", () => resolve()));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  children.push(redis);
  return new Promise((resolve, reject) => {
    redis.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Ready to accept connections")) resolve(redis);
    });
    redis.once("exit", (code) => reject(new Error(`redis-server exited (${code})`)));
  });
}

describe("chaos: every due person gets exactly one check-in", () => {
  let t: TestDatabase | undefined;
  let fake: FakeSlack | undefined;
  let chaos: Chaos | undefined;

  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.exitCode === null && c.signalCode === null) {
        c.kill("SIGKILL");
        await exited(c);
      }
    }
    await chaos?.close();
    await fake?.close();
    await t?.drop();
  });
  afterAll(() => {
    for (const c of children) c.kill("SIGKILL");
  });

  it("survives a worker killed with SIGKILL in the middle of 2,000 due people", async () => {
    t = await createTestDatabase("checkin_kill");
    fake = await startFakeSlack();
    chaos = await startChaos(fake);
    await seedDue(t.db, 2_000, 20);
    addSeededPeople(fake, 2_000);
    const env = {
      CHILD_DATABASE_URL: TEST_DATABASE_URL,
      CHILD_SCHEMA: t.schema,
      CHILD_REDIS_URL: TEST_REDIS_URL,
      CHILD_PREFIX: `t-${t.schema}`,
      CHILD_SLACK_URL: chaos.apiUrl,
      CHILD_CLOCK: "2026-11-30T09:00:30Z",
      // One clock for both workers, as on machines kept in time: the second takes the first's
      // claims over when their leases run out, not when its own clock has caught up.
      CHILD_CLOCK_SINCE: String(Date.now()),
    };
    const first = await startWorker(env);
    const f = fake;
    await waitUntil(
      async () => {
        if (process.env.DEBUG_CHECKINS) console.log(f.calls.length, await statusCounts(t!.db));
        return f.callsTo("chat.postMessage").length >= 300;
      },
      30_000,
      "300 sends",
    );
    first.kill("SIGKILL");
    await exited(first);
    const before = await statusCounts(t.db);
    expect(before.sent ?? 0).toBeLessThan(2_000);

    await startWorker(env);
    const db = t.db;
    await waitUntil(async () => (await statusCounts(db)).sent === 2_000, 90_000, "all sent");
    const perChannel = deliveredPerChannel(fake);
    expect(perChannel.size).toBe(2_000);
    expect([...perChannel.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  }, 150_000);

  it("survives its Redis being killed and restarted empty mid-run", async () => {
    t = await createTestDatabase("checkin_redis");
    fake = await startFakeSlack();
    chaos = await startChaos(fake);
    await seedDue(t.db, 1_000, 10);
    addSeededPeople(fake, 1_000);
    const port = await freePort();
    let redis = await startRedis(port);
    const env = {
      CHILD_DATABASE_URL: TEST_DATABASE_URL,
      CHILD_SCHEMA: t.schema,
      CHILD_REDIS_URL: `redis://127.0.0.1:${port}`,
      CHILD_PREFIX: `t-${t.schema}`,
      CHILD_SLACK_URL: chaos.apiUrl,
      CHILD_CLOCK: "2026-11-30T09:00:30Z",
    };
    await startWorker(env);
    const f = fake;
    await waitUntil(async () => f.callsTo("chat.postMessage").length >= 200, 30_000, "200 sends");
    redis.kill("SIGKILL");
    await exited(redis);
    await new Promise((r) => setTimeout(r, 1_000));
    redis = await startRedis(port);

    const db = t.db;
    await waitUntil(async () => (await statusCounts(db)).sent === 1_000, 45_000, "all sent");
    const perChannel = deliveredPerChannel(fake);
    expect(perChannel.size).toBe(1_000);
    expect([...perChannel.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  }, 90_000);
});
