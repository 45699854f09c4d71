import type { CatalogEntry } from "../domain/catalog/repository.ts";
import { costBand, type Recommendation } from "../domain/recommendations/recommend.ts";
import type { StackSummary } from "../domain/stacks/repository.ts";
import { hours, payload } from "./goals.ts";
import type { Block, Form, Inline, Message } from "./model.ts";

export const MAX_RECOMMEND_TEXT = 3000;

const quote = (text: string) => {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > 60 ? `${oneLine.slice(0, 59)}…` : oneLine;
};

function stackButtons(stacks: readonly StackSummary[]): Block[] {
  if (stacks.length === 0) return [];
  return [
    {
      type: "actions",
      buttons: stacks.slice(0, 5).map((s) => ({
        label: `View stack: ${s.title}`.slice(0, 75),
        action: "stack.show",
        value: payload({ s: s.id }),
      })),
    },
  ];
}

/** Ranked suggestions, each with why, effort, cost band, provider and a Set as goal button. */
export function recommendMessage(rec: Recommendation, query: string): Message {
  const asked = quote(query);
  if (!rec.matched) {
    const blocks: Block[] = [
      {
        type: "text",
        text: [
          `I couldn't match “${asked}” to any credential in the catalog yet. `,
          rec.skills.length > 0
            ? `I read these skills in it: ${rec.skills.join(", ")}, but nothing teaches them.`
            : "I didn't recognise any skills in it.",
        ],
      },
    ];
    if (rec.stacks.length > 0) {
      blocks.push(
        { type: "text", text: ["The closest stacks I have:"] },
        ...stackButtons(rec.stacks),
      );
    }
    blocks.push({
      type: "context",
      text: [
        "Try a job title such as ",
        { command: "recommend data analyst" },
        ", paste a job description, or browse with ",
        { command: "catalog" },
        ".",
      ],
    });
    return { summary: `No credential matches “${asked}” yet`, blocks };
  }

  const blocks: Block[] = [{ type: "header", text: `Suggestions for “${asked}”` }];
  if (rec.skills.length > 0) {
    blocks.push({
      type: "context",
      text: [`Skills I looked for: ${rec.skills.slice(0, 12).join(", ")}`],
    });
  }
  for (const { entry, covers } of rec.suggestions) {
    blocks.push(...suggestionBlocks(entry, covers));
  }
  if (rec.stacks.length > 0) {
    blocks.push(
      { type: "divider" },
      {
        type: "text",
        text: [
          rec.stacks.length === 1 ? "There's a stack for this role: " : "Stacks for this role: ",
          { bold: rec.stacks.map((s) => s.title).join(", ") },
          " — credentials in a sensible order.",
        ],
      },
      ...stackButtons(rec.stacks),
    );
  }
  return {
    summary: `${rec.suggestions.length} suggestions for “${asked}”`,
    blocks,
  };
}

function suggestionBlocks(entry: CatalogEntry, covers: string[]): Block[] {
  const title: Inline = entry.url ? { link: entry.url, text: entry.title } : { bold: entry.title };
  return [
    { type: "text", text: [title, ` · ${entry.provider}`] },
    {
      type: "context",
      text: [
        `Covers ${covers.join(", ")} · ${hours(entry.estimatedHours)} · ${costBand(entry.costUsd)}`,
      ],
    },
    {
      type: "actions",
      buttons: [{ label: "Set as goal", action: "goal.create", value: payload({ c: entry.id }) }],
    },
  ];
}

/** A text box for a role, a title or a whole pasted job description. */
export function recommendForm(): Form {
  return {
    id: "recommend.text",
    title: "Suggest credentials",
    submitLabel: "Suggest",
    intro: [
      "Type a role or job title, or paste a job description. I'll suggest credentials that teach what it asks for.",
    ],
    inputs: [
      {
        type: "text",
        id: "text",
        label: "Role, title or job description",
        multiline: true,
        maxLength: MAX_RECOMMEND_TEXT,
        placeholder: "e.g. Marketing coordinator",
      },
    ],
  };
}
