import type { InstallationStore } from "@slack/bolt";
import type { SlackInstallations } from "../installations.ts";
import { describeError } from "../logging.ts";
import type { EventHandlers } from "./events.ts";
import type { Handling } from "./work.ts";

/** Where Add to Slack keeps installations, as far as the listeners need it. */
export type ListenerInstallations = InstallationStore &
  Required<Pick<InstallationStore, "deleteInstallation">> &
  Partial<Pick<SlackInstallations, "deleteInstallationBefore" | "noteEnterprise">>;

/** Uninstalled, or the bot token revoked: the installation is forgotten. */
export function installEventHandlers(
  { logger }: Handling,
  installations: ListenerInstallations | undefined,
): EventHandlers {
  // Forgetting the installation means nothing more is sent there.
  const forget = async (
    why: string,
    context: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean },
    eventTime: number | undefined,
  ) => {
    const where = { team: context.teamId, enterprise: context.enterpriseId };
    if (!installations) {
      logger.warn(where, `Slack says ${why}: SLACK_BOT_TOKEN no longer works there`);
      return;
    }
    try {
      const query = {
        teamId: context.teamId,
        enterpriseId: context.enterpriseId,
        isEnterpriseInstall: context.isEnterpriseInstall === true,
      } as Parameters<typeof installations.deleteInstallation>[0];
      if (installations.deleteInstallationBefore && eventTime) {
        // event_time is in whole seconds: anything stored within that second counts as before.
        const removed = await installations.deleteInstallationBefore(
          query,
          new Date((eventTime + 1) * 1000),
        );
        logger.info(
          where,
          removed
            ? `Slack says ${why}: installation removed`
            : `Slack says ${why}, but Stackup was installed again since: kept`,
        );
        return;
      }
      await installations.deleteInstallation(query);
      logger.info(where, `Slack says ${why}: installation removed`);
    } catch (error) {
      logger.error(
        { ...where, err: describeError(error) },
        "Could not remove a Slack installation",
      );
    }
  };
  const eventTime = (body: unknown) => {
    const at = (body as { event_time?: unknown }).event_time;
    return typeof at === "number" && Number.isFinite(at) ? at : undefined;
  };
  return {
    app_uninstalled: async ({ context, body }) => {
      await forget("Stackup was uninstalled", context, eventTime(body));
    },
    tokens_revoked: async ({ event, context, body }) => {
      // Only the bot token matters: Stackup asks for no user tokens.
      if ((event.tokens.bot ?? []).length > 0) {
        await forget("the bot token was revoked", context, eventTime(body));
      }
    },
  };
}
