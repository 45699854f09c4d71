import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../../bin/app.ts";
import { channelId, TEAM } from "../../playground/teams/identity.ts";
import type { TestDatabase } from "../support/db.ts";
import { readCard, type SubmitAction, submitActions } from "../teams/activities.ts";
import { type PageApi, type PlaygroundService, startPlaygroundService } from "./support.ts";

interface Message {
  id: string;
  from: string;
  text: string;
  attachments: { contentType: string; content?: unknown; contentUrl?: string }[];
  updatedAt?: string;
}
interface Conversation {
  id: string;
  name: string;
  kind: string;
  messages: Message[];
}

const LEARNING = channelId("learning");
const cardText = (m: Message) =>
  readCard(m.attachments.filter((a) => a.contentType.includes("adaptive")).map((a) => a.content));

/**
 * The Teams view's server side: the page's calls become Bot Framework activities posted to the
 * real /api/messages, and the bot's replies, proactive messages and card updates come back
 * through the Bot Connector stand-in, on PostgreSQL and the job workers of a running service.
 */
describe("playground Teams view", () => {
  let playground: PlaygroundService;
  let t: TestDatabase;
  let app: RunningApp;
  const api: PageApi = (route, body) => playground.api(route, body);
  const say = (user: string, text: string, conversation = "personal") =>
    api("teams/message", { user, text, conversation });
  const conversations = async (user: string) => {
    const res = await fetch(`${app.http!.url}/playground/api/teams/state?user=${user}`);
    return ((await res.json()) as { conversations: Conversation[] }).conversations;
  };
  const chat = async (user: string, kind: "personal" | string = "personal") =>
    (await conversations(user)).find((c) =>
      kind === "personal" ? c.kind === kind : c.id === kind,
    )!.messages;
  const lastCard = async (user: string, where?: string) => {
    const messages = (await chat(user, where)).filter((m) => m.from === "bot");
    return messages.length ? cardText(messages.at(-1)!) : "";
  };

  beforeAll(async () => {
    // A Sunday: next Monday 09:00 is a day away, too soon for a nudge.
    playground = await startPlaygroundService("play_teams", "2026-05-17T10:00:00Z");
    ({ t, app } = playground);
  }, 60_000);
  afterAll(async () => {
    await playground?.stop();
  });

  it("serves the card renderer and its Markdown library from its own install, and nothing else", async () => {
    const asset = (name: string) => fetch(`${app.http!.url}/playground/assets/${name}`);
    const renderer = await asset("vendor/adaptivecards.js");
    expect(renderer.headers.get("content-type")).toContain("javascript");
    expect(await renderer.text()).toContain("AdaptiveCards");
    expect(await (await asset("vendor/markdown-it.js")).text()).toContain("markdownit");
    for (const name of [
      "vendor/constructor",
      "vendor/../package.json",
      "constructor",
      "toString",
    ]) {
      expect((await asset(name)).status).toBe(404);
    }
  });

  it("answers a message in the personal chat with the bot's Adaptive Card", async () => {
    const sent = await say(
      "U0LEARNER",
      "learn goal Google Project Management Certificate by March 31 5h/week",
    );
    expect(sent).toEqual({ status: 200, body: { status: 200 } });
    const messages = await chat("U0LEARNER");
    expect(messages[0]).toMatchObject({ from: "U0LEARNER" });
    expect(messages.at(-1)!.attachments[0]!.contentType).toBe(
      "application/vnd.microsoft.card.adaptive",
    );
    expect(await lastCard("U0LEARNER")).toContain(
      "Goal set: **Google Project Management Certificate**",
    );
    // Another person's personal chat is theirs alone.
    expect(await chat("U0MANAGER")).toEqual([]);
    const ada = await t.db
      .selectFrom("users")
      .innerJoin("workspaces", "workspaces.id", "users.workspace_id")
      .where("workspaces.platform", "=", "teams")
      .where("email", "=", "ada@example.test")
      .select(["display_name", "email", "time_zone"])
      .execute();
    expect(ada).toEqual([
      { display_name: "Ada Lovelace", email: "ada@example.test", time_zone: "Europe/London" },
    ]);
  });

  it("sets up a team's digest in a channel, with people named by @mention", async () => {
    await say("U0LEARNER", "learn checkins mon 09:00");
    expect(await lastCard("U0LEARNER")).toContain("Check-ins Mon at 9:00 AM (Europe/London)");
    await say("U0ADMIN", "learn admin team create Learners here", LEARNING);
    // The admin's answer goes to their personal chat; the channel hears that it did.
    expect(await lastCard("U0ADMIN")).toContain("#learning");
    expect((await chat("U0LEARNER", LEARNING)).map((m) => m.from)).toEqual(["U0ADMIN", "bot"]);
    await say("U0ADMIN", "learn admin team add Learners @ada");
    expect(await lastCard("U0ADMIN")).toContain("Ada Lovelace");
    await say("U0ADMIN", "learn admin digest Learners mon 09:00 Europe/London");
    const team = await t.db
      .selectFrom("teams")
      .select(["name", "channel_id", "channel_name"])
      .executeTakeFirstOrThrow();
    expect(team).toEqual({ name: "Learners", channel_id: LEARNING, channel_name: "learning" });
  });

  it("brings the Monday check-in, logs an hour from its button in place, and posts the digest in the channel", async () => {
    const moved = await api("clock", { user: "U0LEARNER", to: "next-monday-0900" });
    expect(moved.status).toBe(200);
    await expect
      .poll(() => lastCard("U0LEARNER"), { timeout: 20_000 })
      .toContain("Time for a quick check-in");
    const checkin = (await chat("U0LEARNER")).at(-1)!;
    const button = findAction(checkin, "Log 1 h");
    const clicked = await api("teams/action", {
      user: "U0LEARNER",
      conversation: "personal",
      cardId: checkin.id,
      action: { type: "Action.Submit", data: button.data },
    });
    expect(clicked.body).toEqual({ status: 200 });
    const after = await chat("U0LEARNER");
    const same = after.find((m) => m.id === checkin.id)!;
    expect(same.updatedAt).toBeDefined();
    expect(cardText(same)).toContain("1 h of 140 h");
    expect(after).toHaveLength((await chat("U0LEARNER")).length);
    await expect
      .poll(() => lastCard("U0MANAGER", LEARNING), { timeout: 20_000 })
      .toContain("Learners · week of");
  });

  it("tells the page when the bot doesn't take an Action.Execute", async () => {
    const card = (await chat("U0LEARNER")).at(-1)!;
    const executed = await api("teams/action", {
      user: "U0LEARNER",
      conversation: "personal",
      cardId: card.id,
      action: { type: "Action.Execute", verb: "unknown", data: {} },
    });
    expect(executed.body.status).not.toBe(200);
    const bad = await api("teams/action", {
      user: "U0LEARNER",
      cardId: card.id,
      action: { type: "Action.OpenUrl", url: "https://example.test" },
    });
    expect(bad).toEqual({
      status: 400,
      body: { error: "Only Action.Submit and Action.Execute go to the bot." },
    });
  });

  it("seeds the demo organisation in a Teams tenant too, installed for everyone", async () => {
    expect((await api("demo", {})).body).toMatchObject({ people: 23, teams: 3 });
    const byPlatform = await t.db
      .selectFrom("users")
      .innerJoin("workspaces", "workspaces.id", "users.workspace_id")
      .select(["workspaces.platform", (eb) => eb.fn.countAll<string>().as("n")])
      .groupBy("workspaces.platform")
      .orderBy("workspaces.platform")
      .execute();
    expect(byPlatform).toEqual([
      { platform: "slack", n: 23 },
      { platform: "teams", n: 23 },
    ]);
    const references = await t.db
      .selectFrom("teams_conversation_references")
      .select(["kind", (eb) => eb.fn.countAll<string>().as("n")])
      .groupBy("kind")
      .orderBy("kind")
      .execute();
    // The team's five channels, and everyone's personal chat.
    expect(references).toEqual([
      { kind: "channel", n: 5 },
      { kind: "personal", n: 23 },
    ]);
    await say("U0D01", "learn leaderboard Data quarter");
    expect(await lastCard("U0D01")).toContain("Chen Wei");
    expect((await conversations("U0D01")).map((c) => c.name)).toEqual([
      "Stackup",
      "General",
      "learning",
      "data",
      "marketing",
      "support",
    ]);
    expect(TEAM.id).toBe((await conversations("U0D01"))[1]!.id);
  });
});

function findAction(message: Message, title: string): SubmitAction {
  const found = submitActions(message.attachments);
  const action = found.find((a) => a.title === title);
  if (!action) throw new Error(`No "${title}" in ${found.map((a) => a.title).join(", ")}`);
  return action;
}
