import type { CatalogEntry } from "../domain/catalog/repository.ts";
import { costBand, type Recommendation } from "../domain/recommendations/recommend.ts";
import type { StackSummary } from "../domain/stacks/repository.ts";
import { type Translator, translator } from "../i18n/index.ts";
import { payload } from "./goals.ts";
import type { Block, Form, Inline, Message } from "./model.ts";

export const MAX_RECOMMEND_TEXT = 3000;

const quote = (text: string) => {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > 60 ? `${oneLine.slice(0, 59)}…` : oneLine;
};

function stackButtons(stacks: readonly StackSummary[], t: Translator): Block[] {
  if (stacks.length === 0) return [];
  return [
    {
      type: "actions",
      buttons: stacks.slice(0, 5).map((s) => ({
        label: t.t("recommend.viewStack", { title: s.title }).slice(0, 75),
        action: "stack.show",
        value: payload({ s: s.id }),
      })),
    },
  ];
}

function noMatchMessage(rec: Recommendation, asked: string, t: Translator): Message {
  const blocks: Block[] = [
    {
      type: "text",
      text: t.rich("recommend.noMatch", {
        query: asked,
        found: rec.skills.length > 0 ? "yes" : "no",
        skills: rec.skills.join(", "),
      }),
    },
  ];
  if (rec.stacks.length > 0) {
    blocks.push(
      { type: "text", text: t.rich("recommend.closestStacks") },
      ...stackButtons(rec.stacks, t),
    );
  }
  blocks.push({
    type: "context",
    text: t.rich("recommend.tryHint", {
      example: { command: "recommend data analyst" },
      catalog: { command: "catalog" },
    }),
  });
  return { summary: t.t("recommend.noMatchSummary", { query: asked }), blocks };
}

/** Ranked suggestions, each with why, effort, cost band, provider and a Set as goal button. */
export function recommendMessage(rec: Recommendation, query: string, locale?: string): Message {
  const t = translator(locale);
  const asked = quote(query);
  if (!rec.matched) return noMatchMessage(rec, asked, t);
  const blocks: Block[] = [{ type: "header", text: t.t("recommend.header", { query: asked }) }];
  if (rec.skills.length > 0) {
    blocks.push({
      type: "context",
      text: t.rich("recommend.skills", { skills: rec.skills.slice(0, 12).join(", ") }),
    });
  }
  for (const { entry, covers } of rec.suggestions) {
    blocks.push(...suggestionBlocks(entry, covers, t));
  }
  if (rec.stacks.length > 0) {
    blocks.push(
      { type: "divider" },
      {
        type: "text",
        text: t.rich("recommend.stacks", {
          count: rec.stacks.length,
          titles: rec.stacks.map((s) => s.title).join(", "),
        }),
      },
      ...stackButtons(rec.stacks, t),
    );
  }
  return {
    summary: t.t("recommend.summary", { count: rec.suggestions.length, query: asked }),
    blocks,
  };
}

const BAND = {
  "cost varies": "varies",
  free: "free",
  "under $100": "under100",
  "$100 or more": "over100",
} as const;

function suggestionBlocks(entry: CatalogEntry, covers: string[], t: Translator): Block[] {
  const title: Inline = entry.url ? { link: entry.url, text: entry.title } : { bold: entry.title };
  return [
    { type: "text", text: [title, ` · ${entry.provider}`] },
    {
      type: "context",
      text: t.rich("recommend.covers", {
        skills: covers.join(", "),
        hours: t.hours(entry.estimatedHours),
        band: BAND[costBand(entry.costUsd)],
      }),
    },
    {
      type: "actions",
      buttons: [
        { label: t.t("button.setAsGoal"), action: "goal.create", value: payload({ c: entry.id }) },
      ],
    },
  ];
}

/** A text box for a role, a title or a whole pasted job description. */
export function recommendForm(locale?: string): Form {
  const t = translator(locale);
  return {
    id: "recommend.text",
    title: t.t("recommend.formTitle"),
    submitLabel: t.t("recommend.formSubmit"),
    intro: t.rich("recommend.formIntro"),
    inputs: [
      {
        type: "text",
        id: "text",
        label: t.t("recommend.formLabel"),
        multiline: true,
        maxLength: MAX_RECOMMEND_TEXT,
        placeholder: t.t("recommend.formPlaceholder"),
      },
    ],
  };
}
