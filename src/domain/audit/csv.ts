import { stringify } from "csv-stringify/sync";
import { defuse } from "../reports/csv.ts";
import type { AuditRow } from "./log.ts";

/** Audit entries as CSV, subjects by name (ids of people since erased stay unnamed). */
export function auditCsv(rows: AuditRow[], names: Map<number, string>): string {
  return stringify(
    rows.map((r) => [
      r.at.toISOString(),
      defuse(r.actorName ?? ""),
      defuse(r.action),
      defuse(r.scope),
      defuse(r.subjectIds.map((id) => names.get(id) ?? `#${id}`).join("; ")),
      defuse(JSON.stringify(r.detail)),
    ]),
    { header: true, columns: ["at", "actor", "action", "scope", "about", "detail"] },
  );
}
