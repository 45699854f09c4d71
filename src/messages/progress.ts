import { DateTime } from "luxon";
import type { ProgressEntry } from "../domain/goals/repository.ts";
import type { Correction } from "../domain/goals/service.ts";
import { translator } from "../i18n/index.ts";
import { payload, tr, type ViewContext } from "./goals.ts";
import { type Block, type Button, type Form, type Message, plain, type RichText } from "./model.ts";

/** Exact to the minute's hundredth of an hour, as logged: 0.25 h stays 0.25 h. */
export function exactHours(n: number, locale?: string): string {
  return translator(locale).exactHours(n);
}

/** When an entry was logged, in the person's own zone and locale. */
export function loggedAt(at: Date, ctx: ViewContext): string {
  const year = DateTime.fromJSDate(ctx.now, { zone: ctx.timeZone }).year;
  return tr(ctx).dateTime(at, ctx.timeZone, year);
}

// Notes may be 500 characters; a list of ten stays readable (and within a Teams card).
const NOTE_SHOWN = 200;

function entryLine(e: ProgressEntry, ctx: ViewContext): RichText {
  const t = tr(ctx);
  const note = !e.note
    ? ""
    : e.note.length > NOTE_SHOWN
      ? `${e.note.slice(0, NOTE_SHOWN - 1)}…`
      : e.note;
  return t.rich("history.entry", {
    when: loggedAt(e.occurredAt, ctx),
    hours: t.exactHours(e.hours),
    title: e.goalTitle,
    hasNote: note ? "yes" : "no",
    note,
  });
}

function entryBlocks(e: ProgressEntry, ctx: ViewContext, f: number | undefined): Block[] {
  const t = tr(ctx);
  const blocks: Block[] = [{ type: "text", text: entryLine(e, ctx) }];
  if (e.goalStatus === "completed") {
    blocks.push({ type: "context", text: t.rich("history.completed") });
    return blocks;
  }
  const value = payload({ e: e.id, ...(f ? { f } : {}) });
  const buttons: Button[] = [
    { label: t.t("button.undo"), action: "progress.undo", value, style: "danger" },
    { label: t.t("button.change"), action: "progress.change", value },
  ];
  blocks.push({ type: "actions", buttons });
  return blocks;
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
  const t = tr(ctx);
  const title = options.goalTitle
    ? t.t("history.titleGoal", { title: options.goalTitle })
    : t.t("history.title");
  const blocks: Block[] = [];
  if (options.note) blocks.push({ type: "text", text: options.note });
  blocks.push({ type: "header", text: title.length > 150 ? `${title.slice(0, 149)}…` : title });
  if (entries.length === 0) {
    blocks.push({
      type: "text",
      text: t.rich(options.goalTitle ? "history.noneGoal" : "history.none"),
    });
    blocks.push({
      type: "context",
      text: t.rich("history.logWith", { command: { command: "log <hours> [goal] [note]" } }),
    });
    return { summary: title, blocks };
  }
  for (const e of entries) blocks.push(...entryBlocks(e, ctx, options.filter));
  blocks.push({
    type: "context",
    text: t.rich("history.explain", {
      undo: { command: "undo" },
      fix: { command: "fix <hours>" },
    }),
  });
  return { summary: t.t("history.summary", { title, count: entries.length }), blocks };
}

/** What a correction did, and the goal's total after it. */
export function correctionNote(c: Correction, ctx: ViewContext): RichText {
  const t = tr(ctx);
  return t.rich(c.hours === null ? "correction.removed" : "correction.changed", {
    before: t.exactHours(c.before.hours),
    after: t.exactHours(c.hours ?? 0),
    title: c.view.goal.title,
    when: loggedAt(c.before.occurredAt, ctx),
    total: t.exactHours(c.view.goal.loggedHours),
  });
}

export function correctionMessage(c: Correction, ctx: ViewContext): Message {
  const text = correctionNote(c, ctx);
  return {
    summary: plain(text),
    blocks: [
      { type: "text", text },
      {
        type: "context",
        text: tr(ctx).rich("correction.audit", { command: { command: "history" } }),
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
  const t = tr(ctx);
  return {
    id: "progress.fix",
    title: t.t("changeForm.title"),
    submitLabel: t.t("settings.save"),
    state: payload({ e: entry.id, ...(filter ? { f: filter } : {}) }),
    intro: t.rich("changeForm.intro", {
      title: entry.goalTitle.slice(0, 100),
      when: loggedAt(entry.occurredAt, ctx),
    }),
    inputs: [
      {
        type: "number",
        id: "hours",
        label: t.t("logForm.hours"),
        decimal: true,
        min: 0.01,
        max: maxHours,
        initial: String(Number(entry.hours.toFixed(2))),
      },
    ],
  };
}
