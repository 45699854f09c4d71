import { DateTime } from "luxon";
import type { ProgressEntry } from "../domain/goals/repository.ts";
import type { Correction } from "../domain/goals/service.ts";
import { payload, type ViewContext } from "./goals.ts";
import {
  type Block,
  type Button,
  type Form,
  type Inline,
  type Message,
  plain,
  type RichText,
} from "./model.ts";

/** Exact to the minute's hundredth of an hour, as logged: 0.25 h stays 0.25 h. */
export function exactHours(n: number): string {
  return `${Number(n.toFixed(2))} h`;
}

/** When an entry was logged, in the person's own zone. */
export function loggedAt(at: Date, ctx: ViewContext): string {
  const d = DateTime.fromJSDate(at, { zone: ctx.timeZone });
  const year = DateTime.fromJSDate(ctx.now, { zone: ctx.timeZone }).year;
  return d.toFormat(d.year === year ? "EEE d LLL, HH:mm" : "d LLL yyyy, HH:mm");
}

// Notes may be 500 characters; a list of ten stays readable (and within a Teams card).
const NOTE_SHOWN = 200;

function entryLine(e: ProgressEntry, ctx: ViewContext): RichText {
  const line: Inline[] = [
    { bold: loggedAt(e.occurredAt, ctx) },
    ` · ${exactHours(e.hours)} · `,
    e.goalTitle,
  ];
  if (e.note) {
    const note = e.note.length > NOTE_SHOWN ? `${e.note.slice(0, NOTE_SHOWN - 1)}…` : e.note;
    line.push(` — “${note}”`);
  }
  return line;
}

/**
 * The person's recent entries, newest first, each with Undo and Change… unless its goal is
 * completed. `filter` is the goal the list is limited to, carried in the buttons so a click
 * redraws the same list.
 */
export function historyMessage(
  entries: ProgressEntry[],
  ctx: ViewContext,
  options: { goalTitle?: string; filter?: number; note?: RichText } = {},
): Message {
  const title = options.goalTitle
    ? `Your progress on ${options.goalTitle}`
    : "Your recent progress";
  const blocks: Block[] = [];
  if (options.note) blocks.push({ type: "text", text: options.note });
  blocks.push({ type: "header", text: title.length > 150 ? `${title.slice(0, 149)}…` : title });
  if (entries.length === 0) {
    blocks.push({
      type: "text",
      text: [
        options.goalTitle ? "No progress logged on this goal yet." : "No progress logged yet.",
      ],
    });
    blocks.push({
      type: "context",
      text: ["Log time with ", { command: "log <hours> [goal] [note]" }, "."],
    });
    return { summary: title, blocks };
  }
  const f = options.filter;
  for (const e of entries) {
    blocks.push({ type: "text", text: entryLine(e, ctx) });
    if (e.goalStatus === "completed") {
      blocks.push({ type: "context", text: ["Goal completed — its entries stay as they are."] });
      continue;
    }
    const value = payload({ e: e.id, ...(f ? { f } : {}) });
    const buttons: Button[] = [
      { label: "Undo", action: "progress.undo", value, style: "danger" },
      { label: "Change…", action: "progress.change", value },
    ];
    blocks.push({ type: "actions", buttons });
  }
  blocks.push({
    type: "context",
    text: [
      "Undo removes an entry; Change… sets its hours. Every correction is recorded in the audit log. ",
      { command: "undo" },
      " and ",
      { command: "fix <hours>" },
      " change your latest entry.",
    ],
  });
  return {
    summary: `${title}: ${entries.length} entr${entries.length === 1 ? "y" : "ies"}`,
    blocks,
  };
}

/** What a correction did, and the goal's total after it. */
export function correctionNote(c: Correction, ctx: ViewContext): RichText {
  const { before } = c;
  const when = loggedAt(before.occurredAt, ctx);
  const what: Inline[] =
    c.hours === null
      ? [`Removed ${exactHours(before.hours)} on `]
      : [`Changed ${exactHours(before.hours)} to ${exactHours(c.hours)} on `];
  return [
    ...what,
    { bold: c.view.goal.title },
    ` (logged ${when}). It now has ${exactHours(c.view.goal.loggedHours)} logged.`,
  ];
}

export function correctionMessage(c: Correction, ctx: ViewContext): Message {
  const text = correctionNote(c, ctx);
  return {
    summary: plain(text),
    blocks: [
      { type: "text", text },
      {
        type: "context",
        text: [
          "Corrections are recorded in the audit log. See your entries with ",
          { command: "history" },
          ".",
        ],
      },
    ],
  };
}

/** "Change…": the entry's hours, prefilled. */
export function changeHoursForm(
  entry: ProgressEntry,
  ctx: ViewContext,
  filter: number | undefined,
  maxHours: number,
): Form {
  return {
    id: "progress.fix",
    title: "Change hours",
    submitLabel: "Save",
    state: payload({ e: entry.id, ...(filter ? { f: filter } : {}) }),
    intro: [
      "Hours logged on ",
      { bold: entry.goalTitle.slice(0, 100) },
      ` on ${loggedAt(entry.occurredAt, ctx)}:`,
    ],
    inputs: [
      {
        type: "number",
        id: "hours",
        label: "Hours",
        decimal: true,
        min: 0.01,
        max: maxHours,
        initial: String(Number(entry.hours.toFixed(2))),
      },
    ],
  };
}
