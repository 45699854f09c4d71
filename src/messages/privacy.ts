import type { AuditRow } from "../domain/audit/log.ts";
import type { PersonalData } from "../domain/privacy/export.ts";
import type { LimitedAction } from "../domain/privacy/limits.ts";
import type { ViewContext } from "./goals.ts";
import type { Attachment, Block, Form, Inline, Message } from "./model.ts";

/** The word a person types to confirm erasing their data. */
export const ERASE_WORD = "DELETE";

const day = (at: Date | string, zone: string) =>
  new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  })
    .format(new Date(at))
    .replace(",", "");

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function exportMessage(data: PersonalData, files: Attachment[], ctx: ViewContext): Message {
  const n = (t: string) => data.tables[t]?.length ?? 0;
  const blocks: Block[] = [
    { type: "header", text: "Your data" },
    {
      type: "text",
      text: [
        `Everything Stackup holds about you is in the attached file: ${count(n("goals"), "goal", "goals")}, ` +
          `${count(n("progress_events"), "progress entry", "progress entries")}, ` +
          `${count(n("completions"), "completion", "completions")} and ${count(n("shares"), "share", "shares")}, ` +
          "with your settings, points and teams. Your progress is also attached as CSV.",
      ],
    },
  ];
  if (data.reportViews.length === 0) {
    blocks.push({ type: "context", text: ["No one has viewed a report that included you."] });
  } else {
    const lines: Inline[] = ["Reports that included you were viewed by:"];
    for (const v of data.reportViews.slice(0, 20))
      lines.push(
        `\n• ${v.viewer ?? "someone no longer here"}, ${day(v.at, ctx.timeZone)} (${v.scope})`,
      );
    if (data.reportViews.length > 20)
      lines.push(`\n…and ${data.reportViews.length - 20} more, all in the file.`);
    blocks.push({ type: "text", text: lines });
  }
  blocks.push({
    type: "context",
    text: ["To have it all erased: ", { command: "delete my data" }],
  });
  return { summary: "Your data from Stackup", blocks, files };
}

export function eraseAskMessage(): Message {
  const text =
    "This erases your goals, progress, completions and badges, check-in settings, shares, points " +
    "and team memberships from Stackup, for good. Past digests keep their totals, without you.";
  return {
    summary: "Delete your data?",
    blocks: [
      { type: "header", text: "Delete your data?" },
      { type: "text", text: [text] },
      {
        type: "actions",
        buttons: [
          { label: "Delete my data…", action: "privacy.erase", value: "{}", style: "danger" },
        ],
      },
    ],
  };
}

export function eraseForm(): Form {
  return {
    id: "privacy.erase",
    title: "Delete your data",
    submitLabel: "Delete",
    intro: [`This can't be undone. Type ${ERASE_WORD} to confirm.`],
    inputs: [{ type: "text", id: "confirm", label: `Type ${ERASE_WORD}`, maxLength: 20 }],
  };
}

export function auditMessage(
  rows: AuditRow[],
  names: Map<number, string>,
  days: number,
  ctx: ViewContext,
  file: Attachment | null,
): Message {
  const blocks: Block[] = [{ type: "header", text: `Audit · last ${count(days, "day", "days")}` }];
  if (rows.length === 0) blocks.push({ type: "text", text: ["Nothing was recorded."] });
  const lines: Inline[] = [];
  for (const r of rows.slice(0, 20)) {
    const who = r.actorName ?? (r.actorId === null ? "Stackup" : "someone no longer here");
    const about = r.subjectIds.map((id) => names.get(id) ?? "someone no longer here");
    const subjects =
      about.length === 0
        ? ""
        : about.length <= 3
          ? ` · ${about.join(", ")}`
          : ` · ${about.length} people`;
    lines.push(
      `${lines.length ? "\n" : ""}${day(r.at, ctx.timeZone)} · ${who} · ${r.action} · ${r.scope}${subjects}`,
    );
  }
  if (lines.length) blocks.push({ type: "text", text: lines });
  if (rows.length > 20)
    blocks.push({ type: "context", text: [`Showing 20 of ${rows.length}; all are in the CSV.`] });
  return {
    summary: `Audit: ${count(rows.length, "entry", "entries")}`,
    blocks,
    files: file ? [file] : [],
  };
}

const span = (ms: number) => {
  const minutes = Math.ceil(ms / 60_000);
  if (minutes >= 120) return `${Math.round(minutes / 60)} hours`;
  if (minutes === 60) return "hour";
  return minutes === 1 ? "minute" : `${minutes} minutes`;
};

const DID: Record<LimitedAction, (n: number) => string> = {
  share: (n) => `shared ${n} times`,
  report: (n) => `asked for ${n} reports`,
  export: (n) => `asked for your data ${n} times`,
  sync: (n) => `asked me to read Credly ${n} times`,
};

const UNCHANGED: Record<LimitedAction, string> = {
  share: "Nothing was shared; your words are still here.",
  report: "No report was made.",
  export: "No copy was made.",
  sync: "Nothing was read; new badges are also picked up every day.",
};

/** A per-person limit was reached: how long to wait, and that nothing happened. */
export function rateLimitedText(
  action: LimitedAction,
  limit: { max: number; windowMs: number; retryAfterMs: number },
): string {
  const wait = span(limit.retryAfterMs);
  const article = wait === "minute" ? "a minute" : wait === "hour" ? "an hour" : wait;
  return `You've ${DID[action](limit.max)} in the last ${span(limit.windowMs)}. Please wait ${article}, then try again. ${UNCHANGED[action]}`;
}

export function rateLimitedMessage(
  action: LimitedAction,
  limit: { max: number; windowMs: number; retryAfterMs: number },
): Message {
  const text = rateLimitedText(action, limit);
  return { summary: text, blocks: [{ type: "text", text: [text] }] };
}
