import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../../bin/app.ts";
import { createLogger } from "../../src/log.ts";
import { OffsetClock } from "../../src/time/clock.ts";
import { testConfig } from "../support/app.ts";
import { runningFrom } from "../support/clock.ts";

/**
 * The playground as a newcomer starts it: no DATABASE_URL and no REDIS_URL, so the data and the
 * queues both live in embedded PostgreSQL.
 */
describe("playground on the zero-config default", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "stackup-playground-"));
  let app: RunningApp;
  const api = async (route: string, body: Record<string, unknown>) => {
    const res = await fetch(`${app.http!.url}/playground/api/${route}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const channel = async (user: string, name: string | RegExp) => {
    const res = await fetch(`${app.http!.url}/playground/api/state?user=${user}`);
    const state = (await res.json()) as {
      channels: { name: string; messages: { text: string; blocks: unknown[] }[] }[];
    };
    return state.channels.find((c) => c.name.match(name))?.messages ?? [];
  };
  const dm = async (user: string) => JSON.stringify(await channel(user, /DM/));

  beforeAll(async () => {
    app = await startApp({
      config: {
        ...testConfig({ schema: "unused" }),
        databaseSchema: undefined,
        databaseUrl: undefined,
        redisUrl: undefined,
        dataDir: dir,
        playground: "auto",
      },
      logger: createLogger("silent"),
      role: "all",
      // A Wednesday mid-quarter: the seeded weeks fall in this quarter and Monday is ahead.
      clock: new OffsetClock(runningFrom("2026-05-13T10:00:00Z")),
    });
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("queues on PostgreSQL, and the Monday digests and check-in appear within seconds of the clock moving", async () => {
    expect(app.queues.backend.kind).toBe("postgres");
    expect((await api("demo", {})).body).toMatchObject({ created: true });
    await api("command", {
      user: "U0LEARNER",
      text: "/learn goal Cloud Basics by August 31 5h/week",
    });
    await api("command", { user: "U0LEARNER", text: "/learn checkins mon 09:00" });
    await expect.poll(() => dm("U0LEARNER")).toContain("Check-in settings saved");
    // Let the workers settle into their blocking wait, as they would between clicks.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const moved = await api("clock", { user: "U0LEARNER", to: "next-monday-0900" });
    expect(moved.status).toBe(200);
    const started = Date.now();
    // The workers' idle wait is minutes long; 20 s is ample for work that is woken at once.
    await expect
      .poll(async () => (await channel("U0ADMIN", "#data")).length, {
        timeout: 20_000,
        interval: 250,
      })
      .toBe(1);
    await expect
      .poll(() => dm("U0LEARNER"), { timeout: 20_000, interval: 250 })
      .toContain("Time for a quick check-in");
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);
});
