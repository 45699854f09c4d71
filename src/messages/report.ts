import { DateTime } from "luxon";
import type { Refusal, ScopeName } from "../domain/reports/access.ts";
import { REPORT_COLUMNS, type ReportColumn, type ReportCsvWords } from "../domain/reports/csv.ts";
import type { PersonReport, Report, ReportGoal } from "../domain/reports/report.ts";
import type { Window } from "../domain/scoring/periods.ts";
import { type ShownVerification, shownState } from "../domain/verification/service.ts";
import { type Translator, translator } from "../i18n/index.ts";
import type { ViewContext } from "./goals.ts";
import type { Attachment, Block, Field, Message } from "./model.ts";

/** A completion's label where others see it, in the locale (the words of `shownState`). */
export function shownVerificationLabel(c: ShownVerification, locale?: string): string {
  const state = shownState(c);
  return translator(locale).t("verification.shown", { state, issuer: c.issuerDomain ?? "" });
}

const text = (summary: string): Message => ({
  summary,
  blocks: [{ type: "text", text: [summary] }],
});

/** A period in the locale: "December 2026", "Q4 2026", "1 Dec – 7 Dec 2026", "all time". */
export function windowIn(w: Window, t: Translator): string {
  if (w.period === "all") return t.t("leaderboard.allTime");
  const at = (iso: string) => new Date(`${iso}T12:00:00Z`);
  const format = (options: Intl.DateTimeFormatOptions, iso: string) =>
    new Intl.DateTimeFormat(t.locale, { ...options, timeZone: "UTC" }).format(at(iso));
  if (w.period === "month") return format({ month: "long", year: "numeric" }, w.firstDay);
  if (w.period === "year") return format({ year: "numeric" }, w.firstDay);
  if (w.period === "quarter") {
    const quarter = Math.floor(Number(w.firstDay.slice(5, 7)) / 3 - 0.01) + 1;
    return t.t("leaderboard.quarter", { quarter, year: w.firstDay.slice(0, 4) });
  }
  return `${t.shortDate(w.firstDay)} – ${t.shortDate(w.lastDay, true)}`;
}

/** Whom a report covers, as the asker reads it: "your reports", "Platform (2 of 3 …)". */
export function scopeName(name: ScopeName, locale?: string): string {
  const t = translator(locale);
  if (name.of === "team" && name.visible < name.members) {
    return t.t("report.scope", { ...name, of: "part" });
  }
  return t.t("report.scope", { name: "", ...name });
}

/** Why a report was refused, in the asker's language. */
export function reportRefusedMessage(refusal: Refusal, locale?: string): Message {
  if (refusal.reason === "members") return reportsForManagersMessage(locale);
  const team = "team" in refusal ? refusal.team : "";
  return text(translator(locale).t("report.refused", { reason: refusal.reason, team }));
}

/** A member asked for a report: where their own and their team's progress are instead. */
export function reportsForManagersMessage(locale?: string): Message {
  const t = translator(locale);
  const rich = t.rich("report.forManagers", {
    goals: { command: "goals" },
    leaderboard: { command: "leaderboard" },
  });
  return { summary: t.t("report.forManagersSummary"), blocks: [{ type: "text", text: rich }] };
}

/** `report summary on|off` and its refusal for members. */
export function summaryChoiceMessage(
  choice: "on" | "off" | "noReports" | "members",
  locale?: string,
): Message {
  return text(translator(locale).t("report.summaryChoice", { choice }));
}

const PACE_STATES: Record<string, string> = {
  ahead: "ahead",
  "on track": "onTrack",
  behind: "behind",
  "not started": "notStarted",
  done: "done",
};

function goalLine(g: ReportGoal, t: Translator): string {
  return t.t("report.goalLine", {
    title: g.title,
    logged: t.hours(g.pace.loggedHours),
    hasTotal: g.pace.totalHours ? "yes" : "no",
    total: t.hours(g.pace.totalHours ?? 0),
    state: g.status === "paused" ? "paused" : (PACE_STATES[g.pace.state] ?? "unknown"),
  });
}

function personBlocks(p: PersonReport, ctx: ViewContext, t: Translator): Block[] {
  const none = t.t("report.none");
  const fields: Field[] = [
    { label: t.t("report.hours"), value: [t.hours(p.hours)] },
    {
      label: t.t("report.activeGoals"),
      value: [p.goals.length === 0 ? none : p.goals.map((g) => goalLine(g, t)).join("; ")],
    },
  ];
  const completions = p.completions.map((c) =>
    t.t("report.completionLine", {
      credential: c.credential,
      hasProvider: c.provider ? "yes" : "no",
      provider: c.provider ?? "",
      date: t.shortDate(
        DateTime.fromJSDate(c.completedAt, { zone: ctx.timeZone }).toISODate() ?? "",
        true,
      ),
      label: shownVerificationLabel(c, t.locale),
    }),
  );
  fields.push({
    label: t.t("report.completions"),
    value: [completions.length === 0 ? none : completions.join("; ")],
  });
  const stalled = p.goals.filter((g) => g.stalled);
  if (stalled.length > 0)
    fields.push({ label: t.t("report.stalled"), value: [stalled.map((g) => g.title).join("; ")] });
  return [
    { type: "text", text: [{ bold: p.name }] },
    { type: "fields", fields },
  ];
}

/** Slack allows 50 blocks a message; the CSV always carries everyone. */
const MAX_PEOPLE_SHOWN = 20;

/** A manager's report on `scope` (named with `scopeName`), in `ctx.locale`. */
export function reportMessage(
  report: Report,
  scope: string,
  ctx: ViewContext,
  csv: Attachment | null,
): Message {
  const t = translator(ctx.locale);
  const s = report.summary;
  const title = t.t("report.title", { scope, window: windowIn(report.window, t) });
  const blocks: Block[] = [
    { type: "header", text: title },
    {
      type: "fields",
      fields: [
        { label: t.t("report.completions"), value: [t.num(s.completions)] },
        { label: t.t("report.hours"), value: [t.hours(s.hours)] },
        {
          label: t.t("report.peopleActive"),
          value: [t.t("report.activeOf", { active: t.num(s.active), people: t.num(s.people) })],
        },
      ],
    },
  ];
  for (const p of report.people.slice(0, MAX_PEOPLE_SHOWN)) {
    blocks.push({ type: "divider" }, ...personBlocks(p, ctx, t));
  }
  if (report.people.length > MAX_PEOPLE_SHOWN) {
    blocks.push({
      type: "context",
      text: t.rich("report.showing", {
        shown: MAX_PEOPLE_SHOWN,
        count: report.people.length,
        csv: { code: "csv" },
      }),
    });
  }
  const summary = t.t("report.summary", {
    title,
    count: s.completions,
    hours: t.hours(s.hours),
    active: t.num(s.active),
    people: t.num(s.people),
  });
  return { summary, blocks, ...(csv ? { files: [csv] } : {}) };
}

/** The monthly summary a manager gets by DM, in their language. */
export function monthlySummaryMessage(report: Report, ctx: ViewContext): Message {
  const message = reportMessage(report, scopeName({ of: "mine" }, ctx.locale), ctx, null);
  message.blocks.push({
    type: "context",
    text: translator(ctx.locale).rich("report.monthly", {
      command: { code: "report summary off" },
    }),
  });
  return message;
}

/** The words of a report's CSV in the locale: a localised header row, in the fixed column order. */
export function reportCsvWords(locale?: string): ReportCsvWords {
  const t = translator(locale);
  const columns = Object.fromEntries(
    REPORT_COLUMNS.map((column) => [column, t.t("report.column", { column })]),
  ) as Record<ReportColumn, string>;
  return {
    columns,
    yes: t.t("report.yes"),
    no: t.t("report.no"),
    verification: (c) => shownVerificationLabel(c, t.locale),
  };
}

/**
 * The header row of the audit or progress CSV in the locale; the columns keep the order of
 * `AUDIT_COLUMNS` and `PROGRESS_COLUMNS`.
 */
export function csvHeader(columns: readonly string[], locale?: string): string[] {
  const t = translator(locale);
  return columns.map((column) => t.t("csv.column", { column }));
}

/** The CSV file's name and title; the name stays ASCII for every file system. */
export function reportCsvFile(
  data: string,
  window: Window,
  scope: string,
  locale?: string,
): Attachment {
  return {
    filename: `stackup-report-${window.firstDay}-to-${window.lastDay}.csv`,
    contentType: "text/csv",
    data: new TextEncoder().encode(data),
    title: translator(locale).t("report.csvTitle", { scope }),
  };
}
