import type { PlatformAdapter } from "../platform.ts";
import { createTeamsApp, isTeamsConfigured } from "./app.ts";
import { COMMAND_WORD } from "./command.ts";

/** Microsoft Teams through the Bot Framework: activities in at /api/messages, proactive out. */
export const teamsPlatform: PlatformAdapter<"teams"> = {
  name: "teams",
  commandPrefix: COMMAND_WORD,
  isConfigured: isTeamsConfigured,
  howToConnect:
    "Teams is off. Set MicrosoftAppId (with MicrosoftAppPassword, or the tenant for a single-tenant bot) to connect a Bot Framework bot, or TEAMS_ALLOW_UNAUTHENTICATED=true on a local machine.",

  async start({ config, core, db, clock, logger, serviceUrl }) {
    // Workers need the app too: proactive sends go through its connector.
    const teams = createTeamsApp({ core, db, config, logger, clock });
    return {
      messenger: teams.messenger,
      handlers: serviceUrl ? [teams.handle, teams.images, ...(teams.tab ? [teams.tab] : [])] : [],
      stop: async () => {},
    };
  },
};
