import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Core } from "../../src/commands/core.ts";
import { orgFeature } from "../../src/commands/features/org.ts";
import { type CoreDeps, createCore } from "../../src/commands/router.ts";
import { dueWork } from "../../src/domain/org/digests.ts";
import { OrgRepository } from "../../src/domain/org/repository.ts";
import { buildDigests } from "../../src/domain/reports/digest.ts";
import { messageText } from "../../src/messages/model.ts";
import { digestMessage } from "../../src/messages/org.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { actor, complete, credential, goal, log, text, userId } from "./seed.ts";

// Monday 26 Oct 2026, 09:00 in Berlin: the day after summer time ended (a 169-hour week).
const clock = new ManualClock("2026-10-26T08:00:00Z");

const ada = actor("U0ADMIN", "Ada Admin", { admin: true });
const mia = actor("U0M1", "Mia Manager");
const max = actor("U0M2", "Max Manager");
const rita = actor("U0R1", "Rita");
const rob = actor("U0R2", "Rob");
const ron = actor("U0R3", "Ron");
const rae = actor("U0R4", "Rae", { email: "rae@example.test" });
const xena = actor("U0X", "Xena", { workspace: "T2", admin: true });
const otherRita = actor("U0Y", "Rita", { workspace: "T2" });

describe("organisation, leaderboard, reports and digests on seeded data", () => {
  let t: TestDatabase;
  let core: Core;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestDatabase("org");
    core = createCore({ db: t.db, clock, admins: ["rae@example.test"] } as CoreDeps, [orgFeature]);
    for (const a of [ada, mia, max, rita, rob, ron, rae, xena, otherRita]) {
      await core.command(a, "leaderboard");
      ids[a.userExternalId] = await userId(t.db, a.userExternalId, a.workspaceExternalId);
    }
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("lets a Slack workspace admin set up teams and managers, with Slack mentions", async () => {
    expect(
      text(await core.command(ada, "admin team create Platform <#C0PLAT|platform>")),
    ).toContain("Team Platform created.");
    // "here" is the channel the command was typed in; a DM has none to offer
    expect(text(await core.command(ada, "admin team channel Platform here"))).toContain(
      "Pick the channel from the list as you type #.",
    );
    const adaInChannel = { ...ada, channel: { id: "C0PLATHERE", name: "platform-here" } };
    expect(text(await core.command(adaInChannel, "admin team channel Platform here"))).toContain(
      "Platform's digests and shares now go to #platform-here.",
    );
    expect(
      text(await core.command(ada, "admin team channel Platform <#C0PLAT2|platform-news>")),
    ).toContain("Platform's digests and shares now go to #platform-news.");
    expect(
      text(await core.command(ada, "admin team channel Platform <#C0PLAT|platform>")),
    ).toContain("now go to #platform.");
    expect(
      text(await core.command(ada, "admin team add platform <@U0R1|rita> <@U0R2|rob> <@U0R3|ron>")),
    ).toContain("Added 3 people to Platform.");
    for (const [who, boss] of [
      ["U0R1", "U0M1"],
      ["U0R2", "U0M1"],
      ["U0R3", "U0R2"],
      ["U0R4", "U0M2"],
    ]) {
      expect(text(await core.command(ada, `admin manager <@${who}|x> <@${boss}|y>`))).toContain(
        "now reports to",
      );
    }
    expect(text(await core.command(ada, "admin digest Platform monday 09:00 Europe/Berlin"))).toBe(
      "Platform's digest goes out on Mondays at 09:00 (Europe/Berlin).",
    );
    const team = await t.db.selectFrom("teams").selectAll().executeTakeFirstOrThrow();
    expect(team).toMatchObject({
      name: "Platform",
      channel_id: "C0PLAT",
      digest_day: 1,
      digest_time: "09:00",
      digest_time_zone: "Europe/Berlin",
    });
  });

  it("refuses a manager loop, and never echoes a mention back as a live mention", async () => {
    const reply = text(await core.command(ada, "admin manager <@U0M1|mia> <@U0R3|ron>"));
    expect(reply).toContain(
      "Ron already reports to Mia Manager, directly or through others, so that would make a loop.",
    );
    expect(reply).not.toContain("<@");
    const mia_ = await t.db
      .selectFrom("org_people")
      .where("user_id", "=", ids.U0M1!)
      .select("manager_id")
      .executeTakeFirst();
    expect(mia_?.manager_id ?? null).toBeNull();
  });

  it("lets only admins (Slack admins, STACKUP_ADMINS, or given the role) run admin commands", async () => {
    expect(text(await core.command(rita, "admin team create Rogue"))).toContain(
      "Only workspace admins",
    );
    expect(text(await core.command(mia, "admin team create Rogue"))).toContain(
      "Only workspace admins",
    );
    expect(text(await core.command(rae, "admin team create Design"))).toContain(
      "Team Design created.",
    );
    expect(text(await core.command(xena, "admin team create Platform"))).toContain(
      "Team Platform created.",
    );
    const teams = await t.db.selectFrom("teams").select(["workspace_id", "name"]).execute();
    expect(teams).toHaveLength(3);
  });

  it("seeds a DST week of progress", async () => {
    const cloud = await credential(
      t.db,
      "Cloud Basics",
      "Acme Academy",
      40,
      "https://acme.test/cloud",
    );
    const g1 = await goal(t.db, ids.U0R1!, "Cloud Basics", "2026-10-01T08:00:00Z", {
      credentialId: cloud,
      estimatedHours: 40,
    });
    await log(t.db, ids.U0R1!, g1, 2, "2026-10-18T22:30:00Z"); // Mon 19 Oct 00:30 in Berlin
    await log(t.db, ids.U0R1!, g1, 3, "2026-10-25T22:30:00Z"); // Sun 25 Oct 23:30 (CET)
    await complete(t.db, g1, "2026-10-22T10:00:00Z", true);
    const g2 = await goal(t.db, ids.U0R2!, "Rust book", "2026-10-20T09:00:00Z");
    await log(t.db, ids.U0R2!, g2, 10, "2026-10-21T12:00:00Z"); // 10 h in a day: 8 count
    await log(t.db, ids.U0R2!, g2, 4, "2026-10-25T23:30:00Z"); // Mon 26 Oct 00:30: next week
    const g3 = await goal(t.db, ids.U0R3!, "SQL deep dive", "2026-09-01T08:00:00Z", {
      estimatedHours: 20,
    });
    await log(t.db, ids.U0R3!, g3, 5, "2026-10-14T10:00:00Z");
    await log(t.db, ids.U0R3!, g3, 1, "2026-10-20T10:00:00Z");
    await goal(t.db, ids.U0R3!, "Old plan", "2026-09-01T08:00:00Z");
    const g4 = await goal(t.db, ids.U0R4!, "Design systems", "2026-10-01T08:00:00Z");
    await log(t.db, ids.U0R4!, g4, 2, "2026-10-20T10:00:00Z");
    const gy = await goal(t.db, ids.U0Y!, "Other workspace goal", "2026-10-01T08:00:00Z");
    await log(t.db, ids.U0Y!, gy, 7, "2026-10-20T10:00:00Z");
  });

  it("ranks the team by points for the month, with exact points", async () => {
    // Rita 5 h + completion 20 + verified 10 = 35; Rob 8 (capped) + 4 + streak 5 = 17;
    // Ron 5 + 1 + streak 5 = 11.
    const board = text(await core.command(rita, "leaderboard Platform month"));
    expect(board).toContain("Leaderboard · Platform · October 2026");
    expect(board).toContain(
      "1. Rita — 35 pts · 5 h · 1 completion (✓ verified · issued by acme.example)\n2. Rob — 17 pts · 14 h\n3. Ron — 11 pts · 6 h",
    );
    expect(board).toContain("You're #1 with 35 pts.");
  });

  it("counts someone anonymous without naming or ranking them, and leaves out someone hidden", async () => {
    expect(text(await core.command(ron, "leaderboard optout anonymous"))).toContain(
      "without naming you",
    );
    expect(text(await core.command(rob, "leaderboard optout hidden"))).toContain(
      "no longer appear",
    );
    const board = text(await core.command(rita, "leaderboard Platform month"));
    expect(board).toContain(
      "1. Rita — 35 pts · 5 h · 1 completion (✓ verified · issued by acme.example)\n1 more person takes part without their names.",
    );
    expect(board).not.toContain("Rob");
    expect(board).not.toContain("Ron");
    expect(board).not.toContain("11 pts");
    expect(text(await core.command(ron, "leaderboard Platform month"))).toContain(
      "You take part without your name, so you're not listed; you would be #2 with 11 pts.",
    );
    expect(text(await core.command(rob, "leaderboard Platform month"))).toContain(
      "You're hidden from this board; you would be #2 with 17 pts.",
    );
  });

  it("builds the weekly digest across the DST change with exact numbers", async () => {
    const admin = await t.db
      .selectFrom("users")
      .where("id", "=", ids.U0ADMIN!)
      .select("workspace_id")
      .executeTakeFirstOrThrow();
    const team = await new OrgRepository(t.db).team(admin.workspace_id, "platform");
    const [d] = await buildDigests(t.db, [{ team: team!, digestDate: "2026-10-26" }], clock.now());
    // Rob (hidden) logged 10 h and started Rust book: neither shows, not even in the total.
    expect(d!.weeklyHours).toEqual([0, 0, 0, 0, 0, 0, 5, 6]);
    expect(d!.weekStarts[0]).toBe("2026-08-31");
    expect(d!.weekStarts[7]).toBe("2026-10-19");
    expect(d!.top).toEqual([
      { name: "Rita", points: 35, hours: 5 },
      // Rob is hidden; Ron is anonymous, so his 1 h is in the total but he is not listed.
    ]);
    expect(d!.completions).toEqual([
      {
        person: "Rita",
        credential: "Cloud Basics",
        provider: "Acme Academy",
        url: "https://acme.test/cloud",
        status: "verified",
        revoked: false,
        trusted: true,
        issuerDomain: "acme.example",
        anonymous: false,
      },
    ]);
    expect(d!.newGoals).toEqual([]);
    const message = messageText(digestMessage(d!, null));
    expect(message).toBe(
      [
        "Platform · week of 19 Oct – 25 Oct 2026",
        "6 h logged by the team, 1 h more than the week before (5 h).",
        "Top learners\n1. Rita — 35 pts · 5 h",
        "Completed this week\n• Cloud Basics · Acme Academy — Rita · ✓ verified · issued by acme.example",
      ].join("\n"),
    );
  });

  it("refuses reports to members politely", async () => {
    expect(text(await core.command(rita, "report"))).toContain(
      "Reports are for managers and admins.",
    );
  });

  it("tells an admin no one reports to that a monthly summary has nothing to cover yet", async () => {
    expect(text(await core.command(ada, "report summary on"))).toContain(
      "no one does yet. The first arrives on the 1st after an admin makes you someone's manager.",
    );
    expect(text(await core.command(mia, "report summary on"))).toContain(
      "You'll get a summary of your reports by direct message on the 1st of each month.",
    );
    // the reply agrees with what the job will do on the 1st
    const { summaries } = await dueWork(t.db, new Date("2027-01-01T12:00:00Z"));
    const who = summaries.map((s) => s.userId);
    expect(who).toContain(ids.U0M1);
    expect(who).not.toContain(ids.U0ADMIN);
  });

  it("gives a manager their whole chain with exact numbers, and audits the view", async () => {
    const report = text(await core.command(mia, "report month"));
    expect(report).toContain("Report · your reports · October 2026");
    expect(report).toContain("Completions: 1\nHours: 25 h\nPeople active: 3 of 3");
    expect(report).toContain(
      "Completions: Cloud Basics (Acme Academy), 22 Oct 2026, ✓ verified · issued by acme.example",
    );
    expect(report).toContain("Stalled: Old plan");
    expect(report).not.toContain("Rae");
    const audit = await t.db
      .selectFrom("audit_log")
      .where("action", "=", "report.view")
      .selectAll()
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: ids.U0M1, scope: "your reports" });
    expect([...audit[0]!.subject_ids].sort()).toEqual([ids.U0R1, ids.U0R2, ids.U0R3].sort());
    expect(audit[0]!.at.toISOString()).toBe("2026-10-26T08:00:00.000Z");
  });

  it("never shows a manager another chain", async () => {
    expect(text(await core.command(mia, "report <@U0M2|max>"))).toBe(
      "You can see reports for your own chain only.",
    );
    const max_ = text(await core.command(max, "report month"));
    expect(max_).toContain("Hours: 2 h\nPeople active: 1 of 1");
    expect(max_).not.toContain("Rita");
    expect(text(await core.command(max, "report Platform"))).toBe(
      "No one in Platform reports to you, so there's nothing to show.",
    );
    // Part of a chain: Rob manages Ron.
    const sub = text(await core.command(mia, "report <@U0R2|rob> month"));
    expect(sub).toContain("Report · Rob's reports");
    expect(sub).toContain("Hours: 6 h\nPeople active: 1 of 1");
  });

  it("gives an admin the whole workspace and nothing from another workspace", async () => {
    const all = text(await core.command(ada, "report month"));
    expect(all).toContain("Report · whole workspace");
    expect(all).toContain("Hours: 27 h\nPeople active: 4 of 7");
    expect(all).not.toContain("Other workspace goal");
    const other = text(await core.command(xena, "report month"));
    expect(other).toContain("Hours: 7 h\nPeople active: 1 of 2");
    expect(text(await core.command(xena, "report <@U0M1|mia>"))).toBe(
      "I don't know that person in this workspace.",
    );
    const leaked = await t.db
      .selectFrom("users")
      .where("platform_user_id", "=", "U0M1")
      .select("id")
      .execute();
    expect(leaked).toHaveLength(1);
  });

  it("attaches the report as CSV", async () => {
    const reply = await core.command(mia, "report month csv");
    if (reply.kind !== "message") throw new Error("expected a message");
    const file = reply.message.files?.[0];
    expect(file?.filename).toBe("stackup-report-2026-10-01-to-2026-10-31.csv");
    const rows = parse(Buffer.from(file!.data), { columns: true }) as Record<string, string>[];
    // The header row is in the reader's language; the columns keep REPORT_COLUMNS' order.
    expect(Object.keys(rows[0]!)).toEqual([
      "Person",
      "Email",
      "Hours",
      "Active goals",
      "Stalled goals",
      "Completions",
      "Credential",
      "Provider",
      "Completed on",
      "Verified",
      "Verification",
      "Issued by",
    ]);
    expect(rows.map((r) => [r.Person, r.Hours, r.Credential, r.Verified])).toEqual([
      ["Rita", "5", "Cloud Basics", "yes"],
      ["Rob", "14", "", ""],
      ["Ron", "6", "", ""],
    ]);
  });
});
