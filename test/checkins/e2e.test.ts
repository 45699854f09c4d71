import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/time/clock.ts";
import { type SlackService, startSlackService } from "../slack/harness.ts";
import { blockActionsPayload, interactionBody } from "../support/slack-signing.ts";

describe("a check-in button click through the real service", () => {
  let h: SlackService;
  const clock = new ManualClock("2026-11-30T09:00:00Z");

  beforeAll(async () => {
    h = await startSlackService({ label: "checkin_e2e", clock });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("logs the hours and updates the check-in message in place", async () => {
    await h.command("goal Learn Rust 3h/week");
    const goal = await h.db.selectFrom("goals").select("id").executeTakeFirstOrThrow();

    const res = await h.post(
      interactionBody(
        blockActionsPayload({
          actionId: "checkin.log",
          value: JSON.stringify({ g: goal.id, h: 2, k: "checkin:1:2026-11-30:10:00" }),
          channelId: "D0ALICE",
          messageTs: "1700000000.000042",
          responseUrl: h.fake.responseUrl(),
        }),
      ),
    );
    expect(res.status).toBe(200);
    const update = await h.fake.waitFor((c) => c.method === "chat.update");
    expect(update.body).toMatchObject({ channel: "D0ALICE", ts: "1700000000.000042" });
    const shown = JSON.stringify(update.body.blocks);
    expect(shown).toContain("Logged 2 h on");
    expect(shown).toContain("Log 30 min");
    const logged = await h.db.selectFrom("progress_events").select("hours").execute();
    expect(logged).toEqual([{ hours: 2 }]);
  });
});
