import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/time/clock.ts";
import { ALICE, type SlackService, startSlackService } from "../slack/harness.ts";
import { blockActionsPayload, interactionBody } from "../support/slack-signing.ts";
import { activity, ALICE as TEAMS_ALICE } from "../teams/activities.ts";
import { rosterEntry, startTeamsService, type TeamsService } from "../teams/harness.ts";

/** Plain text of what Slack was sent, as a person would read it. */
const shown = (body: Record<string, unknown>) => JSON.stringify(body.blocks).replace(/\u200b/g, "");

describe("a person whose Slack speaks German, through the real service", () => {
  let h: SlackService;
  const clock = new ManualClock("2026-11-30T09:00:00Z");

  beforeAll(async () => {
    h = await startSlackService({ label: "e2e_languages", clock });
    h.fake.addUser({ ...ALICE, locale: "de-DE" });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function learn(text: string) {
    return shown((await h.command(text)).body);
  }

  async function click(actionId: string, value: Record<string, unknown>) {
    const before = h.fake.callsTo("chat.update").length;
    const res = await h.post(
      interactionBody(
        blockActionsPayload({
          actionId,
          value: JSON.stringify(value),
          channelId: "D0ALICE",
          messageTs: "1700000000.000042",
          responseUrl: h.fake.responseUrl(),
        }),
      ),
    );
    expect(res.status).toBe(200);
    await h.fake.waitFor(() => h.fake.callsTo("chat.update").length > before);
    return shown(h.fake.callsTo("chat.update")[before]!.body);
  }

  it("asks Slack for the locale, stores it and answers check-in clicks in German", async () => {
    expect(await learn("goal Learn Rust 3h/week")).toContain(
      "Ziel gesetzt: *Learn Rust* – 3 Std./Woche",
    );
    const lookup = h.fake.callsTo("users.info")[0];
    expect(String(lookup?.body.include_locale)).toBe("true");
    const user = await h.db
      .selectFrom("users")
      .select(["id", "platform_locale", "locale"])
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({ platform_locale: "de-DE", locale: null });
    const goal = await h.db.selectFrom("goals").select("id").executeTakeFirstOrThrow();

    const logged = await click("checkin.log", { g: goal.id, h: 1.5, k: "checkin:1:x" });
    expect(logged).toContain("✅ 1,5 Std. für *Learn Rust* eingetragen.");
    expect(logged).toContain("30 Min. eintragen");
    expect(logged).toContain("In 1 Std. erinnern");
    expect(await learn("log 0.5")).toContain("0,5 Std. für *Learn Rust* eingetragen.");
    expect(await learn("goals")).toContain("Deine Lernziele");
    expect(await learn("pause zzz")).toContain("Ich habe kein Ziel zu „zzz“ gefunden");
  });

  it("settings language: the person's choice wins over Slack's, said in the new language", async () => {
    expect(await learn("settings language ja")).toContain("これからは日本語でお話しします");
    const user = await h.db.selectFrom("users").select("locale").executeTakeFirstOrThrow();
    expect(user.locale).toBe("ja");
    expect(await learn("settings language")).toContain("ご指定どおり");
    expect(await learn("settings language klingon")).toContain(
      "「klingon」にはまだ対応していません",
    );

    const goal = await h.db.selectFrom("goals").select("id").executeTakeFirstOrThrow();
    const done = await click("checkin.done", { g: goal.id, k: "checkin:1:y" });
    expect(done).toContain("*Learn Rust*を達成しました。学習時間は2時間");

    expect(await learn("settings language auto")).toContain("Deutsch");
    const back = await h.db.selectFrom("users").select("locale").executeTakeFirstOrThrow();
    expect(back.locale).toBeNull();
  });
});

describe("a person whose Teams speaks Japanese, through the real CloudAdapter", () => {
  let h: TeamsService;
  const clock = new ManualClock("2026-11-30T09:00:00Z");

  beforeAll(async () => {
    h = await startTeamsService({
      label: "e2e_languages_teams",
      members: [rosterEntry(TEAMS_ALICE, "alice@example.test")],
      role: "web",
      clock,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const say = (text: string) =>
    h.replyTo(
      activity(h.fake.serviceUrl, {
        text,
        locale: "ja-JP",
        entities: [{ type: "clientInfo", locale: "ja-JP", timezone: "Asia/Tokyo" }],
      }),
    );

  it("takes the activity's locale and answers in Japanese with Japanese times", async () => {
    expect(await say("learn settings language")).toContain(
      "SlackまたはTeamsに合わせて**日本語**でお話ししています",
    );
    const user = await h.db.selectFrom("users").select("platform_locale").executeTakeFirstOrThrow();
    expect(user.platform_locale).toBe("ja-JP");
    const schedule = await say("learn checkins mon,thu 09:30");
    expect(schedule).toContain("チェックイン：月 木 09:30（Asia/Tokyo）");
    expect(schedule).toContain("次回：**12月3日(木) 09:30**。");
  });
});
