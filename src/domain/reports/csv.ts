import { stringify } from "csv-stringify/sync";
import { DateTime } from "luxon";
import { shownLabel } from "../verification/service.ts";
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

/**
 * The report's rows as CSV: one row per completion, and one row for a person with none, so the
 * per-person columns repeat on each of their completion rows.
 */
export function reportCsv(report: Report): string {
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
        c.verified ? "yes" : "no",
        shownLabel(c),
        // the proven issuer domain, only beside ✓
        defuse(c.verified ? (c.issuerDomain ?? "") : ""),
      ]);
    }
  }
  return stringify(rows, { header: true, columns: [...REPORT_COLUMNS], record_delimiter: "\r\n" });
}
