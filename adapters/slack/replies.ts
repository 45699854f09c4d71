import type { webApi } from "@slack/bolt";
import { request } from "undici";
import { translator } from "../../src/i18n/index.ts";
import type { Message, Reply } from "../../src/messages/model.ts";
import { type FormOrigin, type LocaleOf, renderForm, renderHome, renderMessage } from "./blocks.ts";
import { uploadWithMessage } from "./messenger.ts";

/** Where an interaction came from, which decides how each kind of reply is delivered. */
export type ReplySource =
  | { kind: "command" }
  | { kind: "message"; channelId: string; ts: string; ephemeral: boolean }
  | { kind: "home" }
  | { kind: "modal" };

export interface ReplyContext {
  client: webApi.WebClient;
  userId: string;
  source: ReplySource;
  channelId?: string | undefined;
  responseUrl?: string | undefined;
  triggerId?: string | undefined;
  /** The person's language, asked only when a note of the adapter's own needs it. */
  locale?: (() => string | undefined) | undefined;
}

/** Errors where a response_url "in_channel" post still works although chat.postMessage did not. */
const NOT_IN_CHANNEL = new Set(["not_in_channel", "channel_not_found"]);

/**
 * Posts to a response_url (valid 30 minutes, 5 uses); it needs no token. undici's request rather
 * than fetch: a command's reply costs about half the CPU without fetch's web streams.
 */
export async function postToResponseUrl(url: string, body: Record<string, unknown>): Promise<void> {
  const response = await request(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  await response.body.dump();
  const status = response.statusCode;
  if (status < 200 || status > 299) throw new Error(`response_url answered ${status}`);
}

/** Sends a message to the user's DM with the bot, with its files when it has any. */
export async function sendDirect(
  client: webApi.WebClient,
  userId: string,
  message: Message,
  locale?: LocaleOf,
) {
  const opened = await client.conversations.open({ users: userId });
  const channel = opened.channel?.id;
  if (!channel) throw new Error("conversations.open returned no channel");
  const rendered = renderMessage(message, locale);
  if (message.files?.length)
    return uploadWithMessage(client, channel, message, undefined, rendered);
  return client.chat.postMessage({ channel, ...rendered });
}

function filesSentMessage(locale?: string): Message {
  const text = translator(locale).t("slack.filesSent");
  return { summary: text, blocks: [{ type: "context", text: [`📎 ${text}`] }] };
}

async function sendPrivate(ctx: ReplyContext, message: Message): Promise<void> {
  // Ephemeral messages cannot carry files: a private reply with files goes to the DM.
  if (message.files?.length) {
    await sendDirect(ctx.client, ctx.userId, message, ctx.locale);
    if (ctx.channelId && !ctx.channelId.startsWith("D") && ctx.responseUrl) {
      await postToResponseUrl(ctx.responseUrl, {
        response_type: "ephemeral",
        replace_original: false,
        ...renderMessage(filesSentMessage(ctx.locale?.())),
      });
    }
    return;
  }
  const rendered = renderMessage(message, ctx.locale);
  if (ctx.responseUrl) {
    await postToResponseUrl(ctx.responseUrl, {
      response_type: "ephemeral",
      replace_original: false,
      ...rendered,
    });
  } else if (ctx.channelId && !ctx.channelId.startsWith("D")) {
    await ctx.client.chat.postEphemeral({ channel: ctx.channelId, user: ctx.userId, ...rendered });
  } else {
    await sendDirect(ctx.client, ctx.userId, message, ctx.locale);
  }
}

async function sendPublic(ctx: ReplyContext, message: Message): Promise<void> {
  if (!ctx.channelId) {
    await sendDirect(ctx.client, ctx.userId, message, ctx.locale);
    return;
  }
  const rendered = renderMessage(message, ctx.locale);
  try {
    if (message.files?.length)
      await uploadWithMessage(ctx.client, ctx.channelId, message, undefined, rendered);
    else await ctx.client.chat.postMessage({ channel: ctx.channelId, ...rendered });
  } catch (error) {
    // A slash command works in channels the bot was never invited to; its response_url can
    // still post there publicly.
    const code = (error as { data?: { error?: string } }).data?.error;
    if (!ctx.responseUrl || !code || !NOT_IN_CHANNEL.has(code)) throw error;
    await postToResponseUrl(ctx.responseUrl, {
      response_type: "in_channel",
      replace_original: false,
      ...rendered,
    });
  }
}

async function sendUpdate(ctx: ReplyContext, message: Message): Promise<void> {
  const source = ctx.source;
  // An edited message cannot gain files; send them where files can go.
  if (message.files?.length) return sendPrivate(ctx, message);
  if (source.kind === "message" && !source.ephemeral) {
    await ctx.client.chat.update({
      channel: source.channelId,
      ts: source.ts,
      ...renderMessage(message, ctx.locale),
    });
  } else if (source.kind === "message" && ctx.responseUrl) {
    // Ephemeral messages have no ts to update; only their response_url can replace them.
    await postToResponseUrl(ctx.responseUrl, {
      replace_original: true,
      ...renderMessage(message, ctx.locale),
    });
  } else if (source.kind === "home") {
    await ctx.client.views.publish({ user_id: ctx.userId, view: renderHome(message, ctx.locale) });
  } else {
    await sendPrivate(ctx, message);
  }
}

/** Delivers the core's reply to wherever the interaction came from. */
export async function deliverReply(ctx: ReplyContext, reply: Reply): Promise<void> {
  switch (reply.kind) {
    case "none":
      return;
    case "message":
      if (reply.visibility === "public") await sendPublic(ctx, reply.message);
      else await sendPrivate(ctx, reply.message);
      return;
    case "update":
      await sendUpdate(ctx, reply.message);
      return;
    case "form": {
      if (!ctx.triggerId) throw new Error("A form reply needs a trigger_id to open a modal.");
      const origin: FormOrigin = {
        ...(ctx.channelId ? { channelId: ctx.channelId } : {}),
        ...(ctx.responseUrl ? { responseUrl: ctx.responseUrl } : {}),
      };
      const view = renderForm(reply.form, origin);
      if (ctx.source.kind === "modal")
        await ctx.client.views.push({ trigger_id: ctx.triggerId, view });
      else await ctx.client.views.open({ trigger_id: ctx.triggerId, view });
      return;
    }
  }
}
