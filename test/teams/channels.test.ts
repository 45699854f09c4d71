import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orgImportCommand } from "../../bin/commands/org-import.ts";
import { parseAdmin } from "../../src/commands/features/org-grammar.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { ALICE, activity, BOT, botInTeam, cardOf, readCard, TENANT } from "./activities.ts";
import { rosterEntry, startTeamsService, type TeamsService } from "./harness.ts";

/** A team's General channel has the team's own id; Teams leaves out its name. */
const TEAM_ID = "19:learning-team@thread.tacv2";
const SALES = { id: "19:sales-wins@thread.tacv2", name: "Sales wins" };
const LINK = `https://teams.microsoft.com/l/channel/${encodeURIComponent(TEAM_ID)}/General?groupId=g&tenantId=${TENANT}`;

describe("Teams channels as digest targets, through the real CloudAdapter and job workers", () => {
  let h: TeamsService;
  // Monday 30 Nov 2026 09:05 UTC: five minutes after the default digest slot.
  const clock = new ManualClock("2026-11-30T09:05:00Z");

  beforeAll(async () => {
    h = await startTeamsService({
      label: "teams_channels",
      members: [rosterEntry(ALICE, "alice@example.test")],
      role: "all",
      clock,
      config: { admins: ["alice@example.test"] },
    });
    h.fake.setTeamChannels(TEAM_ID, [{ id: TEAM_ID }, SALES]);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** An activity in one of the team's channels, from Alice. */
  const inChannel = (channel: { id: string; name?: string }, fields: Record<string, unknown>) =>
    activity(h.fake.serviceUrl, {
      conversation: {
        id: `${channel.id};messageid=17`,
        conversationType: "channel",
        isGroup: true,
      },
      channelData: {
        tenant: { id: TENANT },
        team: { id: TEAM_ID, name: "Learning" },
        channel: { id: channel.id, ...(channel.name ? { name: channel.name } : {}) },
      },
      ...fields,
    });

  const mentioned = (text: string, channel: { id: string; name?: string }) => {
    const at = `<at>${BOT.name}</at>`;
    return inChannel(channel, {
      text: `${at} ${text}`,
      entities: [{ type: "mention", text: at, mentioned: { id: BOT.id, name: BOT.name } }],
    });
  };

  const references = async () =>
    (
      await sql<{ key: string }>`
        select key from teams_conversation_references where kind = 'channel' order by key
      `.execute(h.db)
    ).rows.map((r) => r.key);

  it("keeps every standard channel of a team the bot is added to", async () => {
    const calls = await h.exchange(botInTeam(h.fake.serviceUrl, TEAM_ID, "added"));
    expect(calls.map((c) => [c.operation, c.conversationId])).toEqual([["getChannels", TEAM_ID]]);
    expect(await references()).toEqual([TEAM_ID, SALES.id].sort());
  });

  it("reads here and channel links in admin team commands", () => {
    expect(parseAdmin("team create Platform here")).toEqual({
      type: "team.create",
      name: "Platform",
      channel: "here",
    });
    expect(parseAdmin(`team channel Data Science ${LINK}`)).toEqual({
      type: "team.channel",
      team: "Data Science",
      channel: { id: TEAM_ID, name: "General" },
    });
    expect(parseAdmin("team channel Platform")).toMatchObject({ type: "invalid" });
    expect(parseAdmin("team channel here Platform")).toMatchObject({
      message: "Put the channel after the team name.",
    });
  });

  it("says where to run here when it is typed in a personal chat, and creates nothing", async () => {
    await h.say("learn goals");
    const reply = await h.say("learn admin team create Platform here");
    expect(reply).toContain("Say here in the team's channel itself");
    expect(await h.db.selectFrom("teams").selectAll().execute()).toEqual([]);
  });

  it("makes the channel an admin says here in the team's digest channel", async () => {
    const calls = await h.exchange(mentioned("learn admin team create Platform here", SALES));
    // The answer is the admin's own: it goes to the personal chat, the channel hears that.
    expect(calls.map((c) => c.operation)).toEqual(["send", "reply"]);
    expect(readCard(cardOf(calls[0]!.body))).toContain("#Sales wins");
    const team = await h.db
      .selectFrom("teams")
      .select(["name", "channel_id", "channel_name"])
      .executeTakeFirstOrThrow();
    expect(team).toEqual({ name: "Platform", channel_id: SALES.id, channel_name: "Sales wins" });
    await h.say("learn admin team add Platform alice@example.test");
  });

  it("takes a Teams channel link from the org CSV", async () => {
    const dir = await mkdtemp(join(tmpdir(), "teams-org-"));
    const file = join(dir, "org.csv");
    await writeFile(
      file,
      `email,team,manager_email,role,channel\nalice@example.test,Learners,,,${LINK}\n`,
    );
    const err: string[] = [];
    const code = await orgImportCommand([file], {
      db: h.db,
      stdout: () => {},
      stderr: (s) => err.push(s),
    });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const team = await h.db
      .selectFrom("teams")
      .select(["channel_id", "channel_name"])
      .where("name", "=", "Learners")
      .executeTakeFirstOrThrow();
    expect(team).toEqual({ channel_id: TEAM_ID, channel_name: "General" });
  });

  it("posts each team's digest into its Teams channel, once, in Teams' command words", async () => {
    const sentTo = (id: string) =>
      h.fake.calls.filter((c) => c.operation === "send" && c.conversationId === id);
    await h.app.jobs!.runDue!();
    const [sales, general] = await Promise.all([
      h.fake.waitFor((c) => c.operation === "send" && c.conversationId === SALES.id, 15_000),
      h.fake.waitFor((c) => c.operation === "send" && c.conversationId === TEAM_ID, 15_000),
    ]);
    const card = readCard(cardOf(sales.body));
    expect(card).toContain("Platform · week of");
    expect(card).toContain("learn log 1");
    expect(card).not.toContain("/learn");
    expect(readCard(cardOf(general.body))).toContain("Learners · week of");
    // A proactive post starts a new conversation thread: no reply target.
    expect(sales.activityId).toBeUndefined();

    await h.app.jobs!.runDue!();
    await new Promise((r) => setTimeout(r, 500));
    expect(sentTo(SALES.id)).toHaveLength(1);
    expect(sentTo(TEAM_ID)).toHaveLength(1);
  });

  it("forgets a deleted channel, so nothing is posted there", async () => {
    const calls = await h.exchange(
      inChannel(
        { id: TEAM_ID },
        {
          type: "conversationUpdate",
          channelData: {
            tenant: { id: TENANT },
            team: { id: TEAM_ID, name: "Learning" },
            channel: SALES,
            eventType: "channelDeleted",
          },
          entities: [],
        },
      ),
    );
    expect(calls).toEqual([]);
    expect(await references()).toEqual([TEAM_ID]);
    const workspace = await h.db.selectFrom("workspaces").select("id").executeTakeFirstOrThrow();
    await expect(
      h.app.messenger.send(
        { kind: "channel", workspaceId: workspace.id, channelId: SALES.id },
        { summary: "hello", blocks: [{ type: "text", text: ["hello"] }] },
      ),
    ).rejects.toMatchObject({ permanent: true });
  });

  it("keeps a channel created later", async () => {
    await h.exchange(
      inChannel(
        { id: TEAM_ID },
        {
          type: "conversationUpdate",
          channelData: {
            tenant: { id: TENANT },
            team: { id: TEAM_ID, name: "Learning" },
            channel: { id: "19:new-channel@thread.tacv2", name: "New" },
            eventType: "channelCreated",
          },
          entities: [],
        },
      ),
    );
    expect(await references()).toEqual([TEAM_ID, "19:new-channel@thread.tacv2"].sort());
  });

  it("moves a team to another channel with admin team channel here, and audits the move", async () => {
    const fresh = { id: "19:new-channel@thread.tacv2", name: "New" };
    const calls = await h.exchange(mentioned("learn admin team channel Platform here", fresh));
    expect(readCard(cardOf(calls[0]!.body))).toContain(
      "Platform's digests and shares now go to #New.",
    );
    const team = await h.db
      .selectFrom("teams")
      .select(["channel_id", "channel_name"])
      .where("name", "=", "Platform")
      .executeTakeFirstOrThrow();
    expect(team).toEqual({ channel_id: fresh.id, channel_name: "New" });
    const audit = await h.db
      .selectFrom("audit_log")
      .select(["action", "scope", "detail"])
      .where("action", "=", "org.channel")
      .execute();
    expect(audit).toEqual([
      {
        action: "org.channel",
        scope: "Platform",
        detail: expect.objectContaining({ before: SALES.id, after: fresh.id }),
      },
    ]);
  });

  it("forgets every channel of the team when the bot is removed from it", async () => {
    expect((await references()).length).toBeGreaterThan(1);
    await h.exchange(botInTeam(h.fake.serviceUrl, TEAM_ID, "removed"));
    expect(await references()).toEqual([]);
  });
});
