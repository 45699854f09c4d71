import type { ShareAudience } from "../db/types.ts";
import type { SharedLearning } from "../domain/sharing/shares.ts";
import { MAX_SHARE_LENGTH } from "../domain/sharing/shares.ts";
import { resolveLocale, translator } from "../i18n/index.ts";
import type { Block, Form, Message } from "./model.ts";

export interface ShareChoices {
  team: { name: string } | null;
  colleagues: { id: number; name: string }[];
  /** False for someone who chose not to appear by name: only a colleague is offered. */
  named?: boolean;
}

/** Where a share went: the digest, a team channel or a colleague, by name. */
export interface ShareTarget {
  audience: ShareAudience;
  name: string;
}

/** Asks for a sentence or two; nothing is shared unless this form is submitted. */
export function shareForm(
  goalId: number,
  title: string,
  choices: ShareChoices,
  locale?: string,
): Form {
  const t = translator(locale);
  const named = choices.named ?? true;
  const options = named ? [{ label: t.t("share.toDigest"), value: "digest" }] : [];
  if (choices.team && named)
    options.push({
      label: t.t("share.toTeam", { team: choices.team.name }).slice(0, 75),
      value: "team",
    });
  for (const c of choices.colleagues.slice(0, 98)) {
    options.push({
      label: t.t("share.toColleague", { name: c.name }).slice(0, 75),
      value: `u:${c.id}`,
    });
  }
  return {
    id: "share.submit",
    title: t.t("share.formTitle"),
    submitLabel: t.t("share.submit"),
    state: String(goalId),
    intro: t.rich("share.intro", { title, named: named ? "yes" : "no" }),
    inputs: [
      {
        type: "text",
        id: "text",
        label: t.t("share.textLabel"),
        multiline: true,
        maxLength: MAX_SHARE_LENGTH,
        placeholder: t.t("share.textPlaceholder"),
      },
      {
        type: "select",
        id: "where",
        label: t.t("share.whereLabel"),
        initial: !named ? options[0]?.value : choices.team ? "team" : "digest",
        options,
      },
    ],
  };
}

export function sharedMessage(
  title: string,
  where: ShareTarget,
  delayed: boolean,
  already = false,
  locale?: string,
): Message {
  const t = translator(locale);
  const values = {
    title,
    where: where.audience === "team" ? `#${where.name}` : where.name,
    audience: where.audience,
    already: already ? "yes" : "no",
  };
  const blocks: Block[] = [{ type: "text", text: t.rich("share.thanks", values) }];
  if (delayed) blocks.push({ type: "context", text: t.rich("share.delayed") });
  return { summary: t.t("share.thanksSummary", values), blocks };
}

/**
 * What the team channel or the colleague sees, in the colleague's language or, in a channel,
 * the workspace's.
 */
export function sharedLearningMessage(share: SharedLearning): Message {
  const t = translator(resolveLocale(...(share.locales ?? [])));
  const values = { name: share.displayName, title: share.goalTitle };
  return {
    summary: t.t("share.completedSummary", values),
    blocks: [
      { type: "text", text: ["🎓 ", ...t.rich("share.completed", values)] },
      { type: "text", text: [t.t("share.quote", { text: share.text })] },
    ],
  };
}
