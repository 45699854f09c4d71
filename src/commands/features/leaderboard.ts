import type { OrgService } from "../../domain/org/service.ts";
import { currentLeaderboard } from "../../domain/reports/leaderboard.ts";
import { problemMessage, tr } from "../../messages/goals.ts";
import { privateReply, type Reply } from "../../messages/model.ts";
import { leaderboardMessage } from "../../messages/org.ts";
import { saidMessage } from "../../messages/org-admin.ts";
import { type FeatureCommand, type FeatureDeps, problemIn, type Session } from "../feature.ts";
import { LEADERBOARD_USAGE, parseLeaderboard } from "./org-grammar.ts";

/** `/learn leaderboard [team] [week|month|quarter|all]` and `… optout hidden|anonymous|off`. */
export function leaderboardCommand(deps: FeatureDeps, org: OrgService): FeatureCommand {
  return {
    name: "leaderboard",
    aliases: ["leaders"],
    usage: LEADERBOARD_USAGE,
    description: "Your team's ranks by points; opt out with leaderboard optout.",
    async run(s: Session, args: string): Promise<Reply> {
      const cmd = parseLeaderboard(args, tr(s.ctx));
      if (cmd.type === "invalid")
        return privateReply(problemMessage(cmd.message, cmd.usage, s.ctx.locale));
      if (cmd.type === "optout") {
        await org.setLeaderboardChoice(s.user, cmd.choice);
        return privateReply(
          saidMessage(s.ctx.locale, "leaderboard.choice", { choice: cmd.choice }),
        );
      }
      const ws = s.user.workspace_id;
      let userIds: number[];
      let scope: string | null;
      if (cmd.team) {
        const team = await org.repo.team(ws, cmd.team);
        if (!team) return problemIn(s, "org.noTeam", { team: cmd.team }, LEADERBOARD_USAGE);
        userIds = await org.repo.memberIds(team.id);
        scope = team.name;
      } else {
        const teams = await org.repo.teamsOf(s.user.id);
        if (teams[0]) {
          userIds = await org.repo.memberIds(teams[0].id);
          scope = teams[0].name;
        } else {
          const everyone = await org.repo.db
            .selectFrom("users")
            .where("workspace_id", "=", ws)
            .select("id")
            .execute();
          userIds = everyone.map((u) => u.id);
          scope = null;
        }
      }
      const at = { now: deps.clock.now(), zone: s.ctx.timeZone };
      const board = await currentLeaderboard(deps.db, userIds, cmd.period, at, s.user.id);
      return privateReply(leaderboardMessage(board, scope, s.ctx.locale));
    },
  };
}
