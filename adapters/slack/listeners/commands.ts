import type { App } from "@slack/bolt";
import { slackActor } from "../actor.ts";
import { SLACK_COMMANDS } from "../command.ts";
import type { ReplyContext } from "../replies.ts";
import { type Handling, work } from "./work.ts";

/** `/learn …`: acknowledged at once, answered when the core is done. */
export function commandListeners(bolt: App, h: Handling): void {
  const { core } = h;
  for (const command of SLACK_COMMANDS) {
    bolt.command(command, async ({ command: cmd, ack, client }) => {
      await ack();
      const actor = slackActor(client, {
        teamId: cmd.team_id,
        teamName: cmd.team_domain,
        userId: cmd.user_id,
      });
      const ctx: ReplyContext = {
        client,
        userId: cmd.user_id,
        source: { kind: "command" },
        channelId: cmd.channel_id,
        responseUrl: cmd.response_url,
        triggerId: cmd.trigger_id,
      };
      await work(h, ctx, `command ${command}`, () => core.command(actor, cmd.text.trim()));
    });
  }
}
