import type { App } from "@slack/bolt";
import type { FormResult } from "../../../src/commands/core.ts";
import { translator } from "../../../src/i18n/index.ts";
import type { Reply } from "../../../src/messages/model.ts";
import { sorryMessage } from "../../../src/messages/unavailable.ts";
import { slackActor } from "../actor.ts";
import { decodeMetadata, readFormValues, renderForm, type SubmittedState } from "../blocks.ts";
import { describeError } from "../logging.ts";
import { truncatePlain } from "../mrkdwn.ts";
import type { ReplyContext } from "../replies.ts";
import { apologise, type Handling, localeOf, work } from "./work.ts";

/** Slack closes a modal it has not heard back about within 3 s; answer before then. */
const SUBMIT_DEADLINE_MS = 2_500;

/** Modal submissions: errors shown in the modal, or the modal closed and the answer sent. */
export function viewListeners(bolt: App, h: Handling): void {
  const { core, logger } = h;
  bolt.view({ type: "view_submission" }, async ({ ack, body, view, client }) => {
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const actor = slackActor(client, { teamId, teamName: body.team?.domain, userId: body.user.id });
    const meta = decodeMetadata(view.private_metadata);
    const values = readFormValues(view.state as unknown as SubmittedState);
    const inputIds = view.blocks
      .filter((b) => b.type === "input" && b.block_id)
      .map((b) => b.block_id as string);
    const ctx: ReplyContext = {
      client,
      userId: body.user.id,
      source: { kind: "modal" },
      channelId: meta.channelId,
      responseUrl: meta.responseUrl,
      triggerId: (body as { trigger_id?: string }).trigger_id,
      locale: localeOf(h, teamId, body.user.id),
    };

    const pending = core.submit(actor, view.callback_id, meta.state, values);
    const first = await Promise.race([
      pending.then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      ),
      new Promise<"late">((resolve) => setTimeout(resolve, SUBMIT_DEADLINE_MS, "late").unref()),
    ]);

    if (first === "late") {
      // Close the modal now; the outcome arrives as a message when the core is done.
      await ack();
      work(h, ctx, `submit ${view.callback_id}`, async () =>
        lateReply(await pending, ctx.locale?.()),
      );
      return;
    }
    if ("error" in first) {
      logger.error(
        { err: describeError(first.error), what: `submit ${view.callback_id}` },
        "Slack interaction failed",
      );
      const target = inputIds[0];
      const sorry = sorryMessage(ctx.locale?.()).summary;
      if (target) await ack({ response_action: "errors", errors: { [target]: sorry } });
      else {
        await ack();
        await apologise(h, ctx);
      }
      return;
    }
    const result = first.result;
    if (!result.ok) {
      await ack({ response_action: "errors", errors: fieldErrors(result.errors, inputIds) });
      return;
    }
    const reply = result.reply;
    if (reply.kind === "form") {
      const origin = {
        ...(meta.channelId ? { channelId: meta.channelId } : {}),
        ...(meta.responseUrl ? { responseUrl: meta.responseUrl } : {}),
      };
      await ack({ response_action: "push", view: renderForm(reply.form, origin) });
      return;
    }
    await ack();
    work(h, ctx, `submit ${view.callback_id}`, async () => reply);
  });
}

/** After the modal has closed, errors can only be told as a message. */
function lateReply(result: FormResult, locale?: string): Reply {
  if (result.ok) return result.reply.kind === "form" ? { kind: "none" } : result.reply;
  const lines = Object.values(result.errors);
  const summary = translator(locale).t("reply.formNotSaved");
  return {
    kind: "message",
    visibility: "private",
    message: { summary, blocks: [{ type: "text", text: [summary, "\n", lines.join("\n")] }] },
  };
}

/** Slack rejects errors for unknown block ids, so strays go to the first input. */
function fieldErrors(errors: Record<string, string>, inputIds: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const strays: string[] = [];
  for (const [id, message] of Object.entries(errors)) {
    if (inputIds.includes(id)) out[id] = truncatePlain(message, 150);
    else strays.push(message);
  }
  const first = inputIds[0];
  if (strays.length > 0 && first) {
    out[first] = truncatePlain([out[first], ...strays].filter(Boolean).join(" "), 150);
  }
  return out;
}
