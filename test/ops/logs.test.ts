import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { type QueueBackend, redisBackend } from "../../jobs/backend.ts";
import { createJobQueue } from "../../jobs/queue.ts";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { createLogger, withCorrelation } from "../../src/log.ts";
import { TEST_REDIS_URL } from "../support/app.ts";

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger("info", stream) };
}

describe("operator settings", () => {
  it("names a bad LOG_LEVEL, LOG_FORMAT, SHUTDOWN_TIMEOUT or DASHBOARD_PASSWORD instead of crashing", () => {
    expect(problemsOf({ LOG_LEVEL: "loud" })).toEqual([
      "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent.",
    ]);
    expect(problemsOf({ LOG_FORMAT: "xml" })).toEqual(['LOG_FORMAT must be "json" or "pretty".']);
    expect(problemsOf({ SHUTDOWN_TIMEOUT: "soon" })).toEqual([
      "SHUTDOWN_TIMEOUT must be a number of seconds from 0 to 3600.",
    ]);
    expect(problemsOf({ DASHBOARD_PASSWORD: "short" })[0]).toMatch(/at least 12 characters/);
  });

  it("reads the settings it accepts", () => {
    const config = loadConfig({
      LOG_LEVEL: "DEBUG",
      LOG_FORMAT: "pretty",
      SHUTDOWN_TIMEOUT: "40",
      DASHBOARD_PASSWORD: "a-long-enough-password",
    });
    expect(config).toMatchObject({
      logLevel: "debug",
      logFormat: "pretty",
      shutdownTimeoutMs: 40_000,
      dashboard: { user: "admin", password: "a-long-enough-password" },
    });
    expect(loadConfig({})).toMatchObject({ logFormat: "json", shutdownTimeoutMs: 25_000 });
    expect(loadConfig({}).dashboard).toBeUndefined();
    expect(loadConfig({}).secretNames).toContain("DASHBOARD_PASSWORD");
  });
});

describe("correlation ids", () => {
  const backends: QueueBackend[] = [];
  afterAll(async () => {
    for (const b of backends) await b.close();
  });

  it("are on every log line written inside one piece of work, and only there", async () => {
    const { lines, logger } = capture();
    await withCorrelation("req-1", async () => {
      logger.info("before");
      await new Promise((r) => setTimeout(r, 5));
      logger.warn("after waiting");
    });
    logger.info("outside");
    expect(lines.map((l) => [l.msg, l.correlationId])).toEqual([
      ["before", "req-1"],
      ["after waiting", "req-1"],
      ["outside", undefined],
    ]);
  });

  it("travel with the jobs queued during that work", async () => {
    const backend = await redisBackend({
      url: TEST_REDIS_URL,
      prefix: `t-corr-${randomBytes(3).toString("hex")}`,
    });
    backends.push(backend);
    const jobs = createJobQueue(backend);
    await withCorrelation("req-2", () => jobs.enqueue("share.deliver", { shareId: 1 }));
    await jobs.enqueue("share.deliver", { shareId: 2 });
    const queued = await backend.queue("sharing").getJobs(["waiting", "delayed"]);
    const ids = Object.fromEntries(queued.map((j) => [j.data.shareId, j.data.correlationId]));
    expect(ids).toEqual({ 1: "req-2", 2: undefined });
    await jobs.close();
  });
});
