import { type Activity, type Mention, TeamsInfo, type TurnContext } from "botbuilder";
import { translator } from "../../src/i18n/index.ts";
import type { Message } from "../../src/messages/model.ts";

/** A mention of a person Teams could not tell us about: the command must not run without them. */
export class MentionLookupError extends Error {
  constructor(readonly member: string) {
    super(`Could not look up the mentioned member ${member}`);
  }
}

/** Mentions in the activity other than of the bot, by the `<at>…</at>` text that shows them. */
export function peopleMentions(activity: Partial<Activity>): Partial<Mention>[] {
  const botId = activity.recipient?.id;
  return (activity.entities ?? []).flatMap((entity) => {
    const mention = entity as Partial<Mention> & { type?: string };
    const ok = mention.type === "mention" && mention.text && mention.mentioned?.id !== botId;
    return ok ? [mention] : [];
  });
}

// The core's person references are `<@id|label>`; a label can't carry their delimiters.
const label = (name: string) => name.replace(/[<>|]/g, "").trim();

/**
 * Each person mentioned, as the core's `<@aadObjectId|name>` reference keyed by the mention's
 * text. The AAD object id keys Stackup's users; when the entity lacks it the roster is asked.
 */
export async function resolveMentions(context: TurnContext): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const mention of peopleMentions(context.activity)) {
    const member = mention.mentioned as { id: string; name?: string; aadObjectId?: string };
    const name = member.name?.trim() || mention.text!.replace(/<\/?at>/gi, "").trim();
    let aadObjectId = member.aadObjectId;
    if (!aadObjectId) {
      try {
        aadObjectId = (await TeamsInfo.getMember(context, member.id)).aadObjectId;
      } catch {
        throw new MentionLookupError(name);
      }
      if (!aadObjectId) throw new MentionLookupError(name);
    }
    out.set(mention.text!, `<@${aadObjectId}|${label(name)}>`);
  }
  return out;
}

export function mentionFailedMessage(name: string, locale?: string): Message {
  const t = translator(locale);
  return {
    summary: t.t("teams.mentionFailedSummary", { name }),
    blocks: [{ type: "text", text: t.rich("teams.mentionFailed", { name }) }],
  };
}
