import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/time/clock.ts";
import type { ConnectorCall } from "../support/fake-connector.ts";
import {
  activity,
  BOT,
  CHANNEL_ID,
  cardOf,
  readCard,
  submitActions,
  TENANT,
} from "./activities.ts";
import { rosterEntry, startTeamsService, type TeamsService } from "./harness.ts";

const BOB = {
  id: "29:1bob-teams-id",
  aadObjectId: "00000000-0000-4000-8000-0000000000b0",
  name: "Bob Builder",
};
/** The personal chat Teams opens when the app is installed for Bob. */
const BOB_CHAT = "a:1personal-bob";

describe("Teams check-ins end to end: install, scheduler, composer, ledger, messenger, fake Bot Connector", () => {
  let h: TeamsService;
  // Monday 30 Nov 2026, 09:00 in Berlin: an hour before the default Monday 10:00 check-in.
  const clock = new ManualClock("2026-11-30T08:00:00Z");

  beforeAll(async () => {
    h = await startTeamsService({
      label: "teams_checkins",
      members: [rosterEntry(BOB, "bob@example.test")],
      role: "all",
      clock,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const from = { from: { ...BOB } };
  const toBob = (c: ConnectorCall) => c.operation === "send" && c.conversationId === BOB_CHAT;

  it("keeps the personal chat of a person the app is installed for, before they write", async () => {
    // An admin's setup policy installs the app: Teams tells the bot in the person's personal scope.
    const calls = await h.exchange(
      activity(h.fake.serviceUrl, {
        ...from,
        type: "installationUpdate",
        action: "add",
        conversation: { id: BOB_CHAT, conversationType: "personal" },
        entities: [],
      }),
    );
    expect(calls).toEqual([]);
    const kept = await sql<{ key: string; conversation: string }>`
      select key, reference->'conversation'->>'id' as conversation
      from teams_conversation_references where kind = 'personal'
    `.execute(h.db);
    expect(kept.rows).toEqual([{ key: BOB.aadObjectId, conversation: BOB_CHAT }]);
    // Nobody is signed up by an install alone.
    expect(await h.db.selectFrom("users").select("id").execute()).toEqual([]);
  });

  it("answers a goal set in a channel in that stored chat, opening none", async () => {
    const at = `<at>${BOT.name}</at>`;
    const calls = await h.exchange(
      activity(h.fake.serviceUrl, {
        ...from,
        text: `${at} learn goal Learn Rust 3h/week`,
        conversation: { id: `${CHANNEL_ID};messageid=5`, conversationType: "channel" },
        entities: [
          { type: "mention", text: at, mentioned: { id: BOT.id, name: BOT.name } },
          { type: "clientInfo", locale: "en-US", timezone: "Europe/Berlin" },
        ],
        channelData: {
          tenant: { id: TENANT },
          team: { id: CHANNEL_ID },
          channel: { id: CHANNEL_ID },
        },
      }),
    );
    expect(calls.map((c) => [c.operation, c.conversationId])).toEqual([
      ["send", BOB_CHAT],
      ["reply", `${CHANNEL_ID};messageid=5`],
    ]);
    expect(readCard(cardOf(calls[0]!.body))).toContain("Learn Rust");
  });

  it("sends the scheduled check-in to the personal chat once, and a click logs the hours", async () => {
    const before = h.fake.calls.length;
    const sentSince = () => h.fake.calls.slice(before).filter(toBob);
    clock.set("2026-11-30T09:00:30Z");
    await h.app.jobs!.runDue!();
    const checkin = await h.fake.waitFor(
      (c) => toBob(c) && h.fake.calls.indexOf(c) >= before,
      15_000,
    );
    const card = cardOf(checkin.body);
    expect(readCard(card)).toContain("Learn Rust");
    expect(submitActions(card).map((a) => a.data?.stackup?.a)).toContain("checkin.log");
    // The ledger records the post once the connector has answered.
    const recorded = () =>
      h.db
        .selectFrom("checkin_deliveries")
        .select(["status", "message_ref", "kind"])
        .executeTakeFirstOrThrow();
    let delivery = await recorded();
    for (let i = 0; i < 100 && delivery.status !== "sent"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      delivery = await recorded();
    }
    expect(delivery).toMatchObject({ status: "sent", kind: "checkin" });
    // The ref names the chat and the activity Teams gave the post, so the card can be updated.
    const ref = JSON.parse(delivery.message_ref!) as { c: string; a: string };
    expect(ref.c).toBe(BOB_CHAT);
    const sentId = ref.a;

    // The ledger holds it: the next tick sends nothing more.
    await h.app.jobs!.runDue!();
    await new Promise((r) => setTimeout(r, 500));
    expect(sentSince()).toHaveLength(1);

    const log = submitActions(card).find((a) => a.data?.stackup?.a === "checkin.log");
    expect(log).toBeDefined();
    const clicked = await h.exchange(
      activity(h.fake.serviceUrl, {
        ...from,
        conversation: { id: BOB_CHAT, conversationType: "personal" },
        replyToId: sentId,
        value: log!.data,
      }),
    );
    expect(clicked.map((c) => [c.operation, c.conversationId, c.activityId])).toEqual([
      ["update", BOB_CHAT, sentId],
    ]);
    expect(readCard(cardOf(clicked[0]!.body))).toContain("Logged");
    const logged = await h.db.selectFrom("progress_events").select("hours").execute();
    expect(logged).toHaveLength(1);
    expect(logged[0]!.hours).toBeGreaterThan(0);
  });
});
