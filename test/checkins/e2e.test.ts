import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../../bin/app.ts";
import { createLogger } from "../../src/log.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { testConfig } from "../support/app.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import {
  blockActionsPayload,
  interactionBody,
  sign,
  slashCommandBody,
} from "../support/slack-signing.ts";

describe("a check-in button click through the real service", () => {
  let t: TestDatabase;
  let fake: FakeSlack;
  let app: RunningApp;
  const clock = new ManualClock("2026-11-30T09:00:00Z");

  beforeAll(async () => {
    t = await createTestDatabase("checkin_e2e");
    fake = await startFakeSlack();
    fake.addUser({ id: "U0ALICE", name: "alice", real_name: "Alice", tz: "Europe/Berlin" });
    app = await startApp({
      config: testConfig({ schema: t.schema, slackApiUrl: fake.apiUrl }),
      logger: createLogger("silent"),
      role: "all",
      clock,
    });
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
    await t?.drop();
  });

  const post = (body: string) =>
    fetch(`${app.http!.url}/slack/events`, { method: "POST", ...sign(body) });

  it("logs the hours and updates the check-in message in place", async () => {
    const responseUrl = fake.responseUrl();
    await post(slashCommandBody({ text: "goal Learn Rust 3h/week", responseUrl }));
    await fake.waitFor((c) => c.method === "response_url" && responseUrl.endsWith(c.path));
    const goal = await t.db.selectFrom("goals").select("id").executeTakeFirstOrThrow();

    const res = await post(
      interactionBody(
        blockActionsPayload({
          actionId: "checkin.log",
          value: JSON.stringify({ g: goal.id, h: 2, k: "checkin:1:2026-11-30:10:00" }),
          channelId: "D0ALICE",
          messageTs: "1700000000.000042",
          responseUrl: fake.responseUrl(),
        }),
      ),
    );
    expect(res.status).toBe(200);
    const update = await fake.waitFor((c) => c.method === "chat.update");
    expect(update.body).toMatchObject({ channel: "D0ALICE", ts: "1700000000.000042" });
    const shown = JSON.stringify(update.body.blocks);
    expect(shown).toContain("Logged 2 h on");
    expect(shown).toContain("Log 30 min");
    const logged = await t.db.selectFrom("progress_events").select("hours").execute();
    expect(logged).toEqual([{ hours: 2 }]);
  });
});
