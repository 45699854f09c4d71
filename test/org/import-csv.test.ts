import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orgImportCommand } from "../../bin/commands/org-import.ts";
import { orgFeature } from "../../src/commands/features/org.ts";
import {
  parseAdmin,
  parseLeaderboard,
  parseReport,
} from "../../src/commands/features/org-grammar.ts";
import { createCore } from "../../src/commands/router.ts";
import { defuse, reportCsv } from "../../src/domain/reports/csv.ts";
import type { Report } from "../../src/domain/reports/report.ts";
import { currentWindow } from "../../src/domain/scoring/periods.ts";
import { LOCALES } from "../../src/i18n/index.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { actor } from "./seed.ts";

describe("command grammar: Slack's escaped mentions and Teams' plain ones", () => {
  it("reads Slack mentions and channels into typed references", () => {
    expect(parseAdmin("team create Data Science <#C0DS|data-sci>")).toEqual({
      type: "team.create",
      name: "Data Science",
      channel: { id: "C0DS", name: "data-sci" },
    });
    expect(parseAdmin("team add Data Science <@U1|ann> <@W2> @bob carol@example.test")).toEqual({
      type: "team.add",
      team: "Data Science",
      people: [
        { kind: "platform", id: "U1", label: "ann" },
        { kind: "platform", id: "W2", label: null },
        { kind: "name", name: "bob" },
        { kind: "email", email: "carol@example.test" },
      ],
    });
    expect(parseAdmin("manager <mailto:a@b.test|a@b.test> @boss")).toEqual({
      type: "manager",
      person: { kind: "email", email: "a@b.test" },
      manager: { kind: "name", name: "boss" },
    });
    expect(parseAdmin("digest Data Science fri 4pm America/New_York")).toEqual({
      type: "digest",
      team: "Data Science",
      day: 5,
      time: "16:00",
      timeZone: "America/New_York",
    });
  });

  it("says what was wrong", () => {
    expect(parseAdmin("team create Ops #ops")).toMatchObject({ type: "invalid" });
    expect(parseAdmin("digest Ops mon,tue 9:00")).toMatchObject({
      message: "The digest goes out on one day a week.",
    });
    expect(parseAdmin("digest Ops mon 9:00 Mars/Olympus")).toMatchObject({ type: "invalid" });
    expect(parseAdmin("manager <@U1>")).toMatchObject({ type: "invalid" });
  });

  it("reads leaderboard and report arguments", () => {
    expect(parseLeaderboard("")).toEqual({ type: "show", team: null, period: "week" });
    expect(parseLeaderboard("Data Science quarter")).toEqual({
      type: "show",
      team: "Data Science",
      period: "quarter",
    });
    expect(parseLeaderboard("optout anonymous")).toEqual({ type: "optout", choice: "anonymous" });
    expect(parseReport("<@U9|mia> year csv")).toEqual({
      type: "report",
      manager: { kind: "platform", id: "U9", label: "mia" },
      team: null,
      period: "year",
      csv: true,
    });
    expect(parseReport("Platform week")).toMatchObject({ team: "Platform", period: "week" });
    expect(parseReport("summary off")).toEqual({ type: "summary", on: false });
  });
});

describe("CSV export", () => {
  const hostile = [
    'O"Brien, "Bob"',
    "Line\nbreak, and comma",
    '=HYPERLINK("http://evil.test","click")',
    "+1 555",
    "-2+3",
    "@SUM(A1:A2)",
    "Ünïcødé 🚀",
  ];

  it("survives quotes, commas and newlines, and defuses formulas", () => {
    const window = currentWindow("month", new Date("2026-10-26T08:00:00Z"), "UTC");
    const report: Report = {
      window,
      summary: { people: hostile.length, active: 0, hours: 0, completions: 0 },
      people: hostile.map((name, i) => ({
        userId: i + 1,
        name,
        email: `p${i}@example.test`,
        timeZone: "UTC",
        hours: i,
        goals: [],
        completions: [
          {
            credential: `${name} cert`,
            provider: name,
            completedAt: new Date("2026-10-02T12:00:00Z"),
            verified: i % 2 === 0,
            status: i % 2 === 0 ? "verified" : "link_only",
            revoked: false,
            trusted: i % 2 === 0,
            issuerDomain: i % 2 === 0 ? "coursera.org" : null,
          },
        ],
      })),
    };
    const rows = parse(reportCsv(report), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.person)).toEqual(hostile.map(defuse));
    expect(rows.map((r) => r.person)).toEqual([
      'O"Brien, "Bob"',
      "Line\nbreak, and comma",
      `'=HYPERLINK("http://evil.test","click")`,
      "'+1 555",
      "'-2+3",
      "'@SUM(A1:A2)",
      "Ünïcødé 🚀",
    ]);
    expect(rows.map((r) => r.provider)).toEqual(hostile.map(defuse));
    expect(rows.map((r) => r.hours)).toEqual(["0", "1", "2", "3", "4", "5", "6"]);
    expect(rows[0]!.completed_on).toBe("2026-10-02");
    expect(rows.slice(0, 2).map((r) => [r.verified, r.verification, r.issued_by])).toEqual([
      ["yes", "verifiedBy", "coursera.org"],
      ["no", "link_only", ""],
    ]);
  });
});

describe("stackup org import", () => {
  let t: TestDatabase;
  let dir: string;
  const out: string[] = [];
  const err: string[] = [];
  const deps = () => ({
    db: t.db,
    stdout: (s: string) => out.push(s),
    stderr: (s: string) => err.push(s),
  });

  beforeAll(async () => {
    t = await createTestDatabase("org_import");
    dir = await mkdtemp(join(tmpdir(), "org-import-"));
    const core = createCore({ db: t.db, clock: new ManualClock("2026-10-26T08:00:00Z") }, [
      orgFeature,
    ]);
    for (const [id, name] of [
      ["U1", "Ann"],
      ["U2", "Ben"],
      ["U3", "Cy"],
    ] as const) {
      await core.command(
        actor(id, name, { email: `${name.toLowerCase()}@example.test` }),
        "leaderboard",
      );
    }
  });
  afterAll(async () => {
    await t?.drop();
  });

  async function run(csv: string) {
    out.length = 0;
    err.length = 0;
    const file = join(dir, `org-${Math.random().toString(36).slice(2)}.csv`);
    await writeFile(file, csv);
    return orgImportCommand([file], deps());
  }

  it("reports each bad row and imports nothing", async () => {
    const code = await run(
      [
        "email,team,manager_email,role",
        "ann@example.test,Platform,ben@example.test,member",
        "not-an-email,Platform,,",
        "ben@example.test,Platform,ben@example.test,boss",
        "ann@example.test,,,",
      ].join("\n"),
    );
    expect(code).toBe(1);
    expect(err.slice(1, -1)).toEqual([
      'line 3: "not-an-email" is not an email address',
      'line 4: someone can\'t be their own manager; role must be member, manager or admin, not "boss"',
      "line 5: ann@example.test is already on line 2",
    ]);
    expect(err.at(-1)).toBe("nothing imported");
    expect(await t.db.selectFrom("teams").selectAll().execute()).toEqual([]);
  });

  it("refuses unknown people and manager loops without a trace", async () => {
    expect(
      await run(
        "email,team,manager_email,role\nann@example.test,Platform,ben@example.test,\nben@example.test,Platform,ann@example.test,\nzed@example.test,,,\n",
      ),
    ).toBe(1);
    expect(err).toContain(
      "line 4: no one with zed@example.test has used Stackup in this workspace yet",
    );
    expect(
      await run(
        "email,team,manager_email,role\nann@example.test,Platform,ben@example.test,\nben@example.test,Platform,ann@example.test,\n",
      ),
    ).toBe(1);
    expect(err).toContain("line 2: ann@example.test's chain of managers loops back on itself");
    expect(await t.db.selectFrom("org_people").selectAll().execute()).toEqual([]);
  });

  it("imports a good file in one go", async () => {
    const code = await run(
      "email,team,manager_email,role\r\nann@example.test,Platform,cy@example.test,\r\nBEN@example.test,platform,cy@example.test,member\r\ncy@example.test,Leads,,manager\r\n",
    );
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out[0]).toMatch(
      /imported 3 people: 2 teams created, 3 memberships added, 2 managers set, 2 roles set\.$/,
    );
    const people = await t.db
      .selectFrom("org_people")
      .innerJoin("users", "users.id", "org_people.user_id")
      .leftJoin("users as m", "m.id", "org_people.manager_id")
      .select(["users.display_name as name", "m.display_name as manager", "org_people.role"])
      .orderBy("users.display_name")
      .execute();
    expect(people).toEqual([
      { name: "Ann", manager: "Cy", role: null },
      { name: "Ben", manager: "Cy", role: "member" },
      { name: "Cy", manager: null, role: "manager" },
    ]);
  });

  it("takes a team's digest channel from the optional channel column", async () => {
    const teams = () =>
      t.db.selectFrom("teams").select(["name", "channel_id"]).where("name", "=", "Leads").execute();
    const before = await teams();
    expect(
      await run(
        [
          "email,team,manager_email,role,channel",
          "ann@example.test,Leads,,,#leads",
          "ben@example.test,,,,C0LEADS",
          "cy@example.test,Leads,,,C0OTHER",
          "dee@example.test,Leads,,,C0LEADS",
        ].join("\n"),
      ),
    ).toBe(1);
    expect(err.slice(1, -1)).toEqual([
      'line 2: channel "#leads" is not a Slack channel id (C…), a Teams channel id (19:…) or a Teams channel link',
      "line 3: a channel needs a team on the same line",
      "line 5: Leads already has another channel on line 4",
    ]);
    // A Teams channel in this Slack workspace is refused by name, and nothing changes.
    expect(
      await run(
        "email,team,manager_email,role,channel\ncy@example.test,Leads,,,19:abc@thread.tacv2\n",
      ),
    ).toBe(1);
    expect(err).toContain(
      "line 2: channel 19:abc@thread.tacv2 is a Teams channel, but this workspace is on Slack",
    );
    expect(await teams()).toEqual(before);
    expect(
      await run(
        "email,team,manager_email,role,channel\ncy@example.test,Leads,,,C0LEADS\nann@example.test,Leads,,,C0LEADS\n",
      ),
    ).toBe(0);
    expect(await teams()).toEqual([{ name: "Leads", channel_id: "C0LEADS" }]);
  });

  it("takes a team's digest language from the optional language column", async () => {
    const language = async () =>
      (
        await t.db
          .selectFrom("teams")
          .select("locale")
          .where("name", "=", "Leads")
          .executeTakeFirstOrThrow()
      ).locale;
    expect(
      await run(
        [
          "email,team,manager_email,role,language",
          "ann@example.test,Leads,,,klingon",
          "ben@example.test,,,,de",
          "cy@example.test,Leads,,,de",
          "dee@example.test,Leads,,,fr",
        ].join("\n"),
      ),
    ).toBe(1);
    expect(err.slice(1, -1)).toEqual([
      `line 2: language "klingon" is not one Stackup speaks (${LOCALES.join(", ")})`,
      "line 3: a language needs a team on the same line",
      "line 5: Leads already has another language on line 4",
    ]);
    expect(await language()).toBeNull();
    expect(
      await run("email,team,manager_email,role,language\ncy@example.test,Leads,,,pt_br\n"),
    ).toBe(0);
    expect(await language()).toBe("pt-BR");
  });
});
