import { DateTime } from "luxon";
import type { VerificationStatus } from "../db/types.ts";
import type { CatalogEntry } from "../domain/catalog/repository.ts";
import type { GoalRow } from "../domain/goals/repository.ts";
import type { GoalView } from "../domain/goals/service.ts";
import { statusLabel } from "../domain/verification/service.ts";
import { type Translator, translator } from "../i18n/index.ts";
import type { Block, Button, Inline, Message, RichText } from "./model.ts";

export interface ViewContext {
  now: Date;
  timeZone: string;
  /** The person's locale (BCP 47); absent means English. */
  locale?: string;
}

/** The translator for a view, in the person's language. */
export const tr = (ctx?: { locale?: string | undefined }): Translator => translator(ctx?.locale);

/** Hours as the locale writes them ("1.5 h", "1,5 Std."); English when no locale is given. */
export const hours = (n: number, locale?: string): string => translator(locale).hours(n);

function date(iso: string, ctx: ViewContext): string {
  return tr(ctx).date(iso, DateTime.fromJSDate(ctx.now, { zone: ctx.timeZone }).year);
}

export function cost(usd: number | null): string {
  if (usd === null) return "cost varies";
  if (usd === 0) return "free";
  return `$${usd % 1 === 0 ? usd.toFixed(0) : usd.toFixed(2)}`;
}

/** A button's value: a small JSON object the action handler reads back. */
export const payload = (value: Record<string, unknown>): string => JSON.stringify(value);

/** Where a goal stands against its plan, as one line of parts joined by " · ". */
function paceParts(view: GoalView, ctx: ViewContext): RichText[] {
  const { pace, goal } = view;
  const t = tr(ctx);
  const h = (n: number) => t.hours(n);
  const parts: RichText[] = [];
  if (goal.status === "paused") parts.push(t.rich("pace.paused"));
  if (pace.state === "done") parts.push(t.rich("pace.done"));
  else if (pace.state === "not started")
    parts.push(t.rich("pace.notStarted", { perWeek: h(goal.hours_per_week ?? 0) }));
  else if (pace.aheadBy !== null && pace.state === "ahead")
    parts.push(t.rich("pace.ahead", { hours: h(pace.aheadBy) }));
  else if (pace.aheadBy !== null && pace.state === "behind")
    parts.push(t.rich("pace.behind", { hours: h(-pace.aheadBy) }));
  else if (pace.state === "on track") parts.push(t.rich("pace.onTrack"));
  if (pace.state !== "not started" && pace.state !== "done")
    parts.push(t.rich("pace.weekly", { perWeek: h(pace.weeklyPace) }));
  if (pace.state !== "done") {
    if (pace.projectedFinish)
      parts.push(t.rich("pace.finishesAtPace", { date: date(pace.projectedFinish, ctx) }));
    else if (pace.plannedFinish)
      parts.push(t.rich("pace.finishesOnPlan", { date: date(pace.plannedFinish, ctx) }));
  }
  if (goal.target_date) parts.push(t.rich("pace.target", { date: date(goal.target_date, ctx) }));
  return parts;
}

function paceLine(view: GoalView, ctx: ViewContext): RichText {
  return paceParts(view, ctx).flatMap((part, i) => (i === 0 ? part : [" · ", ...part]));
}

/**
 * A progress bar's block. `alt` is what a screen reader says ("2 h of 30 h, 6%"); the bar the
 * renderers draw is decoration. The percentage floors, so 100% means done.
 */
export function progressBlock(
  label: RichText,
  done: number,
  total: number,
  locale?: string,
  amount: (t: Translator, n: number) => string = (t, n) => t.hours(n),
) {
  const t = translator(locale);
  const ratio = total > 0 && Number.isFinite(done) ? Math.min(Math.max(done / total, 0), 1) : 0;
  const alt = t.t("progress.alt", {
    done: amount(t, done),
    total: amount(t, total),
    percent: t.percent(Math.floor(ratio * 100) / 100),
  });
  return { type: "progress", label, done, total, alt } satisfies Block;
}

export function goalBlocks(view: GoalView, ctx: ViewContext, withButtons = true): Block[] {
  const { goal, pace } = view;
  const t = tr(ctx);
  const label: RichText = [{ bold: goal.title }];
  if (goal.provider) label.push(` · ${goal.provider}`);
  const blocks: Block[] = [];
  if (pace.totalHours) {
    blocks.push(progressBlock(label, pace.loggedHours, pace.totalHours, ctx.locale));
  } else {
    blocks.push({
      type: "text",
      text: [...label, ...t.rich("goal.loggedSoFar", { hours: t.hours(pace.loggedHours) })],
    });
  }
  blocks.push({ type: "context", text: paceLine(view, ctx) });
  if (withButtons && (goal.status === "active" || goal.status === "paused")) {
    const g = goal.id;
    const buttons: Button[] = [
      {
        label: t.t("button.logHours", { hours: t.hours(1) }),
        action: "goal.log",
        value: payload({ g, h: 1 }),
      },
      { label: t.t("button.done"), action: "goal.done", value: payload({ g }), style: "primary" },
    ];
    buttons.push(
      goal.status === "paused"
        ? { label: t.t("button.resume"), action: "goal.resume", value: payload({ g }) }
        : { label: t.t("button.pause"), action: "goal.pause", value: payload({ g }) },
    );
    blocks.push({ type: "actions", buttons });
  }
  return blocks;
}

export function goalsMessage(views: GoalView[], ctx: ViewContext): Message {
  if (views.length === 0) {
    return {
      summary: "You have no learning goals yet.",
      blocks: [
        { type: "text", text: ["You have no learning goals yet."] },
        {
          type: "context",
          text: [
            "Set one with ",
            { command: "goal <credential> by <date> 3h/week" },
            " or browse with ",
            { command: "catalog" },
            ".",
          ],
        },
        {
          type: "actions",
          buttons: [{ label: "New goal", action: "goal.new", value: "{}", style: "primary" }],
        },
      ],
    };
  }
  const blocks: Block[] = [{ type: "header", text: "Your learning goals" }];
  views.forEach((v, i) => {
    if (i > 0) blocks.push({ type: "divider" });
    blocks.push(...goalBlocks(v, ctx));
  });
  const total = views.reduce((sum, v) => sum + v.pace.loggedHours, 0);
  return {
    summary: `${views.length} goal${views.length === 1 ? "" : "s"}, ${hours(total)} logged`,
    blocks,
  };
}

export function goalCreatedMessage(
  view: GoalView,
  ctx: ViewContext,
  defaultedHours: boolean,
): Message {
  const { goal, pace } = view;
  const lines: Inline[] = [
    "Goal set: ",
    { bold: goal.title },
    ` — ${hours(goal.hours_per_week ?? 0)}/week`,
  ];
  if (pace.plannedFinish) lines.push(`, finishing around ${date(pace.plannedFinish, ctx)}`);
  lines.push(".");
  const blocks: Block[] = [{ type: "text", text: lines }];
  if (goal.target_date && pace.plannedFinish && pace.plannedFinish > goal.target_date) {
    blocks.push({
      type: "context",
      text: [
        `⚠️ At ${hours(goal.hours_per_week ?? 0)}/week this runs past your target of ${date(goal.target_date, ctx)}.`,
      ],
    });
  }
  if (defaultedHours) {
    blocks.push({
      type: "context",
      text: [
        `I planned ${hours(goal.hours_per_week ?? 0)}/week; change it any time with `,
        { command: "goal … 5h/week" },
        ".",
      ],
    });
  }
  blocks.push(...goalBlocks(view, ctx));
  return { summary: `Goal set: ${goal.title}`, blocks };
}

export function loggedMessage(
  view: GoalView,
  logged: number,
  ctx: ViewContext,
  resumed: boolean,
): Message {
  const text: Inline[] = [`Logged ${hours(logged)} on `, { bold: view.goal.title }, "."];
  if (resumed) text.push(" Welcome back — the goal is active again.");
  return {
    summary: `Logged ${hours(logged)} on ${view.goal.title}`,
    blocks: [{ type: "text", text }, ...goalBlocks(view, ctx)],
  };
}

export function completedMessage(
  view: GoalView,
  evidenceUrl: string | null,
  verification?: VerificationStatus,
): Message {
  const text: Inline[] = [
    "🎉 Congratulations on completing ",
    { bold: view.goal.title },
    `! ${hours(view.pace.loggedHours)} of learning.`,
  ];
  const blocks: Block[] = [{ type: "text", text }];
  const evidence: Inline[] = evidenceUrl
    ? ["Evidence saved: ", { link: evidenceUrl, text: evidenceUrl }]
    : ["Add your badge or certificate link any time to make it verifiable."];
  if (evidenceUrl && verification) {
    evidence.push(
      ` · ${statusLabel(verification)}`,
      verification === "pending" ? " — I'll message you what the check finds." : "",
    );
  }
  blocks.push({ type: "context", text: evidence });
  // Only opens a form; nothing is shared until the person submits it.
  blocks.push({
    type: "actions",
    buttons: [
      { label: "Share what I learned", action: "share.start", value: payload({ g: view.goal.id }) },
    ],
  });
  return { summary: `Completed ${view.goal.title}`, blocks };
}

export function statusChangedMessage(view: GoalView, to: "active" | "paused" | "dropped"): Message {
  const words = { active: "Resumed", paused: "Paused", dropped: "Dropped" }[to];
  const extra =
    to === "paused"
      ? " I won't nudge you about it until you resume."
      : to === "dropped"
        ? " Your logged hours stay in your history."
        : "";
  return {
    summary: `${words} ${view.goal.title}`,
    blocks: [{ type: "text", text: [`${words} `, { bold: view.goal.title }, `.${extra}`] }],
  };
}

/** Help: one line for each command listed, in order. */
export function helpMessage(commands: { usage: string; description: string }[]): Message {
  return {
    summary: "What Stackup can do",
    blocks: [
      { type: "header", text: "Stackup — learn alongside your work" },
      {
        type: "text",
        text: [
          "Pick a micro-credential, plan a few hours a week, log progress in one click, and show it when you're done.",
        ],
      },
      {
        type: "fields",
        fields: commands.map((c) => ({
          label: { command: c.usage },
          value: [c.description],
        })),
      },
      {
        type: "context",
        text: [
          "Example: ",
          { command: "goal Google Project Management Certificate by March 31 5h/week" },
        ],
      },
    ],
  };
}

export function problemMessage(message: string, usage: string | null): Message {
  const blocks: Block[] = [{ type: "text", text: [message] }];
  if (usage) blocks.push({ type: "context", text: ["Try: ", { command: `${usage}` }] });
  else
    blocks.push({
      type: "context",
      text: ["See ", { command: "help" }, " for what I can do."],
    });
  return { summary: message, blocks };
}

export function catalogEntryBlocks(entry: CatalogEntry, button?: Button): Block[] {
  const title: Inline = entry.url ? { link: entry.url, text: entry.title } : { bold: entry.title };
  const blocks: Block[] = [
    {
      type: "text",
      text: [title, ` · ${entry.provider}`],
    },
    {
      type: "context",
      text: [
        `${hours(entry.estimatedHours)} · ${cost(entry.costUsd)} · ${entry.level}${entry.skills.length ? ` · ${entry.skills.join(", ")}` : ""}`,
      ],
    },
  ];
  if (button) blocks.push({ type: "actions", buttons: [button] });
  return blocks;
}

export function catalogMessage(entries: CatalogEntry[], query: string): Message {
  if (entries.length === 0) {
    return problemMessage(`Nothing in the catalog matches "${query}".`, "catalog [search words]");
  }
  const blocks: Block[] = [
    { type: "header", text: query ? `Credentials matching “${query}”` : "Credential catalog" },
  ];
  for (const e of entries) {
    blocks.push(
      ...catalogEntryBlocks(e, {
        label: "Set as goal",
        action: "goal.create",
        value: payload({ c: e.id }),
      }),
    );
  }
  return { summary: `${entries.length} credentials`, blocks };
}

/** "Which one did you mean?" with a button per candidate (and optionally one for free text). */
export function pickCredentialMessage(
  query: string,
  candidates: CatalogEntry[],
  pending: { d: string | null; h: number | null },
): Message {
  const blocks: Block[] = [{ type: "text", text: [`Which one did you mean by “${query}”?`] }];
  for (const c of candidates) {
    blocks.push(
      ...catalogEntryBlocks(c, {
        label: "This one",
        action: "goal.create",
        value: payload({ c: c.id, ...pending }),
      }),
    );
  }
  blocks.push({
    type: "actions",
    buttons: [
      {
        label: "None — use my words as the goal",
        action: "goal.create",
        value: payload({ t: query, ...pending }),
      },
    ],
  });
  return { summary: `Which credential did you mean by “${query}”?`, blocks };
}

/** "Which goal?" for log/done/pause… when the words name several goals or none. */
export function pickGoalMessage(
  question: string,
  goals: GoalRow[],
  action: string,
  extra: Record<string, unknown>,
): Message {
  return {
    summary: question,
    blocks: [
      { type: "text", text: [question] },
      {
        type: "actions",
        buttons: goals.slice(0, 5).map((g) => ({
          label: g.title.length > 60 ? `${g.title.slice(0, 59)}…` : g.title,
          action,
          value: payload({ g: g.id, ...extra }),
        })),
      },
    ],
  };
}
