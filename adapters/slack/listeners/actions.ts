import type { App } from "@slack/bolt";
import { slackActor } from "../actor.ts";
import { actionFromId } from "../blocks.ts";
import type { ReplyContext } from "../replies.ts";
import { type Handling, localeOf, publishHome, work } from "./work.ts";

interface ButtonLike {
  action_id: string;
  value?: string;
  selected_option?: { value: string } | null;
  selected_date?: string | null;
}

/** Button clicks, selects and date pickers, in messages, the App Home tab and modals. */
export function actionListeners(bolt: App, h: Handling): void {
  const { core } = h;
  bolt.action({ type: "block_actions" }, async ({ ack, body, action, client }) => {
    await ack();
    const clicked = action as ButtonLike;
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const actor = slackActor(client, { teamId, teamName: body.team?.domain, userId: body.user.id });
    const container = body.container as {
      type?: string;
      message_ts?: string;
      channel_id?: string;
      is_ephemeral?: boolean;
    };
    const viewType = body.view?.type;
    const source: ReplyContext["source"] =
      container.type === "message" && container.channel_id && container.message_ts
        ? {
            kind: "message",
            channelId: container.channel_id,
            ts: container.message_ts,
            ephemeral: Boolean(container.is_ephemeral),
          }
        : viewType === "home"
          ? { kind: "home" }
          : { kind: "modal" };
    const ctx: ReplyContext = {
      client,
      userId: body.user.id,
      source,
      channelId: body.channel?.id ?? container.channel_id,
      responseUrl: body.response_url,
      triggerId: body.trigger_id,
      locale: localeOf(h, teamId, body.user.id),
    };
    const value = clicked.value ?? clicked.selected_option?.value ?? clicked.selected_date ?? "";
    const name = actionFromId(clicked.action_id);
    work(h, ctx, `action ${name}`, async () => {
      const reply = await core.action(actor, name, value);
      // The dashboard shows what the click changed, unless the reply redraws it anyway.
      if (source.kind === "home" && reply.kind !== "update") {
        await publishHome(h, client, actor, body.user.id);
      }
      return reply;
    });
  });
}
