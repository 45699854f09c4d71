import type { App } from "@slack/bolt";
import { describeError } from "../logging.ts";
import { actionListeners } from "./actions.ts";
import { commandListeners } from "./commands.ts";
import { eventHandlers, eventListener } from "./events.ts";
import { installEventHandlers, type ListenerInstallations } from "./installs.ts";
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
  commandListeners(bolt, h);
  actionListeners(bolt, h);
  viewListeners(bolt, h);
  eventListener(bolt, { ...installEventHandlers(h, installations), ...eventHandlers(h, origins) });
  bolt.error(async (error) => {
    logger.error({ err: describeError(error) }, "Unhandled Slack error");
  });
}
