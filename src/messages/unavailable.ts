import { isDatabaseUnavailable } from "../db/errors.ts";
import { type MessageKey, translator } from "../i18n/index.ts";
import type { Message } from "./model.ts";

/** A one-line note whose summary is its text. */
function note(key: MessageKey, locale?: string | null): Message {
  const text = translator(locale).t(key);
  return { summary: text, blocks: [{ type: "text", text: [text] }] };
}

/** Nothing was saved because the database is out of reach. */
export const databaseUnavailableMessage = (locale?: string | null): Message =>
  note("unavailable.database", locale);

/** The general apology for a failure on Stackup's side. */
export const sorryMessage = (locale?: string | null): Message => note("unavailable.sorry", locale);

/** Too much work is waiting: this request was not taken. */
export const busyMessage = (locale?: string | null): Message => note("unavailable.busy", locale);

/** A failure worth telling the person in its own words, or null for the general apology. */
export function explainFailure(error: unknown, locale?: string | null): Message | null {
  return isDatabaseUnavailable(error) ? databaseUnavailableMessage(locale) : null;
}
