import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/time/clock.ts";
import { type SlackService, startSlackService } from "../slack/harness.ts";
import {
  blockActionsPayload,
  interactionBody,
  slashCommandBody,
} from "../support/slack-signing.ts";

/** Plain text of Block Kit blocks as a person would read them. */
function readBlocks(blocks: unknown): string {
  return JSON.stringify(blocks)
    .match(/"text":"((?:[^"\\]|\\.)*)"/g)!
    .map((m) => JSON.parse(m.slice(7)) as string)
    .join("\n")
    .replace(/\u200b/g, "");
}

describe("Slack end to end: the real service, Bolt over HTTP, PostgreSQL, Redis and a fake Slack", () => {
  let h: SlackService;
  const clock = new ManualClock("2026-11-30T09:00:00Z");

  beforeAll(async () => {
    h = await startSlackService({ label: "e2e_slack", clock });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function learn(text: string): Promise<string> {
    const reply = await h.command(text);
    expect(reply.body.response_type).toBe("ephemeral");
    return readBlocks(reply.body.blocks);
  }

  it("answers health and readiness", async () => {
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.url}/readyz`);
    expect(await ready.json()).toEqual({
      status: "ready",
      checks: { database: true, queue: true },
    });
  });

  it("sets a goal, logs 2 h, and lists it with pace and projected finish", async () => {
    expect(await learn("goal Google Project Management Certificate by March 31 5h/week")).toContain(
      "Google Project Management Certificate",
    );
    expect(await learn("log 2")).toContain("Logged 2 h on");
    const goals = await learn("goals");
    expect(goals).toContain("2 h of 140 h");
    expect(goals).toContain("▱▱▱▱▱▱▱▱▱▱ 2 h of 140 h, 1%");
    expect(goals).toContain("2 h ahead of plan · pace 2 h/week");
    expect(goals).toContain("finishes 27 Mar 2028 at this pace");

    const user = await h.db.selectFrom("users").selectAll().executeTakeFirstOrThrow();
    expect(user).toMatchObject({
      display_name: "Alice Liddell",
      email: "alice@example.test",
      time_zone: "Europe/Berlin",
    });
  });

  it("logs an hour from a button click and updates the message in place", async () => {
    const goal = await h.db.selectFrom("goals").select("id").executeTakeFirstOrThrow();
    const responseUrl = h.fake.responseUrl();
    const res = await h.post(
      interactionBody(
        blockActionsPayload({
          actionId: "goal.log",
          value: JSON.stringify({ g: goal.id, h: 1 }),
          responseUrl,
          ephemeral: true,
        }),
      ),
    );
    expect(res.status).toBe(200);
    const reply = await h.fake.waitFor(
      (c) => c.method === "response_url" && responseUrl.endsWith(c.path),
    );
    expect(reply.body.replace_original).toBe(true);
    expect(readBlocks(reply.body.blocks)).toContain("3 h of 140 h");
  });

  it("refuses a badly signed request and changes nothing", async () => {
    const before = await h.db.selectFrom("progress_events").select("id").execute();
    const body = slashCommandBody({ text: "log 5", responseUrl: h.fake.responseUrl() });
    const res = await h.post(body, { secret: "wrong" });
    expect(res.status).toBe(401);
    expect(await h.db.selectFrom("progress_events").select("id").execute()).toHaveLength(
      before.length,
    );
  });

  it("escapes what the user typed so it cannot mention anyone", async () => {
    const text = await learn("goal <!channel> *ping* everyone in 4 weeks 2h/week");
    expect(text).toContain("&lt;!channel&gt;");
    expect(text).not.toContain("<!channel>");
  });
});
