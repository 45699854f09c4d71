import type { App } from "@slack/bolt";
import { describeError } from "../logging.ts";
import { actionListeners } from "./actions.ts";
import { commandListeners } from "./commands.ts";
import { eventListeners } from "./events.ts";
import { installListeners, type ListenerInstallations } from "./installs.ts";
import { viewListeners } from "./views.ts";
import type { Handling } from "./work.ts";

export type { ListenerInstallations } from "./installs.ts";

/** Every listener the app has, one group per kind of request. */
export function registerListeners(
  bolt: App,
  h: Handling,
  origins: readonly string[],
  installations: ListenerInstallations | undefined,
): void {
  const { logger } = h;
  installListeners(bolt, h, installations);
  commandListeners(bolt, h);
  actionListeners(bolt, h);
  viewListeners(bolt, h);
  eventListeners(bolt, h, origins);
  bolt.error(async (error) => {
    logger.error({ err: describeError(error) }, "Unhandled Slack error");
  });
}
