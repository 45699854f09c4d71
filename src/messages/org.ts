import { DateTime } from "luxon";
import type { DigestMessages } from "../domain/org/digest-sender.ts";
import type { TeamRow } from "../domain/org/repository.ts";
import { svgToPng, weeklyHoursSvg } from "../domain/reports/chart.ts";
import type { TeamDigest } from "../domain/reports/digest.ts";
import type { Leaderboard } from "../domain/reports/leaderboard.ts";
import type { PersonReport, Report } from "../domain/reports/report.ts";
import type { Window } from "../domain/scoring/periods.ts";
import type { CompletionLabels } from "../domain/scoring/points.ts";
import { shownLabel, statusLabel } from "../domain/verification/service.ts";
import { hours, type ViewContext } from "./goals.ts";
import type { Attachment, Block, Field, Inline, Message } from "./model.ts";

const points = (n: number) => `${Number(n.toFixed(1))} pt${n === 1 ? "" : "s"}`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function windowLabel(w: Window): string {
  if (w.period === "all") return "all time";
  const a = DateTime.fromISO(w.firstDay);
  const b = DateTime.fromISO(w.lastDay);
  if (w.period === "month") return a.toFormat("LLLL yyyy");
  if (w.period === "year") return a.toFormat("yyyy");
  if (w.period === "quarter") return `Q${a.quarter} ${a.year}`;
  return `${a.toFormat("d LLL")} – ${b.toFormat("d LLL yyyy")}`;
}

/**
 * "1 completion (✓ verified · issued by coursera.org)", "3 completions (2 ✓ verified · issued by
 * coursera.org and edx.org, 1 unverified)".
 */
export function completionsLabel(total: number, labels: CompletionLabels): string {
  const issuers = new Intl.ListFormat("en", { type: "conjunction" }).format(labels.issuers);
  const verified = statusLabel("verified", false, issuers || null);
  const parts = (
    [
      [labels.verified, verified],
      [labels.linkOnly, statusLabel("link_only")],
      [labels.unverified, statusLabel("unverified")],
    ] as const
  ).filter(([n]) => n > 0);
  const detail =
    parts.length === 1 ? parts[0]![1] : parts.map(([n, label]) => `${n} ${label}`).join(", ");
  return `${plural(total, "completion")} (${detail})`;
}

export function textMessage(text: string, note?: string): Message {
  const blocks: Block[] = [{ type: "text", text: [text] }];
  if (note) blocks.push({ type: "context", text: [note] });
  return { summary: text, blocks };
}

/** A member asked for a report: where their own and their team's progress are instead. */
export function reportsForManagersMessage(): Message {
  const text: Inline[] = [
    "Reports are for managers and admins. You can see your own progress with ",
    { command: "goals" },
    ", and your team's with ",
    { command: "leaderboard" },
    ".",
  ];
  return { summary: "Reports are for managers and admins.", blocks: [{ type: "text", text }] };
}

export function leaderboardMessage(board: Leaderboard, scope: string): Message {
  const title = `Leaderboard · ${scope} · ${windowLabel(board.window)}`;
  const blocks: Block[] = [{ type: "header", text: title }];
  if (board.standings.length === 0) {
    blocks.push({ type: "text", text: ["No points yet for this period — log an hour to start."] });
  } else {
    const lines: Inline[] = [];
    board.standings.slice(0, 10).forEach((s, i) => {
      if (i > 0) lines.push("\n");
      lines.push(`${s.rank}. `, { bold: s.name });
      lines.push(` — ${points(s.points)} · ${hours(s.hours)}`);
      if (s.completions > 0) lines.push(` · ${completionsLabel(s.completions, s.labels)}`);
    });
    blocks.push({ type: "text", text: lines });
  }
  if (board.unnamed > 0)
    blocks.push({
      type: "context",
      text: [
        `${board.unnamed} more ${board.unnamed === 1 ? "person takes" : "people take"} part without their names.`,
      ],
    });
  const own = board.own;
  const mine: Inline[] = [];
  if (!own || own.points === 0) mine.push("You have no points in this period yet.");
  else if (own.hidden)
    mine.push(
      `You're hidden from this board; you would be #${own.rank} with ${points(own.points)}.`,
    );
  else if (own.anonymous)
    mine.push(
      `You take part without your name, so you're not listed; you would be #${own.rank} with ${points(own.points)}.`,
    );
  else mine.push(`You're #${own.rank} with ${points(own.points)}.`);
  mine.push(" Choose how you appear: ", {
    command: "leaderboard optout hidden|anonymous|off",
  });
  blocks.push({ type: "context", text: mine });
  return { summary: title, blocks };
}

function personBlocks(p: PersonReport, ctx: ViewContext): Block[] {
  const fields: Field[] = [{ label: "Hours", value: [hours(p.hours)] }];
  fields.push({
    label: "Active goals",
    value: [
      p.goals.length === 0
        ? "none"
        : p.goals
            .map((g) => {
              const total = g.pace.totalHours ? ` of ${hours(g.pace.totalHours)}` : "";
              return `${g.title} (${hours(g.pace.loggedHours)}${total}, ${g.status === "paused" ? "paused" : g.pace.state})`;
            })
            .join("; "),
    ],
  });
  fields.push({
    label: "Completions",
    value: [
      p.completions.length === 0
        ? "none"
        : p.completions
            .map(
              (c) =>
                `${c.credential}${c.provider ? ` (${c.provider})` : ""}, ${DateTime.fromJSDate(c.completedAt, { zone: ctx.timeZone }).toFormat("d LLL yyyy")}, ${shownLabel(c)}`,
            )
            .join("; "),
    ],
  });
  const stalled = p.goals.filter((g) => g.stalled);
  if (stalled.length > 0)
    fields.push({ label: "Stalled", value: [stalled.map((g) => g.title).join("; ")] });
  return [
    { type: "text", text: [{ bold: p.name }] },
    { type: "fields", fields },
  ];
}

/** Slack allows 50 blocks a message; the CSV always carries everyone. */
const MAX_PEOPLE_SHOWN = 20;

export function reportMessage(
  report: Report,
  scope: string,
  ctx: ViewContext,
  csv: Attachment | null,
): Message {
  const s = report.summary;
  const title = `Report · ${scope} · ${windowLabel(report.window)}`;
  const blocks: Block[] = [
    { type: "header", text: title },
    {
      type: "fields",
      fields: [
        { label: "Completions", value: [String(s.completions)] },
        { label: "Hours", value: [hours(s.hours)] },
        { label: "People active", value: [`${s.active} of ${s.people}`] },
      ],
    },
  ];
  for (const p of report.people.slice(0, MAX_PEOPLE_SHOWN)) {
    blocks.push({ type: "divider" }, ...personBlocks(p, ctx));
  }
  if (report.people.length > MAX_PEOPLE_SHOWN) {
    blocks.push({
      type: "context",
      text: [
        `Showing ${MAX_PEOPLE_SHOWN} of ${report.people.length} people; add `,
        { code: "csv" },
        " for everyone.",
      ],
    });
  }
  return {
    summary: `${title}: ${s.completions} completions, ${hours(s.hours)}, ${s.active} of ${s.people} active`,
    blocks,
    ...(csv ? { files: [csv] } : {}),
  };
}

export function digestMessage(d: TeamDigest, chart: Attachment | null): Message {
  const first = DateTime.fromISO(d.weekStarts.at(-1)!);
  const last = DateTime.fromISO(d.digestDate).minus({ days: 1 });
  const title = `${d.team.name} · week of ${first.toFormat("d LLL")} – ${last.toFormat("d LLL yyyy")}`;
  const blocks: Block[] = [{ type: "header", text: title }];
  const change = d.hours - d.lastWeekHours;
  blocks.push({
    type: "text",
    text: [
      { bold: hours(d.hours) },
      ` logged by the team, ${change === 0 ? "the same as" : `${hours(Math.abs(change))} ${change > 0 ? "more than" : "less than"}`} the week before (${hours(d.lastWeekHours)}).`,
    ],
  });
  if (d.top.length > 0) {
    const lines: Inline[] = [{ bold: "Top learners" }];
    d.top.forEach((t, i) => {
      lines.push(`\n${i + 1}. `, t.name, ` — ${points(t.points)} · ${hours(t.hours)}`);
    });
    blocks.push({ type: "text", text: lines });
  }
  if (d.completions.length > 0) {
    const lines: Inline[] = [{ bold: "Completed this week" }];
    for (const c of d.completions) {
      lines.push("\n• ", c.url ? { link: c.url, text: c.credential } : c.credential);
      if (c.provider) lines.push(` · ${c.provider}`);
      lines.push(` — ${c.person} · ${shownLabel(c)}`);
    }
    blocks.push({ type: "text", text: lines });
  }
  if (d.stacks.length > 0) {
    const lines: Inline[] = [{ bold: "🎉 Whole stacks completed" }];
    for (const s of d.stacks) lines.push("\n• ", { bold: s.stack }, ` — ${s.person}`);
    blocks.push({ type: "text", text: lines });
  }
  if (d.shares.length > 0) {
    const lines: Inline[] = [{ bold: "What we learned" }];
    for (const s of d.shares) {
      lines.push(`\n• “${s.text}” — ${s.person}, on ${s.goal}`);
    }
    blocks.push({ type: "text", text: lines });
  }
  if (d.newGoals.length > 0) {
    blocks.push({
      type: "text",
      text: [
        { bold: `New goals started: ${d.newGoals.length}` },
        ...d.newGoals.slice(0, 10).map((g) => `\n• ${g.title} — ${g.person}`),
      ],
    });
  }
  const unnamed = unnamedCounts(d);
  if (unnamed) blocks.push({ type: "context", text: [unnamed] });
  if (
    !unnamed &&
    d.top.length === 0 &&
    d.completions.length === 0 &&
    d.newGoals.length === 0 &&
    d.stacks.length === 0 &&
    d.shares.length === 0
  ) {
    blocks.push({
      type: "context",
      text: ["A quiet week. Log an hour with ", { command: "log 1" }, " to get the team going."],
    });
  }
  return {
    summary: `${title}: ${hours(d.hours)} logged`,
    blocks,
    ...(chart ? { files: [chart] } : {}),
  };
}

/** What people who take part without their names did, as counts only; null when nothing. */
function unnamedCounts(d: TeamDigest): string | null {
  const u = d.unnamed;
  const parts = [
    u.completions ? plural(u.completions, "completion") : null,
    u.stacks ? plural(u.stacks, "whole stack") : null,
    u.shares ? plural(u.shares, "shared learning") : null,
    u.newGoals ? plural(u.newGoals, "new goal") : null,
  ].filter((p): p is string => p !== null);
  if (parts.length === 0) return null;
  return `Also this week, from teammates who take part without their names: ${parts.join(", ")}.`;
}

export function teamCreatedMessage(team: TeamRow): Message {
  const where = team.channel_id
    ? `Its digest goes to #${team.channel_name ?? "the channel"} on Mondays at 09:00 (UTC); change it with admin digest.`
    : "It has no digest channel.";
  return textMessage(`Team ${team.name} created.`, where);
}

/** A team digest's chart of hours per week, as a PNG attachment. */
export function chartOf(d: TeamDigest): Attachment {
  const svg = weeklyHoursSvg(`${d.team.name}: hours per week`, d.weekStarts, d.weeklyHours);
  return {
    filename: `${d.team.name.replace(/[^\w-]+/g, "-").slice(0, 40) || "team"}-hours-${d.digestDate}.png`,
    contentType: "image/png",
    data: svgToPng(svg),
    title: `Team hours per week for the last ${d.weeklyHours.length} weeks`,
  };
}

/**
 * The wording of scheduled digests and monthly summaries. Commands are named without the command
 * word, which each platform's renderer adds.
 */
export function digestMessages(): DigestMessages<Message> {
  return {
    digest: (d) => digestMessage(d, chartOf(d)),
    summary(report, to, now) {
      const ctx = { now, timeZone: to.timeZone };
      const message = reportMessage(report, "your reports", ctx, null);
      message.blocks.push({
        type: "context",
        text: ["Monthly summary. Turn it off with ", { code: "report summary off" }, "."],
      });
      return message;
    },
  };
}
