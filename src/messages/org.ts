import { DateTime } from "luxon";
import type { DigestMessages } from "../domain/org/digest-sender.ts";
import { svgToPng, weeklyHoursSvg } from "../domain/reports/chart.ts";
import type { TeamDigest } from "../domain/reports/digest.ts";
import type { Leaderboard } from "../domain/reports/leaderboard.ts";
import type { CompletionLabels } from "../domain/scoring/points.ts";
import { resolveLocale, type Translator, translator } from "../i18n/index.ts";
import type { Attachment, Block, Inline, Message, RichText } from "./model.ts";
import { monthlySummaryMessage, shownVerificationLabel, windowIn } from "./report.ts";

export { shownVerificationLabel };

/** A message of one paragraph (and a note under it), text already in the person's language. */

export function textMessage(text: string, note?: string): Message {
  const blocks: Block[] = [{ type: "text", text: [text] }];
  if (note) blocks.push({ type: "context", text: [note] });
  return { summary: text, blocks };
}

/** "3 completions (2 ✓ verified · issued by coursera.org and edx.org, 1 unverified)". */
function completionsIn(total: number, labels: CompletionLabels, t: Translator): string {
  const shown = (state: string, issuer = "") => t.t("verification.shown", { state, issuer });
  const issuers = t.list(labels.issuers);
  const parts = (
    [
      [labels.verified, shown(issuers ? "verifiedBy" : "verified", issuers)],
      [labels.linkOnly, shown("link_only")],
      [labels.unverified, shown("unverified")],
    ] as const
  ).filter(([n]) => n > 0);
  const detail =
    parts.length === 1 ? parts[0]![1] : parts.map(([n, label]) => `${n} ${label}`).join(", ");
  return t.t("leaderboard.completions", { count: total, detail });
}

/** A leaderboard; `scope` is a team's name, or null for everyone in the workspace. */
export function leaderboardMessage(
  board: Leaderboard,
  scope: string | null,
  locale?: string,
): Message {
  const t = translator(locale);
  const pts = (n: number) => t.t("digest.points", { n: t.num(n), count: n });
  const title = t.t("leaderboard.title", {
    scope: scope ?? t.t("leaderboard.everyone"),
    window: windowIn(board.window, t),
  });
  const blocks: Block[] = [{ type: "header", text: title }];
  if (board.standings.length === 0) {
    blocks.push({ type: "text", text: t.rich("leaderboard.empty") });
  } else {
    const lines: Inline[] = [];
    board.standings.slice(0, 10).forEach((s, i) => {
      if (i > 0) lines.push("\n");
      lines.push(`${s.rank}. `, { bold: s.name });
      lines.push(` — ${pts(s.points)} · ${t.hours(s.hours)}`);
      if (s.completions > 0) lines.push(` · ${completionsIn(s.completions, s.labels, t)}`);
    });
    blocks.push({ type: "text", text: lines });
  }
  if (board.unnamed > 0) {
    blocks.push({ type: "context", text: t.rich("leaderboard.unnamed", { count: board.unnamed }) });
  }
  const own = board.own;
  const state =
    !own || own.points === 0
      ? "none"
      : own.hidden
        ? "hidden"
        : own.anonymous
          ? "anonymous"
          : "listed";
  blocks.push({
    type: "context",
    text: t.rich("leaderboard.own", {
      state,
      rank: own?.rank ?? 0,
      points: pts(own?.points ?? 0),
      command: { command: "leaderboard optout hidden|anonymous|off" },
    }),
  });
  return { summary: title, blocks };
}

function digestTitle(d: TeamDigest, t: Translator): string {
  const last = DateTime.fromISO(d.digestDate).minus({ days: 1 }).toISODate() ?? d.digestDate;
  return t.t("digest.title", {
    team: d.team.name,
    from: t.shortDate(d.weekStarts.at(-1)!),
    to: t.shortDate(last, true),
  });
}

function digestLists(d: TeamDigest, t: Translator, locale?: string): Block[] {
  const blocks: Block[] = [];
  const list = (heading: RichText, items: RichText[]) => {
    if (items.length > 0) blocks.push({ type: "text", text: [...heading, ...items.flat()] });
  };
  const pts = (n: number) => t.t("digest.points", { n: t.num(n), count: n });
  list(
    t.rich("digest.top"),
    d.top.map((p, i) => [`\n${i + 1}. `, p.name, ` — ${pts(p.points)} · ${t.hours(p.hours)}`]),
  );
  list(
    t.rich("digest.completed"),
    d.completions.map((c) => [
      "\n• ",
      c.url ? { link: c.url, text: c.credential } : c.credential,
      c.provider ? ` · ${c.provider}` : "",
      ` — ${c.person} · ${shownVerificationLabel(c, locale)}`,
    ]),
  );
  list(
    t.rich("digest.stacks"),
    d.stacks.map((s) => ["\n• ", { bold: s.stack }, ` — ${s.person}`]),
  );
  list(
    t.rich("digest.learned"),
    d.shares.map((s) => [
      "\n• ",
      ...t.rich("digest.shareLine", { text: s.text, person: s.person, goal: s.goal }),
    ]),
  );
  list(
    t.rich("digest.newGoals", { count: d.newGoals.length }),
    d.newGoals.slice(0, 10).map((g) => [`\n• ${g.title} — ${g.person}`]),
  );
  return blocks.map((b) =>
    b.type === "text" ? { ...b, text: b.text.filter((part) => part !== "") } : b,
  );
}

/** A team's weekly digest, in `locale` (the workspace's language; English by default). */
export function digestMessage(d: TeamDigest, chart: Attachment | null, locale?: string): Message {
  const t = translator(locale);
  const title = digestTitle(d, t);
  const change = d.hours - d.lastWeekHours;
  const blocks: Block[] = [
    { type: "header", text: title },
    {
      type: "text",
      text: t.rich("digest.hours", {
        hours: t.hours(d.hours),
        change: change === 0 ? "same" : change > 0 ? "more" : "less",
        diff: t.hours(Math.abs(change)),
        last: t.hours(d.lastWeekHours),
      }),
    },
    ...digestLists(d, t, locale),
  ];
  const unnamed = unnamedCounts(d, t);
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
      text: t.rich("digest.quiet", { command: { command: "log 1" } }),
    });
  }
  return {
    summary: t.t("digest.summary", { title, hours: t.hours(d.hours) }),
    blocks,
    ...(chart ? { files: [chart] } : {}),
  };
}

/** What people who take part without their names did, as counts only; null when nothing. */
function unnamedCounts(d: TeamDigest, t: Translator): string | null {
  const u = d.unnamed;
  const parts = (
    [
      [u.completions, "completions"],
      [u.stacks, "stacks"],
      [u.shares, "shares"],
      [u.newGoals, "newGoals"],
    ] as const
  )
    .filter(([n]) => n > 0)
    .map(([count, kind]) => t.t("digest.unnamedItem", { count, kind }));
  if (parts.length === 0) return null;
  return t.t("digest.unnamed", { parts: parts.join(", ") });
}

/**
 * A team digest's chart of hours per week, as a PNG attachment in `locale`. Its alt text says
 * what the bars show, week by week, for people who cannot see the image.
 */
export function chartOf(d: TeamDigest, locale?: string): Attachment {
  const t = translator(locale);
  const svg = weeklyHoursSvg(
    t.t("chart.title", { team: d.team.name }),
    d.weekStarts,
    d.weeklyHours,
    {
      axis: t.t("chart.axis"),
      number: (n) => t.num(n),
      week: (iso) => t.shortDate(iso),
    },
  );
  const weeks = d.weekStarts.map((iso, i) =>
    t.t("chart.altWeek", { week: t.shortDate(iso), hours: t.hours(d.weeklyHours[i] ?? 0) }),
  );
  return {
    filename: `${d.team.name.replace(/[^\w-]+/g, "-").slice(0, 40) || "team"}-hours-${d.digestDate}.png`,
    contentType: "image/png",
    data: svgToPng(svg),
    title: t.t("chart.alt", { count: d.weeklyHours.length, weeks: weeks.join(", ") }),
  };
}

/**
 * The wording of scheduled digests and monthly summaries. Commands are named without the command
 * word, which each platform's renderer adds.
 */
export function digestMessages(): DigestMessages<Message> {
  return {
    digest(d, locales) {
      const locale = resolveLocale(...locales);
      return digestMessage(d, chartOf(d, locale), locale);
    },
    summary: (report, to, now) =>
      monthlySummaryMessage(report, {
        now,
        timeZone: to.timeZone,
        locale: resolveLocale(...to.locales),
      }),
  };
}
