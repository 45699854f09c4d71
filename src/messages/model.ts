/**
 * The neutral message model. Handlers and jobs build these; each adapter renders them into
 * its platform's UI (Block Kit, Adaptive Cards). Every string here is plain text exactly as a
 * person would read it: renderers escape it, so text a user typed can never become markup.
 */

/**
 * A command the person can type, without the command word: `{ command: "log <hours>" }`. Each
 * platform spells the command word its own way ("/learn" on Slack, "learn" on Teams), so the
 * renderer adds it and a message needn't know which platform it goes to.
 */
export interface CommandRef {
  command: string;
}

/** A run of inline text. Plain strings are literal; the objects add emphasis, a link or a command. */
export type Inline =
  | string
  | { bold: string }
  | { italic: string }
  | { code: string }
  | { link: string; text: string }
  | CommandRef;

export type RichText = Inline[];

export interface Button {
  label: string;
  /** Stable action id, e.g. "goal.log"; adapters route clicks by it. */
  action: string;
  /** Opaque payload handed back to the action handler. Keep under 2,000 characters. */
  value: string;
  style?: "primary" | "danger";
}

export interface SelectOption {
  label: string;
  value: string;
}

export interface Field {
  label: string | CommandRef;
  value: RichText;
}

export type Block =
  | { type: "header"; text: string }
  | { type: "text"; text: RichText }
  | { type: "fields"; fields: Field[] }
  /** `alt` is the bar as words ("3 h of 10 h, 30%"), for screen readers and plain text. */
  | {
      type: "progress";
      label: RichText;
      done: number;
      total: number;
      alt: string;
      caption?: RichText;
    }
  | { type: "context"; text: RichText }
  | { type: "actions"; buttons: Button[] }
  | { type: "image"; url: string; alt: string; title?: string }
  | { type: "divider" };

/**
 * A renderer as a table with one entry per block kind. A table of this type does not compile
 * until it handles every kind, so a kind added to `Block` must be drawn on every platform.
 */
export type BlockRenderers<Out, Context = undefined> = {
  [K in Block["type"]]: (block: Extract<Block, { type: K }>, context: Context) => Out;
};

/** Draws one block with the table's entry for its kind. */
export function renderBlockWith<Out, Context>(
  table: BlockRenderers<Out, Context>,
  block: Block,
  context: Context,
): Out {
  // TypeScript can't relate the entry to the block's own kind; the table's type guarantees it.
  const render = table[block.type] as (block: Block, context: Context) => Out;
  return render(block, context);
}

/** For the end of a switch over a union: a kind no case handled fails to compile here. */
export function unhandled(value: never): never {
  throw new Error(`Unhandled kind: ${JSON.stringify(value)}`);
}

/** A file sent along with a message (a chart image, a CSV report, an .ics calendar). */
export interface Attachment {
  filename: string;
  contentType: string;
  data: Uint8Array;
  /** Alt text for images. */
  title?: string;
}

export interface Message {
  /** Plain-text summary for notifications and screen readers. */
  summary: string;
  blocks: Block[];
  files?: Attachment[];
}

/** A form the user fills in (a Slack modal; a card with inputs elsewhere). */
export interface Form {
  /** Routes the submission, like a button's action id. */
  id: string;
  title: string;
  submitLabel: string;
  /** Opaque state handed back on submit. */
  state?: string;
  intro?: RichText;
  inputs: FormInput[];
}

export type FormInput =
  | {
      type: "text";
      id: string;
      label: string;
      placeholder?: string;
      initial?: string;
      optional?: boolean;
      multiline?: boolean;
      maxLength?: number;
    }
  | {
      type: "select";
      id: string;
      label: string;
      options: SelectOption[];
      initial?: string;
      optional?: boolean;
    }
  | { type: "date"; id: string; label: string; initial?: string; optional?: boolean }
  | {
      type: "number";
      id: string;
      label: string;
      initial?: string;
      optional?: boolean;
      min?: number;
      max?: number;
      decimal?: boolean;
    };

/** What a command or action answers with. */
export type Reply =
  | { kind: "message"; message: Message; visibility: "private" | "public" }
  /** Replace the message that carried the clicked button. */
  | { kind: "update"; message: Message }
  | { kind: "form"; form: Form }
  | { kind: "none" };

export function privateReply(message: Message): Reply {
  return { kind: "message", message, visibility: "private" };
}

/** A command as a person types it on a platform whose command word is `prefix` (none: bare). */
export function commandText(ref: CommandRef, prefix = ""): string {
  return prefix ? `${prefix} ${ref.command}` : ref.command;
}

/** A field's label as plain text. */
export function labelText(label: string | CommandRef, prefix = ""): string {
  return typeof label === "string" ? label : commandText(label, prefix);
}

/**
 * Flattens rich text to plain text (summaries, fallbacks, tests), spelling commands with the
 * platform's command word `prefix` when given.
 */
export function plain(text: RichText | string, prefix = ""): string {
  if (typeof text === "string") return text;
  return text
    .map((part) => {
      if (typeof part === "string") return part;
      if ("bold" in part) return part.bold;
      if ("italic" in part) return part.italic;
      if ("code" in part) return part.code;
      if ("command" in part) return commandText(part, prefix);
      if ("link" in part) return part.text;
      return unhandled(part);
    })
    .join("");
}

/** Plain text of a whole message, for tests and fallbacks; `prefix` as for `plain`. */
export function messageText(message: Message, prefix = ""): string {
  return message.blocks
    .map((block) => {
      switch (block.type) {
        case "header":
          return block.text;
        case "text":
        case "context":
          return plain(block.text, prefix);
        case "fields":
          return block.fields
            .map((f) => `${labelText(f.label, prefix)}: ${plain(f.value, prefix)}`)
            .join("\n");
        case "progress":
          return `${plain(block.label, prefix)} ${block.alt}${block.caption ? ` ${plain(block.caption, prefix)}` : ""}`;
        case "actions":
          return block.buttons.map((b) => `[${b.label}]`).join(" ");
        case "image":
          return block.alt;
        case "divider":
          return "---";
      }
      return unhandled(block);
    })
    .join("\n");
}
