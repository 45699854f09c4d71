import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../src/log.ts";
import { startTestService, type TestService } from "../support/service.ts";

const PASSWORD = "redis-pass-0d1f9c";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A Redis of the test's own on a loopback port, keeping nothing on disk, with a password. */
function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"].concat([
      "--requirepass",
      PASSWORD,
    ]),
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    redis.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Ready to accept connections")) resolve(redis);
    });
    redis.once("exit", (code) => reject(new Error(`redis-server exited (${code})`)));
  });
}

const stopped = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once("exit", () => resolve()));

function capture() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw.push(String(chunk));
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, raw, logger: createLogger("info", stream) };
}

async function readyz(url: string) {
  const started = Date.now();
  const res = await fetch(`${url}/readyz`);
  return {
    status: res.status,
    body: (await res.json()) as { checks: Record<string, boolean> },
    ms: Date.now() - started,
  };
}

describe("chaos: Redis goes away and comes back", () => {
  let redis: ChildProcess | undefined;
  let service: TestService | undefined;

  afterEach(async () => {
    vi.restoreAllMocks();
    await service?.close().catch(() => undefined);
    if (redis && redis.exitCode === null) {
      redis.kill("SIGKILL");
      await stopped(redis);
    }
  });

  it("logs the outage once without the password, answers /readyz quickly, and recovers", async () => {
    const port = await freePort();
    redis = await startRedis(port);
    const log = capture();
    const printed = vi.spyOn(console, "error");
    service = await startTestService({
      label: "chaos_redis_outage",
      role: "all",
      config: { redisUrl: `redis://:${PASSWORD}@127.0.0.1:${port}` },
      logger: log.logger,
    });
    expect((await readyz(service.url)).status).toBe(200);

    redis.kill("SIGKILL");
    await stopped(redis);
    // Long enough for every connection to retry many times.
    await new Promise((r) => setTimeout(r, 4_000));
    const down = await readyz(service.url);
    expect(down.status).toBe(503);
    expect(down.body.checks).toMatchObject({ database: true, queue: false });
    // Its own time limit, well inside the readiness check's two seconds.
    expect(down.ms).toBeLessThan(1_500);

    const lost = log.lines.filter((l) => String(l.msg).startsWith("lost the connection to Redis"));
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ level: 40, redis: `redis://***@127.0.0.1:${port}` });
    // Every connection retrying is not a line each: nothing else at warn or above meanwhile.
    expect(log.lines.filter((l) => Number(l.level) >= 40)).toHaveLength(1);
    expect(printed).not.toHaveBeenCalled();

    redis = await startRedis(port);
    const deadline = Date.now() + 15_000;
    while ((await readyz(service.url)).status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await readyz(service.url)).status).toBe(200);
    const back = log.lines.filter((l) => l.msg === "connected to Redis again");
    expect(back).toHaveLength(1);
    expect(log.raw.join("")).not.toContain(PASSWORD);
    // The queues work again: a job goes through Redis.
    const queue = service.app.queues.backend.queue("privacy");
    expect(await queue.getJobCounts("waiting")).toEqual({ waiting: expect.any(Number) });
  }, 60_000);

  it("answers /readyz within its time limit while Redis is frozen with connections open", async () => {
    const port = await freePort();
    redis = await startRedis(port);
    service = await startTestService({
      label: "chaos_redis_frozen",
      role: "web",
      config: { redisUrl: `redis://:${PASSWORD}@127.0.0.1:${port}` },
    });
    expect((await readyz(service.url)).status).toBe(200);
    // A stopped process keeps its sockets: the connection still looks ready, a ping never answers.
    redis.kill("SIGSTOP");
    try {
      const frozen = await readyz(service.url);
      expect(frozen.status).toBe(503);
      expect(frozen.body.checks).toMatchObject({ database: true, queue: false });
      expect(frozen.ms).toBeLessThan(1_800);
    } finally {
      redis.kill("SIGCONT");
    }
    expect((await readyz(service.url)).status).toBe(200);
  }, 60_000);
});
