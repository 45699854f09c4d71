import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommandThread } from "../../bin/command-thread.ts";
import { type ConfigError, loadConfig } from "../../src/config.ts";
import { sorryMessage } from "../../src/messages/unavailable.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { TEST_DATABASE_URL } from "../support/db.ts";
import { slashCommandBody } from "../support/slack-signing.ts";
import { type SlackService, startSlackService } from "./harness.ts";

/** Waits until `check` holds, polling; fails after `ms`. */
async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const text = (call: { body: Record<string, unknown> }) => JSON.stringify(call.body);

async function commandsCounted(url: string, verb: string): Promise<number> {
  const body = await (await fetch(`${url}/metrics`)).text();
  const line = body
    .split("\n")
    .find((l) => l.startsWith(`stackup_commands_total{verb="${verb}",outcome="ok"}`));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

describe("the command thread: slash commands answered off the acks' event loop", () => {
  let h: SlackService;
  let thread: CommandThread;

  beforeAll(async () => {
    h = await startSlackService({ label: "command_thread", config: { commandThread: "on" } });
    thread = h.app.commandThread!;
    await until(() => thread.isReady, "the command thread to be ready");
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it("answers commands there, with the person's profile read through the thread's Web API client", async () => {
    const before = thread.stats().handed;
    const counted = await commandsCounted(h.url, "goals");
    const set = await h.command("goal Google Data Analytics Certificate by June 30 4h/week");
    expect(text(set)).toContain("Google Data Analytics");
    const goals = await h.command("goals");
    expect(text(goals)).toContain("Google Data Analytics");
    expect(thread.stats().handed).toBe(before + 2);

    const user = await h.db.selectFrom("users").selectAll().executeTakeFirstOrThrow();
    expect(user).toMatchObject({ display_name: "Alice Liddell", time_zone: "Europe/Berlin" });
    const info = h.fake.callsTo("users.info");
    expect(info.length).toBeGreaterThan(0);
    expect(info.at(-1)!.authorization).toBe("Bearer xoxb-e2e-token-never-logged");
    // The thread's counts and its database pool reach the main thread's /metrics.
    await until(() => thread.stats().inFlight === 0, "the thread to report its work done");
    expect(await commandsCounted(h.url, "goals")).toBe(counted + 1);
    expect(thread.stats().pool.totalCount).toBeGreaterThan(0);
    // Either pool may open or close a connection meanwhile: the sum is compared until it holds.
    let pooled = -1;
    let expected = 0;
    for (let i = 0; i < 50 && pooled !== expected; i++) {
      const body = await (await fetch(`${h.url}/metrics`)).text();
      pooled = Number(/stackup_db_pool_connections\{state="total"\} (\d+)/.exec(body)?.[1]);
      expected = h.app.database.pool.totalCount + thread.stats().pool.totalCount;
      if (pooled !== expected) await new Promise((r) => setTimeout(r, 50));
    }
    expect(pooled).toBe(expected);
  });

  it("apologises for a command lost with a thread that died, answers on the main thread meanwhile, and comes back", async () => {
    // Hold the next command inside the thread: its first query waits on this lock.
    const locker = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await locker.connect();
    try {
      await locker.query("begin");
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(
        h.db,
      );
      await locker.query(`lock table "${rows[0]!.schema}".users in access exclusive mode`);
      const responseUrl = h.fake.responseUrl();
      const handed = thread.stats().handed;
      const ack = await h.post(slashCommandBody({ text: "goals", responseUrl }));
      expect(ack.status).toBe(200);
      await until(() => thread.stats().handed === handed + 1, "the command to be handed off");
      expect(thread.stats().inFlight).toBe(1);

      await thread.kill();
      const apology = await h.fake.waitFor(
        (c) => c.method === "response_url" && responseUrl.endsWith(c.path),
      );
      expect(text(apology)).toContain(sorryMessage().summary);
      expect(thread.isReady).toBe(false);
      expect(thread.stats()).toMatchObject({ inFlight: 0, restarts: 1 });
    } finally {
      await locker.query("rollback").catch(() => undefined);
      await locker.end();
    }

    // Until the thread is back, the main thread answers.
    const meanwhile = thread.stats().handed;
    const answered = await h.command("goals");
    expect(text(answered)).toContain("Google Data Analytics");
    if (!thread.isReady) expect(thread.stats().handed).toBe(meanwhile);

    await until(() => thread.isReady, "the command thread to be back");
    const back = thread.stats().handed;
    expect(text(await h.command("goals"))).toContain("Google Data Analytics");
    expect(thread.stats().handed).toBe(back + 1);
  }, 60_000);
});

describe("when there is a command thread", () => {
  it("COMMAND_THREAD is on unless set off, and says which values it takes", () => {
    expect(loadConfig({}).commandThread).toBe("on");
    expect(loadConfig({ COMMAND_THREAD: "OFF" }).commandThread).toBe("off");
    let error: unknown;
    try {
      loadConfig({ COMMAND_THREAD: "yes" });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems).toContain('COMMAND_THREAD must be "on" or "off".');
  });

  it("is not started on a clock the service moves, which a thread would not follow", async () => {
    const clock = new ManualClock("2026-11-30T09:00:00Z");
    const h = await startSlackService({
      label: "command_thread_clock",
      clock,
      config: { commandThread: "on" },
    });
    try {
      expect(h.app.commandThread).toBeUndefined();
      expect(JSON.stringify((await h.command("goals")).body)).toContain("goal");
    } finally {
      await h.close();
    }
  });
});
