import { computePace } from "../../src/domain/goals/pace.ts";
import type { GoalRow } from "../../src/domain/goals/repository.ts";
import type { GoalView } from "../../src/domain/goals/service.ts";
import { PSEUDO_LOCALE } from "../../src/i18n/index.ts";
import {
  type Block,
  type Form,
  labelText,
  type Message,
  plain,
  unhandled,
} from "../../src/messages/model.ts";

export const now = new Date("2026-11-30T09:00:00Z");
export const ZONE = "Europe/Berlin";
const DAY = 86_400_000;

/** A goal as the builders see it; `over` changes the row. */
export function goalView(over: Partial<GoalRow> = {}): GoalView {
  const goal = {
    id: 7,
    user_id: 1,
    credential_id: null,
    title: "Learn Rust",
    target_date: null,
    hours_per_week: 3,
    estimated_hours: 30,
    status: "active",
    created_at: new Date(now.getTime() - 21 * DAY),
    updated_at: now,
    completed_at: null,
    loggedHours: 2,
    lastProgressAt: new Date(now.getTime() - 2 * DAY),
    credentialUrl: null,
    provider: null,
    ...over,
  } as GoalRow;
  const pace = computePace(
    {
      createdAt: goal.created_at,
      targetDate: goal.target_date,
      hoursPerWeek: goal.hours_per_week,
      estimatedHours: goal.estimated_hours,
      loggedHours: goal.loggedHours,
      status: goal.status,
    },
    now,
    ZONE,
  );
  return { goal, pace };
}

function blockTexts(block: Block): string[] {
  switch (block.type) {
    case "header":
      return [block.text];
    case "text":
    case "context":
      return [plain(block.text)];
    case "fields":
      return block.fields.flatMap((f) => [labelText(f.label), plain(f.value)]);
    case "progress":
      return [plain(block.label), block.alt, ...(block.caption ? [plain(block.caption)] : [])];
    case "actions":
      return block.buttons.map((b) => b.label);
    case "image":
      return [block.alt, ...(block.title ? [block.title] : [])];
    case "divider":
      return [];
  }
  return unhandled(block);
}

/** Every string a person reads in a message or form (placeholders show input syntax: left out). */
export function readableTexts(item: Message | Form): string[] {
  if ("blocks" in item) {
    const files = (item.files ?? []).flatMap((f) => (f.title ? [f.title] : []));
    return [item.summary, ...item.blocks.flatMap(blockTexts), ...files];
  }
  return [
    item.title,
    item.submitLabel,
    ...(item.intro ? [plain(item.intro)] : []),
    ...item.inputs.flatMap((input) => [
      input.label,
      ...(input.type === "select" ? input.options.map((o) => o.label) : []),
    ]),
  ];
}

/**
 * Text in `item` that came from no catalogue message: built under the pseudo-locale, every
 * message is wrapped in ⟦…⟧, so what is left after removing them (and the user's own data,
 * `data`) and still has letters was written in code.
 */
export function untranslated(item: Message | Form, data: string[] = []): string[] {
  return readableTexts(item)
    .map((text) => {
      let rest = text;
      for (const d of [...data].sort((a, b) => b.length - a.length)) rest = rest.split(d).join("");
      for (let before = ""; before !== rest; ) {
        before = rest;
        rest = rest.replace(/⟦[^⟦⟧]*⟧/g, "");
      }
      return rest;
    })
    .filter((rest) => /\p{L}/u.test(rest));
}

export const pseudo = { now, timeZone: ZONE, locale: PSEUDO_LOCALE };
