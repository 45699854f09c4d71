import type { Activity, Mention } from "botbuilder";

/** The word that starts a command in Teams ("learn log 2"); messages name commands without it. */
export const COMMAND_WORD = "learn";

/**
 * The command text of a message: the bot's @mentions removed, and a leading "learn" (or
 * "/learn") dropped, so "@Stackup learn log 2", "learn log 2" and "log 2" all read "log 2".
 */
export function commandText(
  activity: Partial<Activity>,
  /** People's mentions by their `<at>` text, as the core's person references. */
  people: ReadonlyMap<string, string> = new Map(),
): string {
  let text = activity.text ?? "";
  for (const [mention, reference] of people) text = text.split(mention).join(` ${reference} `);
  const botId = activity.recipient?.id;
  for (const entity of activity.entities ?? []) {
    const mention = entity as Partial<Mention> & { type?: string };
    if (mention.type !== "mention" || !mention.text) continue;
    if (botId && mention.mentioned?.id !== botId) continue;
    text = text.split(mention.text).join(" ");
  }
  // Mentions of the bot without entities (older clients) still arrive as <at> tags.
  text = text
    .replace(/<at>[^<]*<\/at>/gi, " ")
    .replace(/&nbsp;/g, " ")
    .trim();
  const lead = new RegExp(`^/?${COMMAND_WORD}(?=\\s|$)`, "i").exec(text);
  return (lead ? text.slice(lead[0].length) : text).trim();
}
