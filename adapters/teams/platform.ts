import type { Config } from "../../src/config.ts";
import type { PlatformAdapter } from "../platform.ts";
import { COMMAND_WORD } from "./command.ts";

/** Teams is on with an app id, or for local work when unauthenticated use is allowed. */
export function isTeamsConfigured(config: Pick<Config, "teams">): boolean {
  return Boolean(config.teams?.appId || config.teams?.allowUnauthenticated);
}

/** Microsoft Teams through the Bot Framework: activities in at /api/messages, proactive out. */
export const teamsPlatform: PlatformAdapter<"teams"> = {
  name: "teams",
  commandPrefix: COMMAND_WORD,
  isConfigured: isTeamsConfigured,
  howToConnect:
    "Teams is off. Set MicrosoftAppId (with MicrosoftAppPassword, or the tenant for a single-tenant bot) to connect a Bot Framework bot, or TEAMS_ALLOW_UNAUTHENTICATED=true on a local machine.",

  async start({ config, core, db, clock, logger, serviceUrl }) {
    // Loaded only when Teams is on: botbuilder and its Azure libraries are a good part of an
    // idle process's memory. Workers need the app too: proactive sends go through its connector.
    const { createTeamsApp } = await import("./app.ts");
    const teams = createTeamsApp({ core, db, config, logger, clock });
    return {
      messenger: teams.messenger,
      handlers: serviceUrl ? [teams.handle, teams.images, ...(teams.tab ? [teams.tab] : [])] : [],
      stop: async () => {},
    };
  },
};
