import type { SharedLearning } from "../domain/sharing/shares.ts";
import { MAX_SHARE_LENGTH } from "../domain/sharing/shares.ts";
import type { Form, Message } from "./model.ts";

export interface ShareChoices {
  team: { name: string } | null;
  colleagues: { id: number; name: string }[];
  /** False for someone who chose not to appear by name: only a colleague is offered. */
  named?: boolean;
}

/** Asks for a sentence or two; nothing is shared unless this form is submitted. */
export function shareForm(goalId: number, title: string, choices: ShareChoices): Form {
  const named = choices.named ?? true;
  const options = named ? [{ label: "Only the weekly digest", value: "digest" }] : [];
  if (choices.team && named)
    options.push({ label: `My team channel (#${choices.team.name})`.slice(0, 75), value: "team" });
  for (const c of choices.colleagues.slice(0, 98)) {
    options.push({ label: `Send to ${c.name}`.slice(0, 75), value: `u:${c.id}` });
  }
  return {
    id: "share.submit",
    title: "Share what you learned",
    submitLabel: "Share",
    state: String(goalId),
    intro: [
      named
        ? `What did you learn from ${title}? A sentence or two is plenty. It goes only where you choose, and into the weekly digest.`
        : `What did you learn from ${title}? A sentence or two is plenty. You chose not to appear by name to your team, so it goes only to the colleague you pick.`,
    ],
    inputs: [
      {
        type: "text",
        id: "text",
        label: "What I learned",
        multiline: true,
        maxLength: MAX_SHARE_LENGTH,
        placeholder:
          "e.g. How to turn a messy spreadsheet into a dashboard my team actually reads.",
      },
      {
        type: "select",
        id: "where",
        label: "Share with",
        initial: !named ? options[0]?.value : choices.team ? "team" : "digest",
        options,
      },
    ],
  };
}

export function sharedMessage(
  title: string,
  where: string,
  delayed: boolean,
  already = false,
): Message {
  return {
    summary: `Shared what you learned from ${title}`,
    blocks: [
      {
        type: "text",
        text: [
          `Thanks for sharing what you learned from `,
          { bold: title },
          `. ${
            already
              ? `It was already shared with ${where}, so it is not posted again; the weekly digest shows your new words.`
              : where === "the weekly digest"
                ? "It will appear in the weekly digest."
                : `It goes to ${where} and into the weekly digest.`
          }`,
        ],
      },
      ...(delayed
        ? [
            {
              type: "context" as const,
              text: ["Posting is delayed for a moment; it's saved and will go out."],
            },
          ]
        : []),
    ],
  };
}

/** What the team channel or the colleague sees. */
export function sharedLearningMessage(share: SharedLearning): Message {
  return {
    summary: `${share.displayName} completed ${share.goalTitle}`,
    blocks: [
      {
        type: "text",
        text: [
          "🎓 ",
          { bold: share.displayName },
          " completed ",
          { bold: share.goalTitle },
          " and shares what they learned:",
        ],
      },
      { type: "text", text: [`“${share.text}”`] },
    ],
  };
}
