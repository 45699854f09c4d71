import { stringify } from "csv-stringify/sync";
import { defuse } from "../reports/csv.ts";
import type { AuditRow } from "./log.ts";

/** The audit CSV's columns, in order; `header` names them in the reader's language. */
export const AUDIT_COLUMNS = ["at", "actor", "action", "scope", "about", "detail"] as const;

/** Audit entries as CSV, subjects by name (ids of people since erased stay unnamed). */
export function auditCsv(
  rows: AuditRow[],
  names: Map<number, string>,
  header: readonly string[] = AUDIT_COLUMNS,
): string {
  return stringify([
    header.map(defuse),
    ...rows.map((r) => [
      r.at.toISOString(),
      defuse(r.actorName ?? ""),
      defuse(r.action),
      defuse(r.scope),
      defuse(r.subjectIds.map((id) => names.get(id) ?? `#${id}`).join("; ")),
      defuse(JSON.stringify(r.detail)),
    ]),
  ]);
}
