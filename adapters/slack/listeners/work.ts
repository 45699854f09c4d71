import type { webApi } from "@slack/bolt";
import type { Actor, Core } from "../../../src/commands/core.ts";
import type { Message, Reply } from "../../../src/messages/model.ts";
import { busyMessage, explainFailure, sorryMessage } from "../../../src/messages/unavailable.ts";
import { renderHome } from "../blocks.ts";
import { type AdapterLogger, describeError } from "../logging.ts";
import { deliverReply, type ReplyContext } from "../replies.ts";
import type { WorkQueue } from "../work-queue.ts";

/** What every listener works with. */
export interface Handling {
  core: Core;
  logger: AdapterLogger;
  /** The work after acks, bounded and in arrival order. */
  queue: WorkQueue;
  /** Milliseconds since the epoch, to tell when a queued reply's response_url has expired. */
  now: () => number;
  /**
   * Hands a command's work to the command thread; false when it cannot take it now, and the
   * work is done here instead. Absent when there is no such thread.
   */
  handOff?: ((kind: string, payload: unknown) => boolean) | undefined;
}

/**
 * A response_url takes posts for 30 minutes from the interaction; a reply that waited in the
 * queue past this (a minute short, for the way here) goes to the person's DM instead.
 */
export const RESPONSE_URL_USABLE_MS = 29 * 60_000;

/** The person's language as the core last knew it (or their workspace's), for notes of our own. */
export const localeOf =
  (h: Pick<Handling, "core">, teamId: string, userId: string) => (): string | undefined =>
    h.core.localeOf?.({ platform: "slack", workspaceExternalId: teamId, userExternalId: userId });

/**
 * Queues one interaction's work after its ack: the core's answer, then the reply; a failure
 * becomes a friendly note and a log line. When the queue is full the work is not done and the
 * person is told so; the return value says which. `done` runs when the work is over, or once the
 * person has been told.
 */
export function work(
  h: Handling,
  ctx: ReplyContext,
  what: string,
  run: () => Promise<Reply>,
  done?: () => void,
): boolean {
  const queuedAt = h.now();
  const accepted = h.queue.offer(async () => {
    try {
      await perform(h, replyRoute(h, ctx, queuedAt), what, run);
    } finally {
      done?.();
    }
  });
  if (!accepted) {
    h.logger.warn({ what, slackUser: ctx.userId }, "Slack work queue full: asked to try again");
    void tell(h, ctx, busyMessage(ctx.locale?.())).finally(done);
  }
  return accepted;
}

/** Where a queued reply can still go: past its response_url's life, to the person's DM. */
function replyRoute(h: Handling, ctx: ReplyContext, queuedAt: number): ReplyContext {
  if (!ctx.responseUrl || h.now() - queuedAt < RESPONSE_URL_USABLE_MS) return ctx;
  const { responseUrl: _expired, ...rest } = ctx;
  return ctx.source.kind === "command" ? { ...rest, channelId: undefined } : rest;
}

async function perform(h: Handling, ctx: ReplyContext, what: string, run: () => Promise<Reply>) {
  let reply: Reply;
  try {
    reply = await run();
  } catch (error) {
    h.logger.error(
      { err: describeError(error), what, slackUser: ctx.userId },
      "Slack interaction failed",
    );
    await apologise(h, ctx, error);
    return;
  }
  try {
    await deliverReply(ctx, reply);
  } catch (error) {
    h.logger.error(
      { err: describeError(error), what, reply: reply.kind },
      "Could not deliver a Slack reply",
    );
    await apologise(h, ctx);
  }
}

export async function apologise(h: Handling, ctx: ReplyContext, error?: unknown) {
  const locale = ctx.locale?.();
  await tell(h, ctx, explainFailure(error, locale) ?? sorryMessage(locale));
}

/** A private note that needs no work from the core. */
async function tell(h: Handling, ctx: ReplyContext, message: Message) {
  try {
    await deliverReply(
      { ...ctx, source: { kind: "command" } },
      { kind: "message", message, visibility: "private" },
    );
  } catch (error) {
    h.logger.warn({ err: describeError(error) }, "Could not send a note to the Slack user");
  }
}

/** Queues drawing the App Home tab; a full queue skips it (the tab keeps its last view). */
export function queueHome(h: Handling, client: webApi.WebClient, actor: Actor, userId: string) {
  if (!h.queue.offer(() => publishHome(h, client, actor, userId))) {
    h.logger.warn({ what: "home", slackUser: userId }, "Slack work queue full: home not drawn");
  }
}

export async function publishHome(
  h: Handling,
  client: webApi.WebClient,
  actor: Actor,
  userId: string,
) {
  let home: Message;
  try {
    home = await h.core.home(actor);
  } catch (error) {
    h.logger.error({ err: describeError(error), what: "home" }, "Slack interaction failed");
    const locale = h.core.localeOf?.(actor);
    home = explainFailure(error, locale) ?? sorryMessage(locale);
  }
  try {
    await client.views.publish({
      user_id: userId,
      view: renderHome(home, () => h.core.localeOf?.(actor)),
    });
  } catch (error) {
    h.logger.error(
      { err: describeError(error), what: "home" },
      "Could not publish the Slack home tab",
    );
  }
}
