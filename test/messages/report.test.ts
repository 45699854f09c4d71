import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, Core } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import { AUDIT_COLUMNS } from "../../src/domain/audit/csv.ts";
import type { GoalPace } from "../../src/domain/goals/pace.ts";
import { PROGRESS_COLUMNS } from "../../src/domain/privacy/export.ts";
import { REPORT_COLUMNS, reportCsv } from "../../src/domain/reports/csv.ts";
import type { PersonReport, Report } from "../../src/domain/reports/report.ts";
import { PSEUDO_LOCALE } from "../../src/i18n/index.ts";
import { type Message, messageText } from "../../src/messages/model.ts";
import {
  csvHeader,
  monthlySummaryMessage,
  reportCsvWords,
  reportMessage,
  reportRefusedMessage,
  reportsForManagersMessage,
  scopeName,
  summaryChoiceMessage,
} from "../../src/messages/report.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { actor } from "../org/seed.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { goalView, now, pseudo, untranslated, ZONE } from "./fixtures.ts";

const L = PSEUDO_LOCALE;
const STATES: GoalPace["state"][] = [
  "ahead",
  "on track",
  "behind",
  "not started",
  "done",
  "unknown",
];

function person(i: number): PersonReport {
  const pace = goalView().pace;
  return {
    userId: i,
    name: `Person ${i}`,
    email: `p${i}@example.test`,
    timeZone: "UTC",
    hours: 2.5,
    goals: [
      ...STATES.map((state, j) => ({
        title: `Goal ${j}`,
        status: "active" as const,
        pace: { ...pace, state, totalHours: j % 2 ? null : 30 },
        stalled: j === 2,
      })),
      { title: "Goal P", status: "paused" as const, pace, stalled: false },
    ],
    completions: [
      {
        credential: "Cloud Basics",
        provider: i % 2 ? "Acme" : null,
        completedAt: new Date("2026-11-02T12:00:00Z"),
        verified: true,
        status: "verified",
        revoked: false,
        trusted: true,
        issuerDomain: "acme.example",
      },
    ],
  };
}

function report(people: number): Report {
  return {
    window: { period: "month", firstDay: "2026-11-01", lastDay: "2026-11-30" } as Report["window"],
    summary: { people, active: people - 1, hours: people * 2.5, completions: people },
    people: Array.from({ length: people }, (_, i) =>
      i === 0 ? { ...person(0), goals: [], completions: [] } : person(i),
    ),
  };
}

const DATA = [
  ...Array.from({ length: 30 }, (_, i) => `Person ${i}`),
  ...["Goal 0", "Goal 1", "Goal 2", "Goal 3", "Goal 4", "Goal 5", "Goal P"],
  "Cloud Basics",
  "Acme",
  "acme.example",
  "Platform",
  "Mia",
];

describe("reports under the pseudo-locale", () => {
  it("every word of a report, its refusals and summary replies comes from the catalogue", () => {
    const messages: Message[] = [
      reportMessage(report(25), scopeName({ of: "workspace" }, L), pseudo, null),
      reportMessage(report(3), scopeName({ of: "manager", name: "Mia" }, L), pseudo, null),
      reportMessage(
        report(2),
        scopeName({ of: "team", name: "Platform", visible: 1, members: 3 }, L),
        pseudo,
        null,
      ),
      monthlySummaryMessage(report(2), pseudo),
      reportsForManagersMessage(L),
      summaryChoiceMessage("on", L),
      summaryChoiceMessage("off", L),
      summaryChoiceMessage("members", L),
      reportRefusedMessage({ reason: "members" }, L),
      reportRefusedMessage({ reason: "unknownPerson" }, L),
      reportRefusedMessage({ reason: "notYourChain" }, L),
      reportRefusedMessage({ reason: "noTeam", team: "Platform" }, L),
      reportRefusedMessage({ reason: "noneReportToYou", team: "Platform" }, L),
    ];
    for (const m of messages) expect(untranslated(m, DATA)).toEqual([]);
  });

  it("writes the CSV's header row and words from the catalogue, in the fixed column order", () => {
    const rows = parse(reportCsv(report(3), reportCsvWords(L))) as string[][];
    expect(rows[0]).toHaveLength(REPORT_COLUMNS.length);
    for (const cell of rows[0]!) expect(cell).toMatch(/^⟦[^⟦⟧]+⟧$/);
    // verified (yes) and verification (its label) are words too; dates stay ISO.
    expect(rows[2]!.slice(8, 11)).toEqual([
      "2026-11-02",
      "⟦yes⟧",
      "⟦✓ verified · issued by acme.example⟧",
    ]);
  });
});

describe("the audit and progress CSVs' header rows", () => {
  it("come from the catalogue, one name per column", () => {
    for (const columns of [AUDIT_COLUMNS, PROGRESS_COLUMNS]) {
      const header = csvHeader(columns, L);
      expect(header).toHaveLength(columns.length);
      for (const cell of header) expect(cell).toMatch(/^⟦[^⟦⟧]+⟧$/);
      expect(new Set(csvHeader(columns, "en")).size).toBe(columns.length);
    }
    expect(csvHeader(PROGRESS_COLUMNS, "ja")).toEqual(["日付", "目標", "時間", "メモ"]);
  });
});

describe("reports in German and Japanese", () => {
  const de = { now, timeZone: ZONE, locale: "de-DE" };
  const ja = { now, timeZone: "Asia/Tokyo", locale: "ja-JP" };

  it("German: title, fields, pace words and dates", () => {
    const text = messageText(reportMessage(report(2), scopeName({ of: "mine" }, "de"), de, null));
    expect(text).toContain("Bericht · deine Mitarbeitenden · November 2026");
    expect(text).toContain("Aktive Personen: 1 von 2");
    expect(text).toContain("Goal 0 (2 Std. von 30 Std., voraus)");
    expect(text).toContain("Goal 2 (2 Std. von 30 Std., im Rückstand)");
    expect(text).toContain("Goal P (2 Std. von 30 Std., pausiert)");
    expect(text).toContain(
      "Cloud Basics (Acme), 2. Nov. 2026, ✓ verifiziert · ausgestellt von acme.example",
    );
    const csv = parse(reportCsv(report(2), reportCsvWords("de"))) as string[][];
    expect(csv[0]).toEqual([
      "Person",
      "E-Mail",
      "Stunden",
      "Aktive Ziele",
      "Stockende Ziele",
      "Abschlüsse",
      "Credential",
      "Anbieter",
      "Abgeschlossen am",
      "Verifiziert",
      "Verifizierung",
      "Ausgestellt von",
    ]);
    expect(csv[2]![9]).toBe("ja");
  });

  it("Japanese: the monthly summary", () => {
    const text = messageText(monthlySummaryMessage(report(2), ja));
    expect(text).toContain("レポート · あなたの部下 · 2026年11月");
    expect(text).toContain("アクティブな人: 2人中1人");
    expect(text).toContain("月次のまとめです。report summary off でオフにできます。");
  });
});

describe("report and leaderboard replies through the core", () => {
  let t: TestDatabase;
  let core: Core;
  const clock = new ManualClock("2026-11-30T09:00:00Z");
  const ada = actor("U0ADMIN", "Ada", { admin: true });
  const mia = actor("U0M1", "Mia");
  const rita = actor("U0R1", "Rita");
  const rob = actor("U0R2", "Rob");
  const said = async (who: Actor, text: string) => {
    const reply = await core.command(who, text);
    if (reply.kind !== "message") throw new Error(reply.kind);
    return reply.message;
  };

  beforeAll(async () => {
    t = await createTestDatabase("messages_report");
    core = createCore({ db: t.db, clock });
    for (const a of [ada, mia, rita, rob]) await core.command(a, "leaderboard");
    await core.command(ada, "admin team create Platform");
    await core.command(ada, "admin team create Other");
    await core.command(ada, "admin team add Other <@U0R2|rob>");
    await core.command(ada, "admin manager <@U0R1|rita> <@U0M1|mia>");
    for (const a of [mia, rita]) await core.command(a, `settings language ${L}`);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("says every reply in the catalogue's words", async () => {
    const replies: [string, Message][] = [];
    const run = async (who: Actor, text: string) => replies.push([text, await said(who, text)]);
    for (const c of [
      "report summary on",
      "report summary off",
      "report <@U0R1|rita> <@U0R2|rob>",
      "report <#C1|general>",
      "report Nope",
      "report <@U0NOBODY|nobody>",
      "report <@U0R2|rob>",
      "report Other",
      "report month csv",
      "leaderboard optout hidden",
      "leaderboard optout anonymous",
      "leaderboard optout off",
      "leaderboard optout",
      "leaderboard optout maybe",
      "leaderboard <@U0R1|rita>",
      "leaderboard Nope",
    ]) {
      await run(mia, c);
    }
    await run(rita, "report");
    await run(rita, "report summary on");
    const data = [...DATA, "Nope", "Other", "Rita", "Rob", "rita", "rob", "maybe", "nobody"];
    const leftOver = replies.flatMap(([c, m]) => untranslated(m, data).map((r) => `${c}: ${r}`));
    expect(leftOver).toEqual([]);
    for (const [, m] of replies) expect(m.summary).toMatch(/⟦/);
    const csv = replies.find(([c]) => c === "report month csv")![1].files![0]!;
    expect(csv.title).toMatch(/^⟦.*⟧$/);
    const header = (parse(Buffer.from(csv.data)) as string[][])[0]!;
    expect(header.every((cell) => /^⟦.+⟧$/.test(cell))).toBe(true);
  });
});
