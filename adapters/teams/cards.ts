import { translator } from "../../src/i18n/index.ts";
import type {
  Attachment,
  Block,
  Button,
  Form,
  FormInput,
  Message,
} from "../../src/messages/model.ts";
import { type BlockRenderers, labelText, renderBlockWith } from "../../src/messages/model.ts";
import { COMMAND_WORD } from "./command.ts";
import type { OfferedFile } from "./file-offers.ts";
import { escapeMarkdown, oneLine, renderMarkdown, truncatePlain } from "./markdown.ts";

/**
 * Neutral messages as Adaptive Cards 1.5, the newest version every Teams client renders.
 * Buttons are Action.Submit: Teams posts their `data` back as a message activity whose
 * `replyToId` is the card's activity, which is what lets a click update the card in place.
 */
export const CARD_VERSION = "1.5";
export const CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
/** Asks the person whether the bot may save a file to their OneDrive (personal chats only). */
export const FILE_CONSENT_CONTENT_TYPE = "application/vnd.microsoft.teams.card.file.consent";
/** Shows a file already in the person's OneDrive, once the bot has uploaded it. */
export const FILE_INFO_CONTENT_TYPE = "application/vnd.microsoft.teams.card.file.info";

/** Limits the renderer enforces; Teams rejects activities over about 28 KB. */
export const LIMITS = {
  cardBytes: 24_000,
  /** Teams refuses a bot message over about 28 KB, inline images included. */
  messageBytes: 27_000,
  buttonsPerRow: 5,
  buttonTitle: 60,
  buttonValue: 2000,
  headerText: 150,
  inputLabel: 200,
  placeholder: 150,
  choiceTitle: 75,
  choices: 100,
  summary: 1000,
  fileDescription: 200,
} as const;

/** The key under which our own data travels in Action.Submit payloads. */
export const DATA_KEY = "stackup";
/** Input ids carry a prefix so no input can overwrite our data key in the merged payload. */
export const INPUT_PREFIX = "f:";

export type CardElement = Record<string, unknown>;

export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: string;
  version: string;
  body: CardElement[];
  msteams?: { width: "Full" };
}

/** What a file consent card carries; the contexts come back with the person's answer. */
export interface FileConsentContent {
  description: string;
  sizeInBytes: number;
  acceptContext: OfferContext;
  declineContext: OfferContext;
}

/** Only the offer's id travels through Teams; the file stays with us until it is accepted. */
export interface OfferContext {
  offer: string;
}

export interface CardAttachment {
  contentType: string;
  content?: AdaptiveCard | FileConsentContent | { uniqueId: string; fileType: string };
  contentUrl?: string;
  name?: string;
}

/** What a click or a form submission posts back, after the adapter has read it. */
export type Submission =
  | { kind: "action"; action: string; value: string }
  | {
      kind: "form";
      formId: string;
      state: string | undefined;
      labels: Record<string, string>;
      values: Record<string, string | undefined>;
    };

function textBlock(text: string, extra: CardElement = {}): CardElement {
  return { type: "TextBlock", text, wrap: true, ...extra };
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Share of the work done as a whole percent; floors, so 100 % means done. */
export function percentDone(done: number, total: number): number {
  const ratio = total > 0 && Number.isFinite(done) ? Math.min(Math.max(done / total, 0), 1) : 0;
  return Math.floor(ratio * 100);
}

/** A bar of two weighted, coloured columns and the bar in words beside it ("4 h of 10 h, 40%"). */
function progressBar(done: number, total: number, alt: string): CardElement {
  const percent = percentDone(done, total);
  const bar = (width: number, style: string): CardElement => ({
    type: "Column",
    width,
    style,
    minHeight: "12px",
    verticalContentAlignment: "Center",
    items: [],
  });
  const columns: CardElement[] = [];
  if (percent > 0) columns.push(bar(percent, "good"));
  if (percent < 100) columns.push(bar(100 - percent, "emphasis"));
  columns.push({
    type: "Column",
    width: "auto",
    items: [textBlock(escapeMarkdown(alt), { size: "Small", wrap: false })],
  });
  return { type: "ColumnSet", spacing: "Small", columns };
}

function submitAction(button: Button): CardElement {
  if (button.value.length > LIMITS.buttonValue) {
    throw new Error(
      `Button value for "${button.action}" is over ${LIMITS.buttonValue} characters.`,
    );
  }
  return {
    type: "Action.Submit",
    title: truncatePlain(oneLine(button.label), LIMITS.buttonTitle),
    data: { [DATA_KEY]: { a: button.action, v: button.value } },
    ...(button.style === "primary" ? { style: "positive" } : {}),
    ...(button.style === "danger" ? { style: "destructive" } : {}),
  };
}

/** Adaptive Card elements for each neutral block. */
const ADAPTIVE_CARD: BlockRenderers<CardElement[]> = {
  header: (block) => [
    textBlock(escapeMarkdown(truncatePlain(oneLine(block.text), LIMITS.headerText)), {
      size: "Large",
      weight: "Bolder",
      style: "heading",
    }),
  ],
  text: (block) => [textBlock(renderMarkdown(block.text))],
  fields: (block) => [
    {
      type: "FactSet",
      facts: block.fields.map((field) => ({
        title: escapeMarkdown(oneLine(labelText(field.label, COMMAND_WORD))),
        value: renderMarkdown(field.value),
      })),
    },
  ],
  progress: (block) => {
    const items: CardElement[] = [
      textBlock(renderMarkdown(block.label)),
      progressBar(block.done, block.total, block.alt),
    ];
    if (block.caption && block.caption.length > 0) {
      items.push(
        textBlock(renderMarkdown(block.caption), {
          isSubtle: true,
          size: "Small",
          spacing: "Small",
        }),
      );
    }
    return [{ type: "Container", items }];
  },
  context: (block) => [textBlock(renderMarkdown(block.text), { isSubtle: true, size: "Small" })],
  actions: (block) =>
    chunk(block.buttons, LIMITS.buttonsPerRow).map((buttons) => ({
      type: "ActionSet",
      actions: buttons.map(submitAction),
    })),
  image: (block) =>
    // Teams only loads images over HTTPS.
    /^https:\/\/\S+$/i.test(block.url)
      ? [{ type: "Image", url: block.url, altText: block.alt || "image", size: "Auto" }]
      : [],
  // A separator on the next element (see renderBody).
  divider: () => [],
};

/** Blocks as card elements; a divider becomes a separator line on the element after it. */
export function renderBody(blocks: Block[]): CardElement[] {
  const body: CardElement[] = [];
  let separate = false;
  for (const block of blocks) {
    if (block.type === "divider") {
      separate = body.length > 0;
      continue;
    }
    const elements = renderBlockWith(ADAPTIVE_CARD, block, undefined);
    if (separate && elements[0]) {
      elements[0] = { ...elements[0], separator: true, spacing: "Medium" };
      separate = false;
    }
    body.push(...elements);
  }
  return body;
}

function card(body: CardElement[]): AdaptiveCard {
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: CARD_VERSION,
    body,
    msteams: { width: "Full" },
  };
}

const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value), "utf8");

/**
 * Cuts a card that Teams would refuse, closing it with a note of how much was left out. The
 * `tail` (where the message's files are) is always kept.
 */
function fitCard(body: CardElement[], tail: CardElement[], locale?: string): AdaptiveCard {
  let kept = body;
  let rendered = card([...kept, ...tail]);
  while (size(rendered) > LIMITS.cardBytes && kept.length > 1) {
    kept = kept.slice(0, -1);
    const hidden = body.length - kept.length;
    rendered = card([
      ...kept,
      textBlock(translator(locale).t("reply.moreNotShown", { count: hidden }), {
        isSubtle: true,
        size: "Small",
      }),
      ...tail,
    ]);
  }
  return rendered;
}

export const isImage = (file: Attachment) => /^image\/(png|jpeg|gif)$/.test(file.contentType);

const names = (files: readonly Attachment[]) => files.map((f) => oneLine(f.filename)).join(", ");

const note = (text: Parameters<typeof renderMarkdown>[0]) =>
  textBlock(renderMarkdown(text), { isSubtle: true, size: "Small" });

/**
 * Says where the files that are not images are. Cards cannot carry them: in a personal chat
 * they come as file consent cards beside this one (`offered`); elsewhere Teams has no way for
 * a bot to hand over a file, so the person is sent to the personal chat.
 */
function fileNotes(
  message: Message,
  offered: readonly OfferedFile[] | undefined,
  locale?: string,
): CardElement[] {
  const others = filesToOffer(message);
  if (others.length === 0) return [];
  const t = translator(locale);
  if (!offered) {
    const values = { files: names(others), count: others.length };
    return [note(t.rich("teams.onlyInPersonalChat", values))];
  }
  const sent = new Set(offered.map((o) => o.file));
  const notes: CardElement[] = [];
  const kept = others.filter((f) => sent.has(f));
  if (kept.length > 0) notes.push(note(t.rich("teams.chooseAllow", { files: names(kept) })));
  const left = others.filter((f) => !sent.has(f));
  if (left.length > 0) notes.push(note(t.rich("teams.tooLargeToSend", { files: names(left) })));
  return notes;
}

/**
 * A neutral message as a card. Images go beside it (see renderActivity); other files are named,
 * with where to get them: `offered` lists those offered in this personal chat.
 */
export function renderCard(
  message: Message,
  offered?: readonly OfferedFile[],
  locale?: string,
): AdaptiveCard {
  // A closing note, often how to see everything, stays when the card is cut to fit.
  const last = message.blocks.at(-1);
  const footnote = last?.type === "context" && message.blocks.length > 1 ? [last] : [];
  const body = renderBody(footnote.length ? message.blocks.slice(0, -1) : message.blocks);
  const tail = [...renderBody(footnote), ...fileNotes(message, offered, locale)];
  return fitCard(body, tail, locale);
}

/** One file consent card per offered file: Teams asks the person, and tells us their answer. */
export function consentAttachments(offered: readonly OfferedFile[]): CardAttachment[] {
  return offered.map(({ id, file }) => ({
    contentType: FILE_CONSENT_CONTENT_TYPE,
    name: file.filename,
    content: {
      description: truncatePlain(oneLine(file.title || file.filename), LIMITS.fileDescription),
      sizeInBytes: file.data.byteLength,
      acceptContext: { offer: id },
      declineContext: { offer: id },
    },
  }));
}

export interface MessageActivity {
  type: "message";
  summary: string;
  attachments: CardAttachment[];
}

/**
 * The activity fields for a message: the card, inline images, a plain summary, and a consent card
 * for each file offered in a personal chat.
 */
export function renderActivity(
  message: Message,
  offered?: readonly OfferedFile[],
  locale?: string,
): MessageActivity {
  const { activity, consent } = renderUpdate(message, offered, locale);
  return { ...activity, attachments: [...activity.attachments, ...consent] };
}

/**
 * A message for replacing a card in place. Teams asks for consent only in a new message, so the
 * consent cards are apart, to send after it.
 */
export function renderUpdate(
  message: Message,
  offered?: readonly OfferedFile[],
  locale?: string,
): { activity: MessageActivity; consent: CardAttachment[] } {
  const images = (message.files ?? []).filter(isImage).map(
    (file): CardAttachment => ({
      contentType: file.contentType,
      contentUrl: `data:${file.contentType};base64,${Buffer.from(file.data).toString("base64")}`,
      name: file.filename,
    }),
  );
  return {
    activity: {
      type: "message",
      summary: truncatePlain(oneLine(message.summary), LIMITS.summary),
      attachments: [
        { contentType: CARD_CONTENT_TYPE, content: renderCard(message, offered, locale) },
        ...images,
      ],
    },
    consent: consentAttachments(offered ?? []),
  };
}

/** Files of a message that Teams cannot show inline, so a personal chat offers them. */
export function filesToOffer(message: Message): Attachment[] {
  return (message.files ?? []).filter((f) => !isImage(f));
}

function renderInput(input: FormInput, required: string): CardElement {
  const common = {
    id: `${INPUT_PREFIX}${input.id}`,
    label: truncatePlain(oneLine(input.label), LIMITS.inputLabel),
    isRequired: !input.optional,
    ...(input.optional ? {} : { errorMessage: required }),
  };
  switch (input.type) {
    case "text":
      return {
        type: "Input.Text",
        ...common,
        isMultiline: input.multiline ?? false,
        ...(input.placeholder
          ? { placeholder: truncatePlain(oneLine(input.placeholder), LIMITS.placeholder) }
          : {}),
        ...(input.initial !== undefined ? { value: input.initial } : {}),
        ...(input.maxLength !== undefined ? { maxLength: input.maxLength } : {}),
      };
    case "select":
      return {
        type: "Input.ChoiceSet",
        ...common,
        style: "compact",
        choices: input.options.slice(0, LIMITS.choices).map((option) => ({
          title: truncatePlain(oneLine(option.label), LIMITS.choiceTitle),
          value: option.value,
        })),
        ...(input.initial !== undefined ? { value: input.initial } : {}),
      };
    case "date":
      return {
        type: "Input.Date",
        ...common,
        ...(input.initial && /^\d{4}-\d{2}-\d{2}$/.test(input.initial)
          ? { value: input.initial }
          : {}),
      };
    case "number":
      return {
        type: "Input.Number",
        ...common,
        ...(input.initial !== undefined && Number.isFinite(Number(input.initial))
          ? { value: Number(input.initial) }
          : {}),
        ...(input.min !== undefined ? { min: input.min } : {}),
        ...(input.max !== undefined ? { max: input.max } : {}),
      };
  }
}

/**
 * A form as a card of inputs. The submit button's data names the form, its state and the input
 * labels (so errors can say which field is wrong); Teams adds the input values beside it.
 */
export function renderFormCard(form: Form, locale?: string): AdaptiveCard {
  const labels = Object.fromEntries(form.inputs.map((i) => [i.id, oneLine(i.label)]));
  const body: CardElement[] = [
    textBlock(escapeMarkdown(truncatePlain(oneLine(form.title), LIMITS.headerText)), {
      size: "Large",
      weight: "Bolder",
      style: "heading",
    }),
  ];
  if (form.intro && form.intro.length > 0) body.push(textBlock(renderMarkdown(form.intro)));
  const required = translator(locale).t("teams.required");
  body.push(...form.inputs.map((input) => renderInput(input, required)));
  body.push({
    type: "ActionSet",
    actions: [
      {
        type: "Action.Submit",
        title: truncatePlain(oneLine(form.submitLabel), LIMITS.buttonTitle),
        style: "positive",
        data: { [DATA_KEY]: { f: form.id, ...(form.state ? { s: form.state } : {}), l: labels } },
      },
    ],
  });
  return card(body);
}

export function formActivity(
  form: Form,
  locale?: string,
): { type: "message"; attachments: CardAttachment[] } {
  return {
    type: "message",
    attachments: [{ contentType: CARD_CONTENT_TYPE, content: renderFormCard(form, locale) }],
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads an Action.Submit payload back; anything that is not ours is undefined. */
export function readSubmission(value: unknown): Submission | undefined {
  if (!isRecord(value)) return undefined;
  const ours = value[DATA_KEY];
  if (!isRecord(ours)) return undefined;
  if (typeof ours.a === "string") {
    return { kind: "action", action: ours.a, value: typeof ours.v === "string" ? ours.v : "" };
  }
  if (typeof ours.f !== "string") return undefined;
  const values: Record<string, string | undefined> = {};
  for (const [key, raw] of Object.entries(value)) {
    if (!key.startsWith(INPUT_PREFIX)) continue;
    const text = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw : "";
    values[key.slice(INPUT_PREFIX.length)] = text.trim() === "" ? undefined : text;
  }
  const labels: Record<string, string> = {};
  if (isRecord(ours.l)) {
    for (const [id, label] of Object.entries(ours.l)) {
      if (typeof label === "string") labels[id] = label;
    }
  }
  return {
    kind: "form",
    formId: ours.f,
    state: typeof ours.s === "string" ? ours.s : undefined,
    labels,
    values,
  };
}
