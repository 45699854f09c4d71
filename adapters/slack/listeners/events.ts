import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from "@slack/bolt";
import { slackActor } from "../actor.ts";
import { downloadSlackFile, type SlackFile } from "../files.ts";
import { describeError } from "../logging.ts";
import type { ReplyContext } from "../replies.ts";
import { type Handling, localeOf, queueHome, work } from "./work.ts";

/** A message event in the bot's DM (message.im), as far as the adapter reads it. */
interface DirectMessage {
  channel?: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  subtype?: string;
  files?: SlackFile[];
}

type EventHandler<Type extends string> = (
  args: SlackEventMiddlewareArgs<Type> & AllMiddlewareArgs,
) => Promise<void>;

/** What each event type the app subscribes to is handled with (manifest.yml lists the same). */
export interface EventHandlers {
  app_home_opened?: EventHandler<"app_home_opened">;
  user_change?: EventHandler<"user_change">;
  message?: EventHandler<"message">;
  app_uninstalled?: EventHandler<"app_uninstalled">;
  tokens_revoked?: EventHandler<"tokens_revoked">;
}

/**
 * Every event the app handles, through one listener: Bolt runs each listener's filters on every
 * request, slash commands and their acks included, so five listeners cost five times the one.
 */
export function eventListener(bolt: App, handlers: EventHandlers): void {
  const byType = handlers as Record<string, ((args: never) => Promise<void>) | undefined>;
  const types = Object.keys(byType);
  bolt.event(new RegExp(`^(${types.join("|")})$`), async (args) => {
    await byType[args.event.type]?.(args as never);
  });
}

/** The App Home tab, profile changes, and files shared in the bot's DM. */
export function eventHandlers(h: Handling, origins: readonly string[]) {
  const { core } = h;
  const handlers: EventHandlers = {};
  handlers.app_home_opened = async ({ event, body, client }) => {
    if (event.tab !== "home") return;
    const teamId = (body as { team_id?: string }).team_id ?? "";
    const actor = slackActor(client, { teamId, userId: event.user });
    queueHome(h, client, actor, event.user);
  };

  // Someone changed their name, time zone or language in Slack: read their profile again on their
  // next request instead of up to a day later. Slack sends this for everyone in the workspace.
  handlers.user_change = async ({ event, body }) => {
    const user = event.user as { id?: string; team_id?: string };
    const teamId = (body as { team_id?: string }).team_id ?? user.team_id ?? "";
    if (!user.id || !teamId || !core.profileChanged) return;
    await core
      .profileChanged({ platform: "slack", workspaceExternalId: teamId, userExternalId: user.id })
      .catch((error: unknown) =>
        h.logger.warn({ err: describeError(error) }, "Could not note a Slack profile change"),
      );
  };

  // A file shared in the bot's DM: a badge to check. Edits, deletions and the bot's own posts
  // arrive as message events too, and are not files someone just shared.
  handlers.message = async ({ event, body, client, context }) => {
    const m = event as DirectMessage;
    if (m.channel_type !== "im" || !m.channel || !m.user) return;
    if (m.bot_id || m.user === context.botUserId) return;
    if (m.subtype !== undefined && m.subtype !== "file_share") return;
    // One badge per message: each file would otherwise claim another completion.
    const shared = m.files?.find((f) => f.url_private_download && f.mode !== "tombstone");
    if (!shared?.url_private_download) return;
    const url = shared.url_private_download;
    const token = context.botToken ?? client.token ?? "";
    const teamId = (body as { team_id?: string }).team_id ?? "";
    const actor = slackActor(client, { teamId, userId: m.user });
    const ctx: ReplyContext = {
      client,
      userId: m.user,
      source: { kind: "command" },
      channelId: m.channel,
      locale: localeOf(h, teamId, m.user),
    };
    work(h, ctx, "file", () =>
      core.file(actor, {
        name: shared.name ?? shared.title ?? "file",
        contentType: shared.mimetype ?? "application/octet-stream",
        size: shared.size ?? 0,
        bytes: (limit) => downloadSlackFile(url, token, limit, origins),
      }),
    );
  };
  return handlers;
}
