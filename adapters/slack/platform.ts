import { platformUserIds, workspaceExternalIds } from "../../src/delivery/router.ts";
import { destinationLocales } from "../../src/domain/users/locales.ts";
import { resolveLocale } from "../../src/i18n/index.ts";
import type { PlatformAdapter } from "../platform.ts";
import { createSlackApp, isAddToSlack, isSlackConfigured, SLACK_INSTALL_PATH } from "./app.ts";
import { SLASH_COMMAND } from "./command.ts";
import { installationTokens, SlackInstallations } from "./installations.ts";
import { createMessengerClient, createSlackMessenger } from "./messenger.ts";
import { TokenCipher } from "./token-cipher.ts";

/** Slack: one workspace by bot token, or many through Add to Slack; HTTP or Socket Mode. */
export const slackPlatform: PlatformAdapter<"slack"> = {
  name: "slack",
  commandPrefix: SLASH_COMMAND,
  isConfigured: isSlackConfigured,
  howToConnect:
    "Slack is off. Set SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP, /slack/events) or SLACK_APP_TOKEN (Socket Mode) to connect one workspace, or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET and SLACK_SIGNING_SECRET for Add to Slack.",

  async start({ config, core, db, clock, logger, serviceUrl, handOff }) {
    // Add to Slack: one installation per workspace, its bot token stored encrypted.
    let installations: SlackInstallations | undefined;
    if (isAddToSlack(config)) {
      const { tokenKey, stateSecret, clientId, clientSecret, apiUrl } = config.slack;
      installations = new SlackInstallations(
        db,
        new TokenCipher(
          tokenKey ?? stateSecret ?? "",
          tokenKey && tokenKey !== stateSecret ? "STACKUP_SECRET_KEY" : "SLACK_STATE_SECRET",
        ),
        () => clock.now().getTime(),
        // Token rotation: expiring bot tokens are refreshed with the app's credentials.
        { clientId: clientId!, clientSecret: clientSecret!, apiUrl, logger },
      );
      await installations.checkKey();
    }
    const messenger = createSlackMessenger(
      createMessengerClient(config, logger),
      platformUserIds(db),
      {
        ...(installations
          ? { tokens: installationTokens(installations, workspaceExternalIds(db)) }
          : {}),
        localeOf: async (to) => resolveLocale(...(await destinationLocales(db, to))),
      },
    );
    // A worker only sends.
    if (!serviceUrl) return { messenger, handlers: [], stop: async () => {} };

    const slack = await createSlackApp({
      core,
      config,
      logger,
      handOff,
      ...(installations ? { installations } : {}),
    });
    await slack.start();
    if (installations) {
      logger.info(
        { mode: slack.mode, install: `${serviceUrl}${SLACK_INSTALL_PATH}` },
        "Slack is connected with Add to Slack: workspaces install Stackup from the install page",
      );
    } else {
      logger.info({ mode: slack.mode }, "Slack is connected");
    }
    return {
      messenger,
      handlers: slack.handle ? [slack.handle] : [],
      stop: () => slack.stop(),
    };
  },
};
