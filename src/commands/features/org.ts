import { OrgService } from "../../domain/org/service.ts";
import type { FeatureDeps, FeatureFactory } from "../feature.ts";
import { adminCommand } from "./admin.ts";
import { leaderboardCommand } from "./leaderboard.ts";
import { reportCommand } from "./report.ts";

/** Teams, roles and the manager tree; leaderboards; manager reports. */
export const orgFeature: FeatureFactory = (deps: FeatureDeps) => {
  const org = new OrgService(deps.db, deps.clock, deps.admins);
  return {
    name: "org",
    commands: [adminCommand(deps, org), leaderboardCommand(deps, org), reportCommand(deps, org)],
  };
};
