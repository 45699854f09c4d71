import type { SlashCommand, webApi } from "@slack/bolt";
import { WebClient } from "@slack/web-api";
import type { Core } from "../../src/commands/core.ts";
import { sorryMessage } from "../../src/messages/unavailable.ts";
import { slackActor } from "./actor.ts";
import { renderMessage } from "./blocks.ts";
import { type Handling, localeOf, work } from "./listeners/work.ts";
import { type AdapterLogger, describeError } from "./logging.ts";
import { postToResponseUrl, type ReplyContext } from "./replies.ts";

/** A slash command's work after its ack, as plain data: it can be handed to another thread. */
export interface SlackCommandWork {
  command: string;
  text: string;
  teamId: string;
  teamName?: string | undefined;
  userId: string;
  channelId: string;
  channelName?: string | undefined;
  responseUrl: string;
  triggerId: string;
  /** The bot token the request was authorized with (its workspace's, with Add to Slack). */
  token?: string | undefined;
}

/** The name under which this work is handed to the command thread. */
export const SLACK_COMMAND_WORK = "slack.command";

export function slackCommandWork(cmd: SlashCommand, token: string | undefined): SlackCommandWork {
  return {
    command: cmd.command,
    text: cmd.text,
    teamId: cmd.team_id,
    teamName: cmd.team_domain,
    userId: cmd.user_id,
    channelId: cmd.channel_id,
    channelName: cmd.channel_name,
    responseUrl: cmd.response_url,
    triggerId: cmd.trigger_id,
    token,
  };
}

/**
 * Queues the core's answer to one command and its reply; `done` runs when both are over (or at
 * once when the queue is full and the person was told so).
 */
export function answerCommand(
  h: Handling,
  client: webApi.WebClient,
  cmd: SlackCommandWork,
  done?: () => void,
): void {
  const actor = slackActor(client, {
    teamId: cmd.teamId,
    teamName: cmd.teamName,
    userId: cmd.userId,
    channel: sharedChannel(cmd.channelId, cmd.channelName),
  });
  const ctx: ReplyContext = {
    client,
    userId: cmd.userId,
    source: { kind: "command" },
    channelId: cmd.channelId,
    responseUrl: cmd.responseUrl,
    triggerId: cmd.triggerId,
    locale: localeOf(h, cmd.teamId, cmd.userId),
  };
  const text = cmd.text.trim();
  work(h, ctx, `command ${cmd.command}`, () => h.core.command(actor, text), done);
}

/** Public (C…) and private (G…) channels are what an admin can mean by "here"; DMs (D…) are not. */
function sharedChannel(id: string, name: string | undefined) {
  if (!/^[CG][A-Z0-9]+$/.test(id)) return undefined;
  return { id, name: name && name !== "privategroup" ? name : null };
}

/**
 * The command thread's side: one Web API client per bot token (a thread serves every workspace),
 * the oldest dropped past `max`.
 */
export function clientsByToken(options: webApi.WebClientOptions, max = 500) {
  const clients = new Map<string, webApi.WebClient>();
  return (token: string | undefined): webApi.WebClient => {
    const key = token ?? "";
    let client = clients.get(key);
    if (client) return client;
    client = new WebClient(token, options);
    if (clients.size >= max) clients.delete(clients.keys().next().value!);
    clients.set(key, client);
    return client;
  };
}

/**
 * Work that was handed off and lost with its thread: the person is told it did not go through,
 * at the command's response_url, so they can try again.
 */
export function apologiseForLost(core: Pick<Core, "localeOf">, logger: AdapterLogger) {
  return async (kind: string, payload: unknown): Promise<void> => {
    if (kind !== SLACK_COMMAND_WORK) return;
    const cmd = payload as SlackCommandWork;
    const locale = core.localeOf?.({
      platform: "slack",
      workspaceExternalId: cmd.teamId,
      userExternalId: cmd.userId,
    });
    try {
      await postToResponseUrl(cmd.responseUrl, {
        response_type: "ephemeral",
        replace_original: false,
        ...renderMessage(sorryMessage(locale)),
      });
    } catch (error) {
      logger.warn({ err: describeError(error) }, "Could not send a note to the Slack user");
    }
  };
}
