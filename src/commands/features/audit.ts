import { AUDIT_COLUMNS, auditCsv } from "../../domain/audit/csv.ts";
import { readAudit, writeAudit } from "../../domain/audit/log.ts";
import type { OrgService } from "../../domain/org/service.ts";
import { translator } from "../../i18n/index.ts";
import { privateReply, type Reply } from "../../messages/model.ts";
import { auditMessage } from "../../messages/privacy.ts";
import { csvHeader } from "../../messages/report.ts";
import { type FeatureDeps, problemIn, type Session } from "../feature.ts";
import { tokenize } from "./org-grammar.ts";

export const AUDIT_USAGE = "admin audit [days] [@person]";
const MAX_DAYS = 366;

/** `/learn admin audit [days] [@person]`: recent entries, and all of them as CSV. Admins only. */
export function auditAdmin(deps: FeatureDeps, org: OrgService) {
  return async (s: Session, args: string): Promise<Reply> => {
    let days = 30;
    let subject: number | undefined;
    for (const t of tokenize(args)) {
      if (t.kind === "word" && /^\d{1,4}$/.test(t.text)) {
        days = Number(t.text);
        if (days < 1 || days > MAX_DAYS)
          return problemIn(s, "admin.auditDays", { max: MAX_DAYS }, AUDIT_USAGE);
      } else if (t.kind === "person" && subject === undefined) {
        const found = await org.resolve(s.user.workspace_id, [t.ref]);
        if (!found.ok)
          return problemIn(s, "report.refused", { reason: "unknownPerson" }, AUDIT_USAGE);
        subject = found.people[0]!.id;
      } else {
        return problemIn(s, "admin.auditArgs", {}, AUDIT_USAGE);
      }
    }
    const now = deps.clock.now();
    const since = new Date(now.getTime() - days * 86_400_000);
    const ws = s.user.workspace_id;
    const rows = await deps.db.transaction().execute(async (trx) => {
      // Reading the audit is itself recorded, with the entries it showed.
      const found = await readAudit(trx, ws, { since, subjectId: subject });
      await writeAudit(trx, {
        workspaceId: ws,
        actorId: s.user.id,
        action: "audit.view",
        scope: subject === undefined ? "workspace" : "person",
        subjectIds: subject === undefined ? [] : [subject],
        detail: { days, entries: found.length },
        at: now,
      });
      return found;
    });
    const ids = [...new Set(rows.flatMap((r) => r.subjectIds))];
    const people = ids.length
      ? await deps.db
          .selectFrom("users")
          .where("workspace_id", "=", ws)
          .where("id", "in", ids)
          .select(["id", "display_name"])
          .execute()
      : [];
    const names = new Map(people.map((p) => [p.id, p.display_name]));
    const file = rows.length
      ? {
          filename: `stackup-audit-${now.toISOString().slice(0, 10)}.csv`,
          contentType: "text/csv",
          data: new TextEncoder().encode(
            auditCsv(rows, names, csvHeader(AUDIT_COLUMNS, s.ctx.locale)),
          ),
          title: translator(s.ctx.locale).t("csv.auditFile"),
        }
      : null;
    return privateReply(auditMessage(rows, names, days, s.ctx, file));
  };
}
