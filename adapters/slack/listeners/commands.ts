import type { App } from "@slack/bolt";
import { busyMessage } from "../../../src/messages/unavailable.ts";
import { SLACK_COMMANDS } from "../command.ts";
import { answerCommand, SLACK_COMMAND_WORK, slackCommandWork } from "../command-work.ts";
import { type Handling, localeOf } from "./work.ts";

/**
 * `/learn …`: acknowledged at once, answered when the core is done, on the command thread when
 * there is one.
 */
export function commandListeners(bolt: App, h: Handling): void {
  for (const command of SLACK_COMMANDS) {
    bolt.command(command, async ({ command: cmd, ack, client, context }) => {
      const handOff = h.handOff;
      if (!handOff && h.queue.full) {
        // The ack itself says so: no work and no extra post while the service is overloaded.
        h.logger.warn({ what: `command ${command}` }, "Slack work queue full: asked to try again");
        const locale = localeOf(h, cmd.team_id, cmd.user_id)();
        await ack({ response_type: "ephemeral", text: busyMessage(locale).summary });
        return;
      }
      await ack();
      const work = slackCommandWork(cmd, context.botToken);
      if (handOff?.(SLACK_COMMAND_WORK, work)) return;
      answerCommand(h, client, work);
    });
  }
}
