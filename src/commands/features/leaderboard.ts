import type { OrgService } from "../../domain/org/service.ts";
import { currentLeaderboard } from "../../domain/reports/leaderboard.ts";
import { problemMessage } from "../../messages/goals.ts";
import { privateReply, type Reply } from "../../messages/model.ts";
import { leaderboardMessage, textMessage } from "../../messages/org.ts";
import type { FeatureCommand, FeatureDeps, Session } from "../feature.ts";
import { LEADERBOARD_USAGE, parseLeaderboard } from "./org-grammar.ts";

const CHOICE_TEXT = {
  shown: "You appear on leaderboards and digests by name again.",
  anonymous:
    "Leaderboards and digests now count what you do without naming you or listing it. You can still see your own place.",
  hidden: "You no longer appear on leaderboards or in digests. You can still see your own place.",
};

/** `/learn leaderboard [team] [week|month|quarter|all]` and `… optout hidden|anonymous|off`. */
export function leaderboardCommand(deps: FeatureDeps, org: OrgService): FeatureCommand {
  return {
    name: "leaderboard",
    aliases: ["leaders"],
    usage: LEADERBOARD_USAGE,
    description: "Your team's ranks by points; opt out with leaderboard optout.",
    async run(s: Session, args: string): Promise<Reply> {
      const cmd = parseLeaderboard(args);
      if (cmd.type === "invalid") return privateReply(problemMessage(cmd.message, cmd.usage));
      if (cmd.type === "optout") {
        await org.setLeaderboardChoice(s.user, cmd.choice);
        return privateReply(textMessage(CHOICE_TEXT[cmd.choice]));
      }
      const ws = s.user.workspace_id;
      let userIds: number[];
      let scope: string | null;
      if (cmd.team) {
        const team = await org.repo.team(ws, cmd.team);
        if (!team)
          return privateReply(
            problemMessage(`There's no team called "${cmd.team}".`, LEADERBOARD_USAGE),
          );
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
