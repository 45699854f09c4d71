import type { types } from "@slack/bolt";
import { translator } from "../../src/i18n/index.ts";
import type {
  Block,
  Button,
  Form,
  FormInput,
  Message,
  RichText,
} from "../../src/messages/model.ts";
import { type BlockRenderers, labelText, renderBlockWith } from "../../src/messages/model.ts";
import { SLASH_COMMAND } from "./command.ts";
import { escapeMrkdwn, oneLine, renderMrkdwn, truncatePlain } from "./mrkdwn.ts";

type ActionsBlock = types.ActionsBlock;
type SlackButton = types.Button;
type HomeView = types.HomeView;
type KnownBlock = types.KnownBlock;
type ModalView = types.ModalView;

/** Slack's documented Block Kit limits that the renderer enforces. */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  fieldText: 2000,
  fieldsPerSection: 10,
  contextElements: 10,
  contextText: 3000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  buttonsPerActions: 25,
  imageUrl: 3000,
  altText: 2000,
  fallbackText: 3000,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  inputLabel: 2000,
  placeholder: 150,
  optionText: 75,
  optionValue: 150,
  optionsPerSelect: 100,
  textInputMax: 3000,
} as const;

/** Progress bar segments; ten gives 10 % steps. */
const BAR_SEGMENTS = 10;

export interface SlackMessage {
  /** Escaped fallback for notifications and screen readers. */
  text: string;
  blocks: KnownBlock[];
}

function mrkdwn(text: RichText | string, max: number) {
  return { type: "mrkdwn" as const, text: renderMrkdwn(text, max), verbatim: true };
}

function plainText(text: string, max: number) {
  return { type: "plain_text" as const, text: truncatePlain(oneLine(text), max), emoji: true };
}

/**
 * "▰▰▰▰▱▱▱▱▱▱ 4 h of 10 h, 40%": the glyphs, then the words a screen reader needs. Floors, so
 * the bar is only full when the work is done.
 */
export function progressBar(done: number, total: number, alt: string): string {
  const ratio = total > 0 && Number.isFinite(done) ? Math.min(Math.max(done / total, 0), 1) : 0;
  const filled = Math.floor(ratio * BAR_SEGMENTS);
  return `${"▰".repeat(filled)}${"▱".repeat(BAR_SEGMENTS - filled)} ${escapeMrkdwn(alt)}`;
}

/**
 * Action ids must be unique within a message, yet several buttons may share an action
 * (one "goal.log" per goal). Repeats get a "#n" suffix that `actionFromId` strips.
 */
export function actionFromId(actionId: string): string {
  const hash = actionId.lastIndexOf("#");
  return hash > 0 && /^\d+$/.test(actionId.slice(hash + 1)) ? actionId.slice(0, hash) : actionId;
}

function renderButton(button: Button, actionId: string): SlackButton {
  if (button.value.length > LIMITS.buttonValue) {
    throw new Error(
      `Button value for "${button.action}" is over ${LIMITS.buttonValue} characters.`,
    );
  }
  return {
    type: "button",
    action_id: actionId,
    text: plainText(button.label, LIMITS.buttonText),
    value: button.value,
    ...(button.style ? { style: button.style } : {}),
  };
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Block Kit for each neutral block; `actionIds` counts repeats so each action id is unique. */
const BLOCK_KIT: BlockRenderers<KnownBlock[], Map<string, number>> = {
  header: (block) => [{ type: "header", text: plainText(block.text, LIMITS.headerText) }],
  text: (block) => [{ type: "section", text: mrkdwn(block.text, LIMITS.sectionText) }],
  fields: (block) =>
    chunk(block.fields, LIMITS.fieldsPerSection).map((fields) => ({
      type: "section",
      fields: fields.map((field) => {
        const label = `*${escapeMrkdwn(oneLine(labelText(field.label, SLASH_COMMAND)).trim())}*\n`;
        return {
          type: "mrkdwn" as const,
          text: label + renderMrkdwn(field.value, LIMITS.fieldText - label.length),
          verbatim: true,
        };
      }),
    })),
  progress: (block) => {
    const label = renderMrkdwn(block.label, LIMITS.sectionText - 40);
    const out: KnownBlock[] = [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `${label}\n${progressBar(block.done, block.total, block.alt)}`,
          verbatim: true,
        },
      },
    ];
    if (block.caption && block.caption.length > 0) {
      out.push({ type: "context", elements: [mrkdwn(block.caption, LIMITS.contextText)] });
    }
    return out;
  },
  context: (block) => [{ type: "context", elements: [mrkdwn(block.text, LIMITS.contextText)] }],
  actions: (block, actionIds) =>
    chunk(block.buttons, LIMITS.buttonsPerActions).map(
      (buttons): ActionsBlock => ({
        type: "actions",
        elements: buttons.map((button) => {
          const seen = actionIds.get(button.action) ?? 0;
          actionIds.set(button.action, seen + 1);
          const id = seen === 0 ? button.action : `${button.action}#${seen + 1}`;
          if (id.length > LIMITS.actionId)
            throw new Error(`Action id "${button.action}" is too long.`);
          return renderButton(button, id);
        }),
      }),
    ),
  image: (block) => {
    if (!/^https?:\/\//i.test(block.url) || block.url.length > LIMITS.imageUrl) return [];
    return [
      {
        type: "image",
        image_url: block.url,
        alt_text: truncatePlain(block.alt || "image", LIMITS.altText),
        ...(block.title ? { title: plainText(block.title, LIMITS.altText) } : {}),
      },
    ];
  },
  divider: () => [{ type: "divider" }],
};

/** The reader's language, asked only when a message is cut and the note needs it. */
export type LocaleOf = () => string | undefined;

/** Renders blocks, cutting at `maxBlocks` with a closing note of how many were left out. */
export function renderBlocks(blocks: Block[], maxBlocks: number, locale?: LocaleOf): KnownBlock[] {
  const actionIds = new Map<string, number>();
  const rendered = blocks.flatMap((block) => renderBlockWith(BLOCK_KIT, block, actionIds));
  if (rendered.length <= maxBlocks) return rendered;
  const kept = rendered.slice(0, maxBlocks - 1);
  const hidden = rendered.length - kept.length;
  kept.push({
    type: "context",
    elements: [{ type: "mrkdwn", text: moreNotShown(hidden, locale?.()), verbatim: true }],
  });
  return kept;
}

const moreNotShown = (count: number, locale: string | undefined) =>
  escapeMrkdwn(translator(locale).t("reply.moreNotShown", { count }));

/** A neutral message as Block Kit for chat.postMessage, chat.update and response_url. */
export function renderMessage(message: Message, locale?: LocaleOf): SlackMessage {
  return {
    text: renderMrkdwn(oneLine(message.summary), LIMITS.fallbackText),
    blocks: renderBlocks(message.blocks, LIMITS.messageBlocks, locale),
  };
}

/** The App Home tab. */
export function renderHome(message: Message, locale?: LocaleOf): HomeView {
  return { type: "home", blocks: renderBlocks(message.blocks, LIMITS.viewBlocks, locale) };
}

/** Where a form was opened from, so the reply to its submission can go back there. */
export interface FormOrigin {
  channelId?: string;
  responseUrl?: string;
}

interface Metadata {
  s?: string;
  c?: string;
  r?: string;
}

/** Packs form state and origin into private_metadata; the origin is dropped before the state. */
export function encodeMetadata(state: string | undefined, origin: FormOrigin = {}): string {
  const candidates: Metadata[] = [
    { s: state, c: origin.channelId, r: origin.responseUrl },
    { s: state, c: origin.channelId },
    { s: state },
  ];
  for (const candidate of candidates) {
    const json = JSON.stringify(candidate);
    if (json.length <= LIMITS.privateMetadata) return json;
  }
  throw new Error(`Form state is over ${LIMITS.privateMetadata} characters once encoded.`);
}

export function decodeMetadata(raw: string | undefined): { state?: string } & FormOrigin {
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as Metadata;
    return {
      ...(typeof parsed.s === "string" ? { state: parsed.s } : {}),
      ...(typeof parsed.c === "string" ? { channelId: parsed.c } : {}),
      ...(typeof parsed.r === "string" ? { responseUrl: parsed.r } : {}),
    };
  } catch {
    return {};
  }
}

function renderInputElement(input: FormInput) {
  switch (input.type) {
    case "text":
      return {
        type: "plain_text_input" as const,
        action_id: input.id,
        multiline: input.multiline ?? false,
        ...(input.placeholder
          ? { placeholder: plainText(input.placeholder, LIMITS.placeholder) }
          : {}),
        ...(input.initial !== undefined
          ? { initial_value: input.initial.slice(0, LIMITS.textInputMax) }
          : {}),
        ...(input.maxLength !== undefined
          ? { max_length: Math.min(input.maxLength, LIMITS.textInputMax) }
          : {}),
      };
    case "select": {
      const options = input.options.slice(0, LIMITS.optionsPerSelect).map((option) => {
        if (option.value.length > LIMITS.optionValue) {
          throw new Error(
            `Option value for "${input.id}" is over ${LIMITS.optionValue} characters.`,
          );
        }
        return { text: plainText(option.label, LIMITS.optionText), value: option.value };
      });
      const initial = options.find((o) => o.value === input.initial);
      return {
        type: "static_select" as const,
        action_id: input.id,
        options,
        ...(initial ? { initial_option: initial } : {}),
      };
    }
    case "date":
      return {
        type: "datepicker" as const,
        action_id: input.id,
        ...(input.initial && /^\d{4}-\d{2}-\d{2}$/.test(input.initial)
          ? { initial_date: input.initial }
          : {}),
      };
    case "number":
      return {
        type: "number_input" as const,
        action_id: input.id,
        is_decimal_allowed: input.decimal ?? false,
        ...(input.initial !== undefined ? { initial_value: input.initial } : {}),
        ...(input.min !== undefined ? { min_value: String(input.min) } : {}),
        ...(input.max !== undefined ? { max_value: String(input.max) } : {}),
      };
  }
}

/** A form as a modal view: callback_id routes the submission, block ids are the input ids. */
export function renderForm(form: Form, origin: FormOrigin = {}): ModalView {
  const blocks: KnownBlock[] = [];
  if (form.intro && form.intro.length > 0) {
    blocks.push({ type: "section", text: mrkdwn(form.intro, LIMITS.sectionText) });
  }
  for (const input of form.inputs) {
    blocks.push({
      type: "input",
      block_id: input.id,
      label: plainText(input.label, LIMITS.inputLabel),
      optional: input.optional ?? false,
      element: renderInputElement(input),
    } as KnownBlock);
  }
  return {
    type: "modal",
    callback_id: form.id,
    title: plainText(form.title, LIMITS.viewTitle),
    submit: plainText(form.submitLabel, LIMITS.viewButton),
    close: plainText("Cancel", LIMITS.viewButton),
    private_metadata: encodeMetadata(form.state, origin),
    blocks: blocks.slice(0, LIMITS.viewBlocks),
  };
}

/** The part of a submitted view the form reader needs. */
export interface SubmittedState {
  values: Record<string, Record<string, SubmittedElement>>;
}

interface SubmittedElement {
  type?: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_date?: string | null;
}

/** Input values by input id, as the core's `submit` wants them. Empty inputs are undefined. */
export function readFormValues(
  state: SubmittedState | undefined,
): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const [blockId, elements] of Object.entries(state?.values ?? {})) {
    const element = elements[blockId] ?? Object.values(elements)[0];
    if (!element) continue;
    const value =
      element.value ?? element.selected_option?.value ?? element.selected_date ?? undefined;
    values[blockId] = value === null || value === "" ? undefined : value;
  }
  return values;
}
