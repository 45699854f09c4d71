import { COMMANDS } from "../../src/commands/grammar.ts";
import { type MessageKey, type MessageValues, translator } from "../../src/i18n/index.ts";
import type { Attachment, Message } from "../../src/messages/model.ts";
import { COMMAND_WORD } from "./command.ts";

/** What the Teams bot says of itself: file-offer outcomes, where it answers and the welcome. */

/** A one-paragraph message from the catalogue; `summary` names the key of a shorter summary. */
function said(
  locale: string | undefined,
  key: MessageKey,
  values: MessageValues = {},
  summary: MessageKey = key,
): Message {
  const t = translator(locale);
  return {
    summary: t.t(summary, values),
    blocks: [{ type: "text", text: t.rich(key, values) }],
  };
}

export const noIdentityMessage = (locale?: string): Message => said(locale, "teams.noIdentity");

export const offerGoneMessage = (locale?: string): Message =>
  said(locale, "teams.offerGone", {}, "teams.offerGoneSummary");

export const offerDeclinedMessage = (name: string, locale?: string): Message =>
  said(locale, "teams.offerDeclined", { name }, "teams.offerDeclinedSummary");

/** Carries the file again, so a fresh consent card can come with it. */
export function uploadFailedMessage(file: Attachment, locale?: string): Message {
  const values = { name: file.filename };
  return {
    ...said(locale, "teams.uploadFailed", values, "teams.uploadFailedSummary"),
    files: [file],
  };
}

export function sentPrivatelyMessage(locale?: string): Message {
  const text = translator(locale).t("teams.sentPrivately");
  return { summary: text, blocks: [{ type: "context", text: [text] }] };
}

/** Said in a channel when the answer is the person's alone and no personal chat could be opened. */
export const openPersonalChatMessage = (locale?: string): Message =>
  said(locale, "teams.openPersonalChat", {}, "teams.openPersonalChatSummary");

/** The first thing a person sees after adding the bot, in their client's language. */
export function welcomeMessage(locale?: string): Message {
  const t = translator(locale);
  const example = COMMANDS.find((c) => c.name === "goal")!;
  return {
    summary: t.t("teams.welcomeSummary"),
    blocks: [
      { type: "header", text: t.t("teams.welcomeHeader") },
      {
        type: "text",
        text: t.rich("teams.welcome", { example: { code: `${COMMAND_WORD} ${example.usage}` } }),
      },
      {
        type: "fields",
        fields: COMMANDS.map((c) => ({
          label: `${COMMAND_WORD} ${c.name}`,
          value: [t.lookup(`command.${c.name}`) ?? c.description],
        })),
      },
    ],
  };
}

/** Validation errors as a message that names each field, for the form's author to fix. */
export function formErrorsMessage(
  errors: Record<string, string>,
  labels: Record<string, string>,
  locale?: string,
): Message {
  const t = translator(locale);
  return {
    summary: t.t("teams.formErrorsSummary"),
    blocks: [
      { type: "text", text: t.rich("teams.formErrors") },
      {
        type: "fields",
        fields: Object.entries(errors).map(([id, message]) => ({
          label: labels[id] ?? id,
          value: [message],
        })),
      },
    ],
  };
}
