import type { AuditRow } from "../domain/audit/log.ts";
import type { PersonalData } from "../domain/privacy/export.ts";
import type { LimitedAction } from "../domain/privacy/limits.ts";
import { type Translator, translator } from "../i18n/index.ts";
import { tr, type ViewContext } from "./goals.ts";
import type { Attachment, Block, Form, Inline, Message } from "./model.ts";

/** The word a person types to confirm erasing their data; like commands, it stays English. */
export const ERASE_WORD = "DELETE";

/** A moment in the person's zone and language, with the year when it is not this one. */
function when(at: Date | string, ctx: ViewContext): string {
  const year = Number(
    new Intl.DateTimeFormat("en", { year: "numeric", timeZone: ctx.timeZone }).format(ctx.now),
  );
  return tr(ctx).dateTime(new Date(at), ctx.timeZone, year);
}

export function exportMessage(data: PersonalData, files: Attachment[], ctx: ViewContext): Message {
  const t = tr(ctx);
  const n = (table: string) => data.tables[table]?.length ?? 0;
  const blocks: Block[] = [
    { type: "header", text: t.t("privacy.exportHeader") },
    {
      type: "text",
      text: t.rich("privacy.exportContents", {
        goals: n("goals"),
        progress: n("progress_events"),
        completions: n("completions"),
        shares: n("shares"),
      }),
    },
  ];
  if (data.reportViews.length === 0) {
    blocks.push({ type: "context", text: t.rich("privacy.noReportViews") });
  } else {
    const lines: Inline[] = [t.t("privacy.reportViews")];
    for (const v of data.reportViews.slice(0, 20))
      lines.push(`\n• ${v.viewer ?? t.t("privacy.someoneGone")}, ${when(v.at, ctx)} (${v.scope})`);
    if (data.reportViews.length > 20)
      lines.push(`\n${t.t("privacy.moreViews", { count: data.reportViews.length - 20 })}`);
    blocks.push({ type: "text", text: lines });
  }
  blocks.push({
    type: "context",
    text: t.rich("privacy.eraseHint", { command: { command: "delete my data" } }),
  });
  return { summary: t.t("privacy.exportSummary"), blocks, files };
}

export function eraseAskMessage(locale?: string): Message {
  const t = translator(locale);
  return {
    summary: t.t("privacy.eraseAskTitle"),
    blocks: [
      { type: "header", text: t.t("privacy.eraseAskTitle") },
      { type: "text", text: t.rich("privacy.eraseAsk") },
      {
        type: "actions",
        buttons: [
          {
            label: t.t("privacy.eraseButton"),
            action: "privacy.erase",
            value: "{}",
            style: "danger",
          },
        ],
      },
    ],
  };
}

export function eraseForm(locale?: string): Form {
  const t = translator(locale);
  return {
    id: "privacy.erase",
    title: t.t("privacy.eraseFormTitle"),
    submitLabel: t.t("privacy.eraseSubmit"),
    intro: t.rich("privacy.eraseFormIntro", { word: ERASE_WORD }),
    inputs: [
      {
        type: "text",
        id: "confirm",
        label: t.t("privacy.eraseTypeWord", { word: ERASE_WORD }),
        maxLength: 20,
      },
    ],
  };
}

function auditLine(r: AuditRow, names: Map<number, string>, ctx: ViewContext): string {
  const t = tr(ctx);
  const gone = t.t("privacy.someoneGone");
  const who = r.actorName ?? (r.actorId === null ? "Stackup" : gone);
  const about = r.subjectIds.map((id) => names.get(id) ?? gone);
  const subjects =
    about.length === 0
      ? ""
      : ` · ${about.length <= 3 ? about.join(", ") : t.t("privacy.people", { count: about.length })}`;
  return `${when(r.at, ctx)} · ${who} · ${r.action} · ${r.scope}${subjects}`;
}

export function auditMessage(
  rows: AuditRow[],
  names: Map<number, string>,
  days: number,
  ctx: ViewContext,
  file: Attachment | null,
): Message {
  const t = tr(ctx);
  const blocks: Block[] = [{ type: "header", text: t.t("privacy.auditHeader", { days }) }];
  if (rows.length === 0) blocks.push({ type: "text", text: t.rich("privacy.auditEmpty") });
  const lines = rows.slice(0, 20).map((r) => auditLine(r, names, ctx));
  if (lines.length) blocks.push({ type: "text", text: [lines.join("\n")] });
  if (rows.length > 20)
    blocks.push({ type: "context", text: t.rich("privacy.auditMore", { total: rows.length }) });
  return {
    summary: t.t("privacy.auditSummary", { count: rows.length }),
    blocks,
    files: file ? [file] : [],
  };
}

/** A span in whole minutes, or whole hours from two hours on (and exactly one hour). */
function span(ms: number): { unit: "minutes" | "hours"; n: number } {
  const minutes = Math.ceil(ms / 60_000);
  if (minutes >= 120) return { unit: "hours", n: Math.round(minutes / 60) };
  if (minutes === 60) return { unit: "hours", n: 1 };
  return { unit: "minutes", n: minutes };
}

function limitText(
  t: Translator,
  action: LimitedAction,
  limit: { max: number; windowMs: number; retryAfterMs: number },
): string {
  const window = span(limit.windowMs);
  const wait = span(limit.retryAfterMs);
  return [
    t.t("privacy.limitReached", { action, max: limit.max, unit: window.unit, n: window.n }),
    t.t("privacy.limitWait", { unit: wait.unit, n: wait.n }),
    t.t("privacy.limitUnchanged", { action }),
  ].join(t.t("text.sentenceGap"));
}

/** A per-person limit was reached: how long to wait, and that nothing happened. */
export function rateLimitedText(
  action: LimitedAction,
  limit: { max: number; windowMs: number; retryAfterMs: number },
  locale?: string,
): string {
  return limitText(translator(locale), action, limit);
}

export function rateLimitedMessage(
  action: LimitedAction,
  limit: { max: number; windowMs: number; retryAfterMs: number },
  locale?: string,
): Message {
  const text = rateLimitedText(action, limit, locale);
  return { summary: text, blocks: [{ type: "text", text: [text] }] };
}
