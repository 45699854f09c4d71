import type { webApi } from "@slack/bolt";
import type { Actor, Core } from "../../../src/commands/core.ts";
import type { Message, Reply } from "../../../src/messages/model.ts";
import { explainFailure } from "../../../src/messages/unavailable.ts";
import { renderHome } from "../blocks.ts";
import { type AdapterLogger, describeError } from "../logging.ts";
import { deliverReply, type ReplyContext, SORRY } from "../replies.ts";

/** What every listener works with. */
export interface Handling {
  core: Core;
  logger: AdapterLogger;
}

/** Runs one interaction's work after the ack; a failure becomes a friendly note and a log line. */
export async function work(
  h: Handling,
  ctx: ReplyContext,
  what: string,
  run: () => Promise<Reply>,
) {
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
  try {
    await deliverReply(
      { ...ctx, source: { kind: "command" } },
      { kind: "message", message: explainFailure(error) ?? SORRY, visibility: "private" },
    );
  } catch (error) {
    h.logger.warn(
      { err: describeError(error) },
      "Could not tell the Slack user that something went wrong",
    );
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
    home = explainFailure(error) ?? SORRY;
  }
  try {
    await client.views.publish({ user_id: userId, view: renderHome(home) });
  } catch (error) {
    h.logger.error(
      { err: describeError(error), what: "home" },
      "Could not publish the Slack home tab",
    );
  }
}
