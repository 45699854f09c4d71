import type { App } from "@slack/bolt";
import { busyMessage } from "../../../src/messages/unavailable.ts";
import { slackActor } from "../actor.ts";
import { SLACK_COMMANDS } from "../command.ts";
import type { ReplyContext } from "../replies.ts";
import { type Handling, localeOf, work } from "./work.ts";

/** `/learn …`: acknowledged at once, answered when the core is done. */
export function commandListeners(bolt: App, h: Handling): void {
  const { core } = h;
  for (const command of SLACK_COMMANDS) {
    bolt.command(command, async ({ command: cmd, ack, client }) => {
      if (h.queue.full) {
        // The ack itself says so: no work and no extra post while the service is overloaded.
        h.logger.warn({ what: `command ${command}` }, "Slack work queue full: asked to try again");
        const locale = localeOf(h, cmd.team_id, cmd.user_id)();
        await ack({ response_type: "ephemeral", text: busyMessage(locale).summary });
        return;
      }
      await ack();
      const actor = slackActor(client, {
        teamId: cmd.team_id,
        teamName: cmd.team_domain,
        userId: cmd.user_id,
        channel: sharedChannel(cmd.channel_id, cmd.channel_name),
      });
      const ctx: ReplyContext = {
        client,
        userId: cmd.user_id,
        source: { kind: "command" },
        channelId: cmd.channel_id,
        responseUrl: cmd.response_url,
        triggerId: cmd.trigger_id,
        locale: localeOf(h, cmd.team_id, cmd.user_id),
      };
      work(h, ctx, `command ${command}`, () => core.command(actor, cmd.text.trim()));
    });
  }
}

/** Public (C…) and private (G…) channels are what an admin can mean by "here"; DMs (D…) are not. */
function sharedChannel(id: string, name: string | undefined) {
  if (!/^[CG][A-Z0-9]+$/.test(id)) return undefined;
  return { id, name: name && name !== "privategroup" ? name : null };
}
