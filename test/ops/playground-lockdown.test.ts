import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../../bin/app.ts";
import { playgroundWanted } from "../../playground/index.ts";
import { type Config, ConfigError, loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { OffsetClock } from "../../src/time/clock.ts";
import { testConfig } from "../support/app.ts";
import { runningFrom } from "../support/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

describe("playground lockdown", () => {
  it("is served only when no platform at all is connected", () => {
    expect(playgroundWanted(loadConfig({}), true)).toBe(true);
    expect(playgroundWanted(loadConfig({ PLAYGROUND: "on" }), true)).toBe(true);
    expect(playgroundWanted(loadConfig({ PLAYGROUND: "off" }), true)).toBe(false);
    expect(playgroundWanted(loadConfig({}), false)).toBe(false);
    const slack = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" });
    expect(playgroundWanted(slack, true)).toBe(false);
    // Asking for it on the network doesn't bring it back beside a real platform.
    const slackOn = { ...slack, playground: "on" } satisfies Config;
    expect(playgroundWanted(slackOn, true)).toBe(false);
    // Teams alone used to leave the playground on, its clock able to move real people's time.
    const teams = loadConfig({
      MicrosoftAppId: "app",
      MicrosoftAppPassword: "secret",
      MicrosoftAppType: "MultiTenant",
    });
    expect(playgroundWanted(teams, true)).toBe(false);
    const unauthenticated = loadConfig({ TEAMS_ALLOW_UNAUTHENTICATED: "true" });
    expect(playgroundWanted(unauthenticated, true)).toBe(false);
  });

  it("says which values PLAYGROUND takes", () => {
    expect(loadConfig({ PLAYGROUND: "ON" }).playground).toBe("on");
    let error: unknown;
    try {
      loadConfig({ PLAYGROUND: "yes" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toContain('PLAYGROUND must be "auto", "on" or "off".');
  });
});

async function start(t: TestDatabase, config: Partial<Config>): Promise<RunningApp> {
  return startApp({
    config: { ...testConfig({ schema: t.schema }), ...config },
    logger: createLogger("silent"),
    role: "all",
    clock: new OffsetClock(runningFrom("2026-05-13T10:00:00Z")),
  });
}

const boundTo = (app: RunningApp) => (app.http!.server.address() as AddressInfo).address;

describe("where the playground listens", () => {
  let t: TestDatabase | undefined;
  let app: RunningApp | undefined;

  afterEach(async () => {
    await app?.stop();
    app = undefined;
    await t?.drop();
    t = undefined;
  });

  it("listens on loopback only unless PLAYGROUND=on", async () => {
    t = await createTestDatabase("play_lock_auto");
    app = await start(t, { playground: "auto" });
    expect(boundTo(app)).toBe("127.0.0.1");
    expect((await fetch(`${app.http!.url}/playground`)).status).toBe(200);
  }, 60_000);

  it("listens on every interface with PLAYGROUND=on", async () => {
    t = await createTestDatabase("play_lock_on");
    app = await start(t, { playground: "on" });
    expect(boundTo(app)).toBe("0.0.0.0");
    expect((await fetch(`${app.http!.url}/playground`)).status).toBe(200);
  }, 60_000);

  it("listens on every interface as usual when the playground is off", async () => {
    t = await createTestDatabase("play_lock_off");
    app = await start(t, { playground: "off" });
    expect(boundTo(app)).toBe("0.0.0.0");
    expect((await fetch(`${app.http!.url}/playground`)).status).toBe(404);
  }, 60_000);
});

/** A POST whose declared length is `declared`, of which only `sent` bytes are written. */
function post(
  url: string,
  options: { declared?: number; chunked?: number; body?: string },
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { "content-type": "application/json" };
    if (options.declared !== undefined) headers["content-length"] = options.declared;
    const req = request(url, { method: "POST", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
        }),
      );
    });
    // The server may close before the rest of a refused body is written.
    req.on("error", (error) => {
      if ((error as NodeJS.ErrnoException).code !== "EPIPE") reject(error);
    });
    if (options.body !== undefined) req.end(options.body);
    else if (options.chunked !== undefined) {
      // No content-length: the limit has to be counted as the body streams in.
      const piece = `"${"x".repeat(16 * 1024 - 2)}"`;
      for (let sent = 0; sent < options.chunked; sent += piece.length) req.write(piece);
      req.end();
    } else req.write("{");
  });
}

describe("the playground's API", () => {
  let t: TestDatabase;
  let app: RunningApp;
  const api = (route: string) => `${app.http!.url}/playground/api/${route}`;
  const moveClock = async (hours: number) => {
    const res = await fetch(api("clock"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: "U0LEARNER", hours }),
    });
    return { status: res.status, body: (await res.json()) as { now: string; error?: string } };
  };

  beforeAll(async () => {
    t = await createTestDatabase("play_lock_api");
    app = await start(t, { playground: "auto" });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await t?.drop();
  });

  it("refuses bodies over its limits with a friendly 413, and goes on answering", async () => {
    const big = await post(api("command"), {
      body: JSON.stringify({ user: "U0LEARNER", text: "x".repeat(100_000) }),
    });
    expect(big).toEqual({
      status: 413,
      body: { error: "That request is too large for the playground." },
    });
    const streamed = await post(api("command"), { chunked: 200_000 });
    expect(streamed.status).toBe(413);
    // Refused on the declared length, before 15 MB are read.
    const file = await post(api("file"), { declared: 15_000_000 });
    expect(file).toEqual({
      status: 413,
      body: { error: "That file is too large for the playground (at most 10 MB)." },
    });
    const standin = await post(`${app.http!.url}/playground/slack/api/chat.postMessage`, {
      declared: 40_000_000,
    });
    expect(standin).toEqual({ status: 413, body: { ok: false, error: "request_too_large" } });

    const help = await post(api("command"), {
      body: JSON.stringify({ user: "U0LEARNER", text: "/learn help" }),
    });
    expect(help).toEqual({ status: 200, body: { status: 200 } });
  });

  it("moves its clock only while the database holds nothing but its own workspace", async () => {
    const before = app.clock.now().getTime();
    const moved = await moveClock(24);
    expect(moved.status).toBe(200);
    expect(new Date(moved.body.now).getTime() - before).toBeGreaterThanOrEqual(24 * 3_600_000);

    // A real Teams tenant's data in the same database: its people must not see the clock move.
    const tenant = await t.db
      .insertInto("workspaces")
      .values({ platform: "teams", external_id: "tenant-real", name: "Contoso" })
      .returning("id")
      .executeTakeFirstOrThrow();
    try {
      const held = app.clock.now().getTime();
      const refused = await moveClock(24);
      expect(refused.status).toBe(409);
      expect(refused.body.error).toContain("nothing but the playground's own workspace");
      expect(app.clock.now().getTime() - held).toBeLessThan(3_600_000);
    } finally {
      await t.db.deleteFrom("workspaces").where("id", "=", tenant.id).execute();
    }
    expect((await moveClock(1)).status).toBe(200);
  });
});
