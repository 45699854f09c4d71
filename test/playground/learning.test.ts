import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "../support/db.ts";
import { type PageApi, type PlaygroundService, startPlaygroundService } from "./support.ts";

const ADA = "U0LEARNER";
const GPM = "Google Project Management Certificate";

/**
 * Learning flowing in with nothing set up: the playground's pretend Credly profile and its
 * xAPI statement form, through a whole running service (Slack adapter, core, jobs, /xapi).
 */
describe("playground: learning that reports itself", () => {
  let playground: PlaygroundService;
  let t: TestDatabase;
  let base = "";

  const call: PageApi = (route, body) => playground.api(route, { user: ADA, ...body });

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
    playground = await startPlaygroundService("playground_learning", "2026-05-19T10:00:00Z");
    ({ t, base } = playground);
  }, 120_000);
  afterAll(async () => {
    await playground?.stop();
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
