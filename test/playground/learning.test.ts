import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../../bin/app.ts";
import { createLogger } from "../../src/log.ts";
import { OffsetClock } from "../../src/time/clock.ts";
import { testConfig } from "../support/app.ts";
import { runningFrom } from "../support/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

const ADA = "U0LEARNER";
const GPM = "Google Project Management Certificate";

/**
 * Learning flowing in with nothing set up: the playground's pretend Credly profile and its
 * xAPI statement form, through a whole running service (Slack adapter, core, jobs, /xapi).
 */
describe("playground: learning that reports itself", () => {
  let t: TestDatabase;
  let app: RunningApp;
  let base = "";

  async function call(route: string, body: Record<string, unknown>) {
    const res = await fetch(`${base}/playground/api/${route}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: ADA, ...body }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** The text of every message in Ada's DM, oldest first. */
  async function dm(): Promise<string[]> {
    const res = await fetch(`${base}/playground/api/state?user=${ADA}`);
    const state = (await res.json()) as {
      channels: { isIm: boolean; messages: { text?: string; blocks?: unknown[] }[] }[];
    };
    const channel = state.channels.find((c) => c.isIm);
    return (channel?.messages ?? []).map(
      (m) => `${m.text ?? ""} ${JSON.stringify(m.blocks ?? [])}`,
    );
  }

  async function until(probe: () => Promise<boolean>, ms = 20_000) {
    const end = Date.now() + ms;
    while (!(await probe())) {
      if (Date.now() > end) throw new Error("timed out waiting");
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    t = await createTestDatabase("playground_learning");
    app = await startApp({
      config: { ...testConfig({ schema: t.schema }), playground: "auto" },
      logger: createLogger("silent"),
      role: "all",
      clock: new OffsetClock(runningFrom("2026-05-19T10:00:00Z")),
    });
    base = app.http!.url;
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await t?.drop();
  });

  it("sends statements from the form to /xapi: progress counts, a completion is told in the DM", async () => {
    expect((await call("command", { text: `goal ${GPM} 5h/week` })).status).toBe(200);
    // Slack commands are acked first and carried out after.
    let goals: { id: number; title: string }[] = [];
    await until(async () => {
      const about = await call("learning", {});
      goals = (about.body.xapi as { goals: typeof goals }).goals;
      return goals.length > 0;
    });
    expect(goals.map((g) => g.title)).toEqual([GPM]);
    const goal = goals[0]!.id;

    const bad = await call("learning/xapi", { verb: "progressed", goal, minutes: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain("minutes");

    const sent = await call("learning/xapi", { verb: "progressed", goal, minutes: 90 });
    expect(sent.status).toBe(200);
    expect(sent.body.status).toBe(200);
    expect(sent.body.sent).toMatchObject({
      actor: { mbox: "mailto:ada@example.test" },
      result: { duration: "PT90M" },
    });
    await call("command", { text: "goals" });
    await until(async () => (await dm()).some((m) => m.includes("1.5 h of")));

    const done = await call("learning/xapi", { verb: "completed", goal });
    expect(done.body.status).toBe(200);
    await until(async () =>
      (await dm()).some((m) => m.includes(`Playground LMS reports that you completed`)),
    );
  });

  it("connects the pretend Credly profile: its catalog badge completes the goal, the other is offered", async () => {
    await call("command", { text: `goal ${GPM}` });
    const about = await call("learning", {});
    expect(about.body.credly).toMatchObject({ profile: "ada-lovelace" });
    expect((await call("command", { text: "connect credly ada-lovelace" })).status).toBe(200);
    await until(async () => (await dm()).some((m) => m.includes("Narwhal Knitting Fundamentals")));
    const completion = await t.db
      .selectFrom("completions")
      .innerJoin("goals", "goals.id", "completions.goal_id")
      .where("completions.evidence_url", "like", "%/playground/credly/badges/pg-gpm")
      .select(["goals.title", "goals.status"])
      .executeTakeFirst();
    expect(completion).toEqual({ title: GPM, status: "completed" });
  });
});
