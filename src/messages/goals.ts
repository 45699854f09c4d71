import { DateTime } from "luxon";
import type { VerificationStatus } from "../db/types.ts";
import type { CatalogEntry } from "../domain/catalog/repository.ts";
import type { GoalRow } from "../domain/goals/repository.ts";
import type { GoalView } from "../domain/goals/service.ts";
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
  const t = tr(ctx);
  if (views.length === 0) {
    return {
      summary: t.t("goals.none"),
      blocks: [
        { type: "text", text: t.rich("goals.none") },
        {
          type: "context",
          text: t.rich("goals.noneHint", {
            goal: { command: "goal <credential> by <date> 3h/week" },
            catalog: { command: "catalog" },
          }),
        },
        {
          type: "actions",
          buttons: [
            { label: t.t("button.newGoal"), action: "goal.new", value: "{}", style: "primary" },
          ],
        },
      ],
    };
  }
  const blocks: Block[] = [{ type: "header", text: t.t("goals.header") }];
  views.forEach((v, i) => {
    if (i > 0) blocks.push({ type: "divider" });
    blocks.push(...goalBlocks(v, ctx));
  });
  const total = views.reduce((sum, v) => sum + v.pace.loggedHours, 0);
  return {
    summary: t.t("goals.summary", { count: views.length, hours: t.hours(total) }),
    blocks,
  };
}

export function goalCreatedMessage(
  view: GoalView,
  ctx: ViewContext,
  defaultedHours: boolean,
): Message {
  const { goal, pace } = view;
  const t = tr(ctx);
  const perWeek = t.hours(goal.hours_per_week ?? 0);
  const finish = pace.plannedFinish ? date(pace.plannedFinish, ctx) : "none";
  const blocks: Block[] = [
    { type: "text", text: t.rich("goal.created", { title: goal.title, perWeek, finish }) },
  ];
  if (goal.target_date && pace.plannedFinish && pace.plannedFinish > goal.target_date) {
    blocks.push({
      type: "context",
      text: t.rich("goal.runsPast", { perWeek, date: date(goal.target_date, ctx) }),
    });
  }
  if (defaultedHours) {
    blocks.push({
      type: "context",
      text: t.rich("goal.plannedHours", { perWeek, command: { command: "goal … 5h/week" } }),
    });
  }
  blocks.push(...goalBlocks(view, ctx));
  return { summary: t.t("goal.createdSummary", { title: goal.title }), blocks };
}

export function loggedMessage(
  view: GoalView,
  logged: number,
  ctx: ViewContext,
  resumed: boolean,
): Message {
  const t = tr(ctx);
  const values = {
    hours: t.hours(logged),
    title: view.goal.title,
    resumed: resumed ? "yes" : "no",
  };
  return {
    summary: t.t("goal.loggedSummary", values),
    blocks: [{ type: "text", text: t.rich("goal.logged", values) }, ...goalBlocks(view, ctx)],
  };
}

/** A badge check's state in a word or two ("✓ verified", "unverified (checking…)"). */
export function verificationLabel(status: VerificationStatus, locale?: string): string {
  return translator(locale).t("verification.status", { status });
}

export function completedMessage(
  view: GoalView,
  evidenceUrl: string | null,
  verification?: VerificationStatus,
  locale?: string,
): Message {
  const t = translator(locale);
  const text = t.rich("goal.completed", {
    title: view.goal.title,
    hours: t.hours(view.pace.loggedHours),
  });
  const blocks: Block[] = [{ type: "text", text }];
  const evidence: Inline[] = evidenceUrl
    ? t.rich("goal.evidenceSaved", { link: { link: evidenceUrl, text: evidenceUrl } })
    : t.rich("goal.evidenceHint");
  if (evidenceUrl && verification) {
    evidence.push(
      " · ",
      ...t.rich("goal.verification", {
        status: verificationLabel(verification, locale),
        pending: verification === "pending" ? "yes" : "no",
      }),
    );
  }
  blocks.push({ type: "context", text: evidence });
  // Only opens a form; nothing is shared until the person submits it.
  blocks.push({
    type: "actions",
    buttons: [
      { label: t.t("button.share"), action: "share.start", value: payload({ g: view.goal.id }) },
    ],
  });
  return { summary: t.t("goal.completedSummary", { title: view.goal.title }), blocks };
}

export function statusChangedMessage(
  view: GoalView,
  to: "active" | "paused" | "dropped",
  locale?: string,
): Message {
  const t = translator(locale);
  const values = { to, title: view.goal.title };
  return {
    summary: t.t("goal.statusSummary", values),
    blocks: [{ type: "text", text: t.rich("goal.status", values) }],
  };
}

/**
 * Help: one line for each command listed, in order. A command's description comes from the
 * catalogue (`command.<name>`) when it has one there.
 */
export function helpMessage(
  commands: { name?: string; usage: string; description: string }[],
  locale?: string,
): Message {
  const t = translator(locale);
  return {
    summary: t.t("help.summary"),
    blocks: [
      { type: "header", text: t.t("help.header") },
      { type: "text", text: t.rich("help.intro") },
      {
        type: "fields",
        fields: commands.map((c) => ({
          label: { command: c.usage },
          value: [t.lookup(`command.${c.name}`) ?? c.description],
        })),
      },
      {
        type: "context",
        text: t.rich("help.example", {
          command: { command: "goal Google Project Management Certificate by March 31 5h/week" },
        }),
      },
    ],
  };
}

export function problemMessage(message: string, usage: string | null, locale?: string): Message {
  const t = translator(locale);
  const blocks: Block[] = [{ type: "text", text: [message] }];
  blocks.push({
    type: "context",
    text: usage
      ? t.rich("problem.try", { command: { command: usage } })
      : t.rich("problem.seeHelp", { command: { command: "help" } }),
  });
  return { summary: message, blocks };
}

/** A price in US dollars as the locale writes it, or free / cost varies. */
export function cost(usd: number | null, locale?: string): string {
  const t = translator(locale);
  if (usd === null) return t.t("catalog.costVaries");
  if (usd === 0) return t.t("catalog.free");
  return new Intl.NumberFormat(t.locale, {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: usd % 1 === 0 ? 0 : 2,
  }).format(usd);
}

export function catalogEntryBlocks(entry: CatalogEntry, button?: Button, locale?: string): Block[] {
  const t = translator(locale);
  const title: Inline = entry.url ? { link: entry.url, text: entry.title } : { bold: entry.title };
  const facts = [t.hours(entry.estimatedHours), cost(entry.costUsd, locale)];
  facts.push(t.t("catalog.level", { level: entry.level }));
  if (entry.skills.length) facts.push(entry.skills.join(", "));
  const blocks: Block[] = [
    { type: "text", text: [title, ` · ${entry.provider}`] },
    { type: "context", text: [facts.join(" · ")] },
  ];
  if (button) blocks.push({ type: "actions", buttons: [button] });
  return blocks;
}

export function catalogMessage(entries: CatalogEntry[], query: string, locale?: string): Message {
  const t = translator(locale);
  if (entries.length === 0) {
    return problemMessage(t.t("catalog.nothing", { query }), "catalog [search words]", locale);
  }
  const blocks: Block[] = [
    { type: "header", text: t.t("catalog.header", { query, hasQuery: query ? "yes" : "no" }) },
  ];
  for (const e of entries) {
    const set = {
      label: t.t("button.setAsGoal"),
      action: "goal.create",
      value: payload({ c: e.id }),
    };
    blocks.push(...catalogEntryBlocks(e, set, locale));
  }
  return { summary: t.t("catalog.summary", { count: entries.length }), blocks };
}

/** "Which one did you mean?" with a button per candidate (and optionally one for free text). */
export function pickCredentialMessage(
  query: string,
  candidates: CatalogEntry[],
  pending: { d: string | null; h: number | null },
  locale?: string,
): Message {
  const t = translator(locale);
  const blocks: Block[] = [{ type: "text", text: t.rich("pick.which", { query }) }];
  for (const c of candidates) {
    const value = payload({ c: c.id, ...pending });
    blocks.push(
      ...catalogEntryBlocks(
        c,
        { label: t.t("button.thisOne"), action: "goal.create", value },
        locale,
      ),
    );
  }
  blocks.push({
    type: "actions",
    buttons: [
      {
        label: t.t("button.useMyWords"),
        action: "goal.create",
        value: payload({ t: query, ...pending }),
      },
    ],
  });
  return { summary: t.t("pick.summary", { query }), blocks };
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
