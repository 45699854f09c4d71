import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeamsApp, type TeamsApp } from "../../adapters/teams/app.ts";
import { ConversationReferenceStore } from "../../adapters/teams/references.ts";
import type { Core } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import { createLogger } from "../../src/log.ts";
import type { Message } from "../../src/messages/model.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import {
  type ConnectorCall,
  type FakeConnector,
  startFakeConnector,
} from "../support/fake-connector.ts";
import {
  ALICE,
  activity,
  BOT,
  CHANNEL_ID,
  cardOf,
  channelMessage,
  readCard,
  TENANT,
  unauthenticatedTeams,
} from "./activities.ts";

const BOB = {
  id: "29:1bob-teams-id",
  aadObjectId: "00000000-0000-4000-8000-000000000b0b",
  name: "Bob Lindqvist",
};
const CAROL = {
  id: "29:1carol-teams-id",
  aadObjectId: "00000000-0000-4000-8000-00000000ca01",
  name: "Carol Oyelaran",
};
const THREAD = `${CHANNEL_ID};messageid=1700000000000`;
const HIS_GOAL = "Narwhal knitting";
const HER_GOAL = "Secret garden design";

/** The one public answer: no command answers publicly yet, so the test's core adds one. */
const CHEER: Message = {
  summary: "Three cheers for the team!",
  blocks: [{ type: "text", text: ["Three cheers for the team!"] }],
};

describe("private answers asked in a Teams channel: CloudAdapter over HTTP and a fake Bot Connector", () => {
  let t: TestDatabase;
  let fake: FakeConnector;
  let teams: TeamsApp;
  let server: Server;
  let url: string;
  const logs: string[] = [];

  beforeAll(async () => {
    t = await createTestDatabase("teams_private");
    fake = await startFakeConnector();
    for (const person of [ALICE, BOB, CAROL]) fake.addMember({ ...person, tenantId: TENANT });
    // Alice is an admin: her report covers everyone, Bob included.
    const real = createCore({
      db: t.db,
      clock: new ManualClock("2026-11-30T09:00:00Z"),
      admins: [ALICE.aadObjectId],
    });
    const core: Core = {
      ...real,
      command: async (actor, text) =>
        text === "cheer"
          ? { kind: "message", visibility: "public", message: CHEER }
          : real.command(actor, text),
    };
    teams = createTeamsApp({
      core,
      db: t.db,
      config: { teams: unauthenticatedTeams },
      logger: createLogger("debug", { write: (line: string) => void logs.push(line) }),
    });
    server = createServer((req, res) =>
      teams.handle(req, res, () => {
        res.statusCode = 404;
        res.end();
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;

    // Bob has a goal and two hours on it, from his own personal chat.
    for (const text of [`goal ${HIS_GOAL} by 2027-03-31 2h/week`, "log 2"]) {
      const calls = await exchange(
        activity(fake.serviceUrl, { text, from: { ...BOB }, conversation: { id: "a:1bob" } }),
      );
      expect(calls.map((c) => [c.operation, c.conversationId])).toEqual([["reply", "a:1bob"]]);
    }
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await fake?.close();
    await t?.drop();
  });

  /** Posts an activity, expects 200, and returns the connector calls of its turn but look-ups. */
  async function exchange(body: Record<string, unknown>): Promise<ConnectorCall[]> {
    const before = fake.calls.length;
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    return fake.calls.slice(before).filter((c) => c.operation !== "getMember");
  }

  const inChannel = (text: string, from: { id: string; aadObjectId: string; name: string }) =>
    exchange({ ...channelMessage(fake.serviceUrl, text), from: { ...from } });
  /** What people in the conversation see of a post (the envelope also names its addressee). */
  const shown = ({ body }: ConnectorCall) =>
    JSON.stringify([body.text, body.summary, body.attachments]);
  const steps = (calls: ConnectorCall[]) => calls.map((c) => [c.operation, c.conversationId]);
  const personalReference = (aadObjectId: string) =>
    new ConversationReferenceStore(t.db).find({
      tenantId: TENANT,
      kind: "personal",
      key: aadObjectId,
    });

  it("tells the channel kindly to open a personal chat when Teams refuses one, and shows nothing private there", async () => {
    fake.failNext("createConversation", { status: 403 }, 4);
    const asked = [`goal ${HER_GOAL} by 2027-03-31 2h/week`, "goals", "report", "settings"];
    const answers: ConnectorCall[] = [];
    for (const text of asked) {
      const calls = await inChannel(text, ALICE);
      // Asked to open the chat, refused, and only the note in the channel.
      expect(steps(calls)).toEqual([
        ["createConversation", undefined],
        ["reply", THREAD],
      ]);
      answers.push(calls[1]!);
    }
    for (const answer of answers) {
      const text = readCard(cardOf(answer.body));
      expect(text).toContain("only in our personal chat");
      expect(text).toContain("Select my name and choose **Chat**, then ask me again there.");
      for (const secret of [HER_GOAL, HIS_GOAL, BOB.name, ALICE.name, "Report", "2 h"]) {
        expect(shown(answer)).not.toContain(secret);
      }
      // Not the settings form either: nothing to fill in.
      expect(shown(answer)).not.toContain("Input.");
    }
    expect(fake.callsTo("send")).toEqual([]);
    expect(await personalReference(ALICE.aadObjectId)).toBeUndefined();

    const failures = logs.filter((line) => line.includes("Could not open a Teams personal chat"));
    expect(failures).toHaveLength(asked.length);
    expect(JSON.parse(failures[0]!)).toMatchObject({ level: 40, err: { statusCode: 403 } });
    for (const secret of [HER_GOAL, "authorization", "Bearer"]) {
      expect(failures.join("\n")).not.toContain(secret);
    }
  });

  it("opens a personal chat for a private answer asked in a channel, keeps it, and goes straight there next time", async () => {
    const report = await inChannel("report", ALICE);
    expect(steps(report).map(([operation]) => operation)).toEqual([
      "createConversation",
      "send",
      "reply",
    ]);
    const [create, sent, note] = report as [ConnectorCall, ConnectorCall, ConnectorCall];
    expect(create.body).toMatchObject({
      isGroup: false,
      bot: { id: BOT.id },
      members: [{ id: ALICE.id }],
      tenantId: TENANT,
      channelData: { tenant: { id: TENANT } },
    });
    // The report went to the new chat, not the channel; the channel only hears that it did.
    const chat = sent.conversationId!;
    expect([THREAD, CHANNEL_ID]).not.toContain(chat);
    expect(readCard(cardOf(sent.body))).toContain(BOB.name);
    expect(note.conversationId).toBe(THREAD);
    expect(readCard(cardOf(note.body))).toBe("I've sent you the answer in our personal chat.");
    expect(shown(note)).not.toContain(BOB.name);

    // Stored as a personal chat, as when she writes to the bot there.
    expect(await personalReference(ALICE.aadObjectId)).toMatchObject({
      channelId: "msteams",
      serviceUrl: fake.serviceUrl,
      conversation: { id: chat, conversationType: "personal", tenantId: TENANT },
      user: { id: ALICE.id, aadObjectId: ALICE.aadObjectId },
      bot: { id: BOT.id },
    });

    const goals = await inChannel("goals", ALICE);
    expect(steps(goals)).toEqual([
      ["send", chat],
      ["reply", THREAD],
    ]);
    expect(readCard(cardOf(goals[0]!.body))).toContain(HER_GOAL);
    expect(shown(goals[1]!)).not.toContain(HER_GOAL);

    // Check-ins reach her there too.
    const user = await t.db
      .selectFrom("users")
      .where("platform_user_id", "=", ALICE.aadObjectId)
      .select("id")
      .executeTakeFirstOrThrow();
    const before = fake.calls.length;
    await teams.messenger.send(
      { kind: "user", userId: user.id },
      { summary: "Check-in", blocks: [{ type: "text", text: ["How did it go?"] }] },
    );
    expect(steps(fake.calls.slice(before))).toEqual([["send", chat]]);
  });

  it("sends a form asked for in a channel to the personal chat, not to everyone", async () => {
    const chat = (await personalReference(ALICE.aadObjectId))!.conversation!.id;
    const calls = await inChannel("settings", ALICE);
    expect(steps(calls)).toEqual([
      ["send", chat],
      ["reply", THREAD],
    ]);
    expect(shown(calls[0]!)).toContain("Input.");
    expect(shown(calls[1]!)).not.toContain("Input.");
    expect(readCard(cardOf(calls[1]!.body))).toContain("personal chat");
  });

  it("answers in a group chat as in a channel: the private part goes to the personal chat", async () => {
    const chat = (await personalReference(ALICE.aadObjectId))!.conversation!.id;
    const group = "19:group-chat-1@thread.v2";
    const calls = await exchange({
      ...channelMessage(fake.serviceUrl, "settings"),
      from: { ...ALICE },
      conversation: { id: group, conversationType: "groupChat", isGroup: true, tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
    });
    expect(steps(calls)).toEqual([
      ["send", chat],
      ["reply", group],
    ]);
    expect(shown(calls[0]!)).toContain("Input.");
    expect(shown(calls[1]!)).not.toContain("Input.");
  });

  it("answers a click on a card in a channel in the personal chat, leaving the card as it is", async () => {
    const chat = (await personalReference(ALICE.aadObjectId))!.conversation!.id;
    const calls = await exchange({
      ...channelMessage(fake.serviceUrl, ""),
      text: undefined,
      replyToId: "card-in-channel",
      value: { stackup: { a: "goals.show", v: "{}" } },
    });
    expect(steps(calls)).toEqual([
      ["send", chat],
      ["reply", THREAD],
    ]);
    expect(readCard(cardOf(calls[0]!.body))).toContain(HER_GOAL);
    expect(shown(calls[1]!)).not.toContain(HER_GOAL);
  });

  it("still posts a public answer in the channel, with no personal chat needed", async () => {
    const calls = await inChannel("cheer", CAROL);
    expect(steps(calls)).toEqual([["reply", THREAD]]);
    expect(readCard(cardOf(calls[0]!.body))).toBe("Three cheers for the team!");
    expect(await personalReference(CAROL.aadObjectId)).toBeUndefined();
  });
});
