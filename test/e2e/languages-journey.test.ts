import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/time/clock.ts";
import { ALICE, type SlackService, startSlackService } from "../slack/harness.ts";
import { blockActionsPayload, interactionBody } from "../support/slack-signing.ts";
import {
  activity,
  botInTeam,
  cardOf,
  readCard,
  ALICE as TEAMS_ALICE,
  TENANT,
} from "../teams/activities.ts";
import { rosterEntry, startTeamsService, type TeamsService } from "../teams/harness.ts";

/*
 * The whole loop in a person's language, through the real adapters and job workers: a goal, time
 * logged, the scheduled check-in and a click on it, the goal done, and the team's weekly digest
 * in the team's channel.
 */

/** Plain text of what Slack was sent, as a person would read it. */
const shown = (blocks: unknown) => JSON.stringify(blocks).replace(/\u200b/g, "");

type SlackButton = { action_id: string; value: string };
/** The buttons of a Block Kit message. */
const buttonsOf = (blocks: unknown): SlackButton[] =>
  (blocks as { type: string; elements?: SlackButton[] }[]).flatMap((b) =>
    b.type === "actions" ? (b.elements ?? []) : [],
  );

describe("a de-DE Slack person: goal → log → check-in → done → digest, in German", () => {
  let h: SlackService;
  // Monday 30 Nov 2026, 09:00 in Berlin: an hour before the default Monday 10:00 check-in.
  const clock = new ManualClock("2026-11-30T08:00:00Z");

  beforeAll(async () => {
    h = await startSlackService({
      label: "e2e_journey_de",
      clock,
      config: { admins: ["alice@example.test"] },
    });
    h.fake.addUser({ ...ALICE, locale: "de-DE" });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function learn(text: string) {
    return shown((await h.command(text)).body.blocks);
  }

  it("sets a goal and logs time, with German dates and numbers", async () => {
    const set = await learn("goal Learn Rust by 2027-03-31 3h/week");
    expect(set).toContain("Ziel gesetzt: *Learn Rust* – 3 Std./Woche");
    expect(set).toContain("31. März");
    expect(await learn("log 1.5")).toContain("1,5 Std. für *Learn Rust* eingetragen.");
  });

  it("sends the scheduled check-in in German, and its button logs in German", async () => {
    const before = h.fake.callsTo("chat.postMessage").length;
    clock.set("2026-11-30T09:00:30Z");
    await h.app.jobs!.runDue!();
    await h.fake.waitFor(() => h.fake.callsTo("chat.postMessage").length > before, 15_000);
    const checkin = h.fake.callsTo("chat.postMessage")[before]!;
    expect(String(checkin.body.text)).toBe("Check-in: Wie läuft es mit Learn Rust?");
    expect(shown(checkin.body.blocks)).toContain("Zeit für einen kurzen Check-in");
    const log = buttonsOf(checkin.body.blocks).find((b) => b.action_id === "checkin.log")!;
    expect(log).toBeDefined();

    const updates = h.fake.callsTo("chat.update").length;
    const res = await h.post(
      interactionBody(
        blockActionsPayload({
          actionId: log.action_id,
          value: log.value,
          channelId: String(checkin.body.channel),
          messageTs: "1700000000.000042",
          responseUrl: h.fake.responseUrl(),
        }),
      ),
    );
    expect(res.status).toBe(200);
    await h.fake.waitFor(() => h.fake.callsTo("chat.update").length > updates);
    expect(shown(h.fake.callsTo("chat.update")[updates]!.body.blocks)).toMatch(
      /✅ [\d,]+ Std\. für \*Learn Rust\* eingetragen\./,
    );
  });

  it("completes the goal in German", async () => {
    expect(await learn("done Learn Rust")).toContain("Glückwunsch zum Abschluss von *Learn Rust*!");
  });

  it("sends a manager's monthly summary by DM in their language", async () => {
    expect(await learn("admin role <@U0ALICE|alice> manager")).toContain(
      "Alice Liddell ist jetzt Führungskraft.",
    );
    expect(await learn("report summary on")).toContain(
      "Am 1. jedes Monats bekommst du eine Zusammenfassung",
    );
    const before = h.fake.callsTo("chat.postMessage").length;
    // Tuesday 1 Dec 2026, 09:00 in Berlin: the summary of November is due.
    clock.set("2026-12-01T08:00:30Z");
    await h.app.jobs!.runDue!();
    await h.fake.waitFor(() => h.fake.callsTo("chat.postMessage").length > before, 15_000);
    const summary = h.fake.callsTo("chat.postMessage")[before]!;
    expect(String(summary.body.text)).toMatch(/^Bericht · deine Mitarbeitenden · November 2026: /);
    expect(shown(summary.body.blocks)).toContain("Monatliche Zusammenfassung. Abschalten mit");
  });

  it("posts the team's digest to its channel in the team's language, with German dates", async () => {
    expect(await learn("admin team create Lernen <#C0LERN|lernen>")).toContain(
      "Team *Lernen* angelegt.",
    );
    await learn("admin team add Lernen <@U0ALICE|alice>");
    expect(await learn("admin team language Lernen de")).toContain(
      "Der Digest von Lernen ist jetzt auf Deutsch.",
    );
    const before = h.fake.callsTo("files.completeUploadExternal").length;
    // Monday 7 Dec 2026 09:05 UTC: five minutes after the default digest slot.
    clock.set("2026-12-07T09:05:00Z");
    await h.app.jobs!.runDue!();
    await h.fake.waitFor(
      () => h.fake.callsTo("files.completeUploadExternal").length > before,
      15_000,
    );
    const digest = h.fake.callsTo("files.completeUploadExternal")[before]!;
    expect(digest.body.channel_id).toBe("C0LERN");
    const text = shown(digest.body.blocks);
    expect(text).toContain("Lernen · Woche vom 30. Nov. bis 6. Dez. 2026");
    expect(text).toContain("hat das Team eingetragen");
    expect(text).toContain("Diese Woche abgeschlossen");
    expect(text).toContain("Learn Rust");
    const files = digest.body.files as { title?: string }[];
    expect(files[0]?.title).toContain("Balkendiagramm der Teamstunden pro Woche");
  });
});

describe("a ja-JP Teams person: goal → log → check-in → done → digest, in Japanese", () => {
  let h: TeamsService;
  const TEAM_ID = "19:learning-team@thread.tacv2";
  // Monday 30 Nov 2026, 09:00 in Tokyo: an hour before the default Monday 10:00 check-in.
  const clock = new ManualClock("2026-11-30T00:00:00Z");

  beforeAll(async () => {
    h = await startTeamsService({
      label: "e2e_journey_ja",
      members: [rosterEntry(TEAMS_ALICE, "alice@example.test")],
      role: "all",
      clock,
      config: { admins: ["alice@example.test"] },
    });
    h.fake.setTeamChannels(TEAM_ID, [{ id: TEAM_ID }]);
  });
  afterAll(async () => {
    await h?.close();
  });

  const JA = {
    locale: "ja-JP",
    entities: [{ type: "clientInfo", locale: "ja-JP", timezone: "Asia/Tokyo" }],
  };
  const say = (text: string) => h.replyTo(activity(h.fake.serviceUrl, { text, ...JA }));
  const toAlice = (c: { operation: string; conversationId?: string }) =>
    c.operation === "send" && c.conversationId === "a:1personal-alice";

  it("sets a goal and logs time, with Japanese dates and numbers", async () => {
    const set = await say("learn goal Learn Rust by 2027-03-31 3h/week");
    expect(set).toContain("目標を設定しました");
    expect(set).toContain("3月31日");
    expect(await say("learn log 1.5")).toContain("**Learn Rust**に1.5時間を記録しました");
  });

  it("sends the scheduled check-in in Japanese, and its button logs in Japanese", async () => {
    const before = h.fake.calls.length;
    clock.set("2026-11-30T01:00:30Z");
    await h.app.jobs!.runDue!();
    const checkin = await h.fake.waitFor(
      (c) => toAlice(c) && h.fake.calls.indexOf(c) >= before,
      15_000,
    );
    const card = cardOf(checkin.body);
    expect(readCard(card)).toContain("チェックインの時間です");
    const log = JSON.stringify(card).match(
      /"stackup":\{"a":"checkin\.log","v":"((?:[^"\\]|\\.)*)"\}/,
    );
    expect(log).not.toBeNull();
    const calls = await h.exchange(
      activity(h.fake.serviceUrl, {
        ...JA,
        replyToId: checkin.activityId ?? "sent-1",
        value: { stackup: { a: "checkin.log", v: JSON.parse(`"${log![1]}"`) } },
      }),
    );
    expect(calls.map((c) => c.operation)).toEqual(["update"]);
    expect(readCard(cardOf(calls[0]!.body))).toMatch(
      /✅ \*\*Learn Rust\*\*に[\d.]+時間を記録しました/,
    );
  });

  it("completes the goal in Japanese", async () => {
    expect(await say("learn done Learn Rust")).toContain(
      "**Learn Rust**の達成おめでとうございます！",
    );
  });

  it("posts the team's digest to its Teams channel in Japanese, with Japanese dates", async () => {
    // The bot is added to the team: Teams tells it, and it keeps the team's channels.
    await h.exchange(botInTeam(h.fake.serviceUrl, TEAM_ID, "added"));
    const link = `https://teams.microsoft.com/l/channel/${encodeURIComponent(TEAM_ID)}/General?groupId=g&tenantId=${TENANT}`;
    expect(await say(`learn admin team create 学習 ${link}`)).toContain(
      "チーム**学習**を作成しました",
    );
    await say("learn admin team add 学習 alice@example.test");
    await say("learn admin team language 学習 ja");
    const before = h.fake.calls.length;
    // Monday 7 Dec 2026 09:05 UTC: five minutes after the default digest slot.
    clock.set("2026-12-07T09:05:00Z");
    await h.app.jobs!.runDue!();
    const digest = await h.fake.waitFor(
      (c) =>
        c.operation === "send" && c.conversationId === TEAM_ID && h.fake.calls.indexOf(c) >= before,
      15_000,
    );
    const text = readCard(cardOf(digest.body));
    expect(text).toContain("学習 · 11月30日〜2026年12月6日の週");
    expect(text).toContain("チームの記録は");
    expect(text).toContain("今週の達成");
    expect(text).toContain("Learn Rust");
  });
});
