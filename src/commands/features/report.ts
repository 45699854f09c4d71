import type { OrgService } from "../../domain/org/service.ts";
import { takeLimit } from "../../domain/privacy/limits.ts";
import { reportScope } from "../../domain/reports/access.ts";
import { reportCsv } from "../../domain/reports/csv.ts";
import { buildReport } from "../../domain/reports/report.ts";
import { currentWindow } from "../../domain/scoring/periods.ts";
import { problemMessage, tr } from "../../messages/goals.ts";
import { privateReply, type Reply } from "../../messages/model.ts";
import { rateLimitedMessage } from "../../messages/privacy.ts";
import {
  reportCsvFile,
  reportCsvWords,
  reportMessage,
  reportRefusedMessage,
  reportsForManagersMessage,
  scopeName,
  summaryChoiceMessage,
} from "../../messages/report.ts";
import type { FeatureCommand, FeatureDeps, Session } from "../feature.ts";
import { parseReport, REPORT_USAGE } from "./org-grammar.ts";

/** `/learn report [@manager|team] [week|month|quarter|year] [csv]`, and `report summary on|off`. */
export function reportCommand(deps: FeatureDeps, org: OrgService): FeatureCommand {
  return {
    name: "report",
    usage: REPORT_USAGE,
    description: "What your reports completed (managers and admins).",
    async run(s: Session, args: string): Promise<Reply> {
      const locale = s.ctx.locale;
      const cmd = parseReport(args, tr(s.ctx));
      if (cmd.type === "invalid")
        return privateReply(problemMessage(cmd.message, cmd.usage, locale));
      const role = await org.roleOf(s.user);
      if (cmd.type === "summary") {
        if (role === "member") return privateReply(summaryChoiceMessage("members", locale));
        await org.setMonthlySummary(s.user, cmd.on);
        // An admin with no one reporting to them has nothing to summarise yet: say so.
        const choice = !cmd.on ? "off" : (await org.getsSummaries(s.user)) ? "on" : "noReports";
        return privateReply(summaryChoiceMessage(choice, locale));
      }
      if (role === "member") return privateReply(reportsForManagersMessage(locale));
      const scope = await reportScope(org, s.user, role, cmd);
      if (!scope.ok) return privateReply(reportRefusedMessage(scope, locale));
      const now = deps.clock.now();
      const limit = await takeLimit(deps.db, s.user.id, "report", now);
      if (!limit.ok) return privateReply(rateLimitedMessage("report", limit, locale));
      const window = currentWindow(cmd.period, now, s.ctx.timeZone);
      const report = await buildReport(deps.db, scope.userIds, window, now);
      await org.audit(s.user, s.user.workspace_id, "report.view", scope.label, scope.userIds, {
        period: cmd.period,
        from: window.from.toISOString(),
        to: window.to.toISOString(),
        csv: cmd.csv,
      });
      const name = scopeName(scope.name, locale);
      const csv = cmd.csv
        ? reportCsvFile(reportCsv(report, reportCsvWords(locale)), window, name, locale)
        : null;
      return privateReply(reportMessage(report, name, s.ctx, csv));
    },
  };
}
