import { type Activity, TestAdapter, type TurnContext } from "botbuilder";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StackupTeamsBot } from "../../adapters/teams/bot.ts";
import { commandText } from "../../adapters/teams/command.ts";
import { FileOfferStore } from "../../adapters/teams/file-offers.ts";
import { ConversationReferenceStore } from "../../adapters/teams/references.ts";
import { createCore } from "../../src/commands/router.ts";
import { createLogger } from "../../src/log.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { ALICE, BOT, cardOf, PERSONAL, readCard, TENANT } from "./activities.ts";

describe("reading the command from a Teams message", () => {
  const mention = (text: string, entities: unknown[] = []) =>
    commandText({ text, recipient: { id: BOT.id, name: BOT.name }, entities } as Partial<Activity>);
  const botMention = { type: "mention", text: "<at>Stackup</at>", mentioned: { id: BOT.id } };

  it.each([
    ["learn log 2", "log 2"],
    ["log 2", "log 2"],
    ["Learn goals", "goals"],
    ["/learn goals", "goals"],
    ["learn", ""],
    ["learner goals", "learner goals"],
    ["  learn   done Rust  ", "done Rust"],
  ])("reads %j as %j", (text, expected) => {
    expect(mention(text)).toBe(expected);
  });

  it("strips the bot's @mention wherever it is, but keeps other people's names", () => {
    expect(mention("<at>Stackup</at> learn log 2 with Bob", [botMention])).toBe("log 2 with Bob");
    expect(
      mention("<at>Stackup</at>&nbsp;goals", [
        botMention,
        { type: "mention", text: "<at>Bob</at>", mentioned: { id: "29:bob" } },
      ]),
    ).toBe("goals");
  });
});

/** TestAdapter that also keeps what the bot updated in place. */
class RecordingAdapter extends TestAdapter {
  readonly updates: Partial<Activity>[] = [];
  override async updateActivity(context: TurnContext, activity: Partial<Activity>) {
    this.updates.push(activity);
    return super.updateActivity(context, activity);
  }
}

describe("StackupTeamsBot with botbuilder's TestAdapter", () => {
  let t: TestDatabase;
  let adapter: RecordingAdapter;

  beforeAll(async () => {
    t = await createTestDatabase("teams_bot");
    const core = createCore({ db: t.db, clock: new ManualClock("2026-11-30T09:00:00Z") });
    const bot = new StackupTeamsBot({
      core,
      store: new ConversationReferenceStore(t.db),
      offers: new FileOfferStore(t.db),
      logger: createLogger("silent"),
      appId: "",
    });
    adapter = new RecordingAdapter(async (context) => bot.run(context), {
      channelId: "msteams",
      conversation: { ...PERSONAL, tenantId: TENANT, isGroup: false, name: "" },
      from: { ...ALICE },
      recipient: { ...BOT },
    });
  });
  afterAll(async () => {
    await t?.drop();
  });

  const from = { ...ALICE };
  const entities = [{ type: "clientInfo", timezone: "America/New_York" }];
  const text = (activity: Partial<Activity>) =>
    readCard(cardOf(activity as Record<string, unknown>));

  it("answers a typed command with a card", async () => {
    await adapter
      .send({
        type: "message",
        text: "learn goal AI for Everyone in 4 weeks 2h/week",
        from,
        entities,
      })
      .assertReply((reply) => {
        expect(reply.type).toBe("message");
        expect(text(reply)).toContain("AI for Everyone");
      });
  });

  it("created the person from the activity when the roster is out of reach", async () => {
    const user = await t.db.selectFrom("users").selectAll().executeTakeFirstOrThrow();
    expect(user).toMatchObject({
      platform_user_id: ALICE.aadObjectId,
      display_name: ALICE.name,
      email: null,
      time_zone: "America/New_York",
    });
  });

  it("logs hours without the leading learn and lists goals", async () => {
    await adapter
      .send({ type: "message", text: "log 1.5", from })
      .assertReply((reply) => expect(text(reply)).toContain("Logged 1.5 h on"))
      .send({ type: "message", text: "goals", from })
      .assertReply((reply) => expect(text(reply)).toContain("1.5 h of"));
  });

  it("gets the feature commands too: recommend, stack and check-in settings", async () => {
    await adapter
      .send({ type: "message", text: "learn recommend accountant", from })
      .assertReply((reply) => expect(text(reply)).toContain("Microsoft Power BI Data Analyst"))
      .send({ type: "message", text: "learn stack project manager", from })
      .assertReply((reply) =>
        expect(text(reply)).toContain("Google Project Management Certificate"),
      )
      .send({ type: "message", text: "learn checkins mon,thu 09:30", from })
      .assertReply((reply) => expect(text(reply)).toMatch(/Mon.*Thu.*09:30/));
  });

  it("answers a usage problem with the Teams command word", async () => {
    await adapter.send({ type: "message", text: "learn log lots", from }).assertReply((reply) => {
      expect(text(reply)).toContain("isn't a number of hours");
      expect(text(reply)).toContain("learn log");
      expect(text(reply)).not.toContain("/learn");
    });
  });

  it("updates the clicked card in place", async () => {
    const goal = await t.db.selectFrom("goals").select("id").executeTakeFirstOrThrow();
    const queued = adapter.activeQueue.length;
    await adapter.send({
      type: "message",
      from,
      replyToId: "card-1",
      value: { stackup: { a: "goal.log", v: JSON.stringify({ g: goal.id, h: 1 }) } },
    });
    expect(adapter.updates).toHaveLength(1);
    expect(adapter.updates[0]!.id).toBe("card-1");
    expect(text(adapter.updates[0]!)).toMatch(/Logged 1 h on|2\.5 h of/);
    // Nothing new was posted: the click changed the card it came from.
    expect(adapter.activeQueue.length).toBe(queued);
  });

  it("says who it can help when the sender has no AAD identity", async () => {
    const bot = new StackupTeamsBot({
      core: createCore({ db: t.db, clock: new ManualClock("2026-11-30T09:00:00Z") }),
      store: new ConversationReferenceStore(t.db),
      offers: new FileOfferStore(t.db),
      logger: createLogger("silent"),
      appId: "",
    });
    const guest = new TestAdapter(async (context) => bot.run(context), {
      channelId: "msteams",
      conversation: { ...PERSONAL, tenantId: TENANT, isGroup: false, name: "" },
      from: { id: "29:guest", name: "Guest" },
      recipient: { ...BOT },
    });
    const users = (await t.db.selectFrom("users").select("id").execute()).length;
    await guest
      .send({ type: "message", text: "goals" })
      .assertReply((reply) => expect(text(reply)).toContain("Microsoft 365 organisation"));
    expect(await t.db.selectFrom("users").select("id").execute()).toHaveLength(users);
  });

  it("welcomes a person who adds it, without signing them up yet", async () => {
    const bot = new StackupTeamsBot({
      core: createCore({ db: t.db, clock: new ManualClock("2026-11-30T09:00:00Z") }),
      store: new ConversationReferenceStore(t.db),
      offers: new FileOfferStore(t.db),
      logger: createLogger("silent"),
      appId: "",
    });
    const newcomer = { id: "29:newcomer", name: "Newcomer", aadObjectId: "aad-newcomer" };
    const fresh = new TestAdapter(async (context) => bot.run(context), {
      channelId: "msteams",
      conversation: {
        id: "a:newcomer",
        conversationType: "personal",
        tenantId: TENANT,
        isGroup: false,
        name: "",
      },
      from: newcomer,
      recipient: { ...BOT },
    });
    await fresh
      .send({ type: "conversationUpdate", membersAdded: [{ id: BOT.id, name: BOT.name }] })
      .assertReply((reply) => expect(text(reply)).toContain("Welcome to Stackup"));
    const users = await t.db.selectFrom("users").select("platform_user_id").execute();
    expect(users.map((u) => u.platform_user_id)).not.toContain("aad-newcomer");
    // …but the bot can now reach them proactively.
    const store = new ConversationReferenceStore(t.db);
    expect(
      await store.find({ tenantId: TENANT, kind: "personal", key: "aad-newcomer" }),
    ).toMatchObject({
      conversation: { id: "a:newcomer" },
    });
  });
});
