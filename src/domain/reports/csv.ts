import { stringify } from "csv-stringify/sync";
import { DateTime } from "luxon";
import { type ShownVerification, shownState } from "../verification/service.ts";
import type { Report } from "./report.ts";

/**
 * Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a formula,
 * so such text cells get a leading apostrophe, which spreadsheets show as plain text. Numbers are
 * written as numbers.
 */
export function defuse(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

export const REPORT_COLUMNS = [
  "person",
  "email",
  "hours",
  "active_goals",
  "stalled_goals",
  "completions",
  "credential",
  "provider",
  "completed_on",
  "verified",
  "verification",
  "issued_by",
] as const;

export type ReportColumn = (typeof REPORT_COLUMNS)[number];

/**
 * The words a report's CSV is written in: the header row's names (the columns keep the order of
 * `REPORT_COLUMNS`), the `verified` column's yes and no, and the `verification` column's label.
 */
export interface ReportCsvWords {
  columns: Record<ReportColumn, string>;
  yes: string;
  no: string;
  verification(c: ShownVerification): string;
}

/** The machine names of the columns, yes/no and verification states. */
export const MACHINE_WORDS: ReportCsvWords = {
  columns: Object.fromEntries(REPORT_COLUMNS.map((c) => [c, c])) as Record<ReportColumn, string>,
  yes: "yes",
  no: "no",
  verification: shownState,
};

/**
 * The report's rows as CSV: one row per completion, and one row for a person with none, so the
 * per-person columns repeat on each of their completion rows. Dates stay ISO and hours numbers.
 */
export function reportCsv(report: Report, words: ReportCsvWords = MACHINE_WORDS): string {
  const rows: (string | number)[][] = [];
  for (const p of report.people) {
    const active = p.goals.map((g) => g.title).join("; ");
    const stalled = p.goals
      .filter((g) => g.stalled)
      .map((g) => g.title)
      .join("; ");
    const base = [
      defuse(p.name),
      defuse(p.email ?? ""),
      p.hours,
      defuse(active),
      defuse(stalled),
      p.completions.length,
    ];
    if (p.completions.length === 0) rows.push([...base, "", "", "", "", "", ""]);
    for (const c of p.completions) {
      rows.push([
        ...base,
        defuse(c.credential),
        defuse(c.provider ?? ""),
        DateTime.fromJSDate(c.completedAt, { zone: p.timeZone }).toISODate()!,
        c.verified ? words.yes : words.no,
        defuse(words.verification(c)),
        // the proven issuer domain, only beside ✓
        defuse(c.verified ? (c.issuerDomain ?? "") : ""),
      ]);
    }
  }
  const header = REPORT_COLUMNS.map((key) => defuse(words.columns[key]));
  return stringify([header, ...rows], { record_delimiter: "\r\n" });
}
