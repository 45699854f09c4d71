import type { BuildCheckinMessage, LmsWeek } from "../domain/checkins/decide.ts";
import type { Nudge } from "../domain/checkins/nudges.ts";
import type { GoalView } from "../domain/goals/service.ts";
import {
  catalogueFor,
  type MessageKey,
  resolveLocale,
  type Translator,
  translator,
} from "../i18n/index.ts";
import type { CheckinSchedule } from "../time/schedule.ts";
import { goalBlocks, payload, tr, type ViewContext } from "./goals.ts";
import { languageOptions } from "./language.ts";
import type { Block, Button, Form, Inline, Message, RichText } from "./model.ts";

export const SNOOZE_CHOICES = [
  { key: "snooze.hour", value: "1h" },
  { key: "snooze.tomorrow", value: "tomorrow" },
  { key: "snooze.nextWeek", value: "next week" },
] as const satisfies readonly { key: MessageKey; value: string }[];

/** "Thu 4 Dec, 10:00" in the person's zone and locale. */
export function when(at: Date, ctx: Pick<ViewContext, "timeZone" | "locale">): string {
  return tr(ctx).dateTime(at, ctx.timeZone);
}

function checkinButtons(view: GoalView, k: string | undefined, t: Translator): Button[] {
  const base = { g: view.goal.id, ...(k ? { k } : {}) };
  const log = (h: number) => t.t("button.logHours", { hours: t.hours(h) });
  return [
    { label: t.t("button.log30"), action: "checkin.log", value: payload({ ...base, h: 0.5 }) },
    { label: log(1), action: "checkin.log", value: payload({ ...base, h: 1 }), style: "primary" },
    { label: log(2), action: "checkin.log", value: payload({ ...base, h: 2 }) },
    { label: t.t("button.other"), action: "checkin.other", value: payload(base) },
    { label: t.t("button.done"), action: "checkin.done", value: payload(base) },
    { label: t.t("button.pauseGoal"), action: "checkin.pause", value: payload(base) },
  ];
}

function snoozeButtons(k: string | undefined, t: Translator): Button[] {
  return SNOOZE_CHOICES.map((c) => ({
    label: t.t(c.key),
    action: "checkin.snooze",
    value: payload({ s: c.value, ...(k ? { k } : {}) }),
  }));
}

/** What an LMS reported on a goal this week, so the person logs only the rest. */
export function lmsLine(lms: LmsWeek, t: Translator): RichText {
  const values = {
    lms: lms.sources.length > 0 ? t.list(lms.sources) : t.t("checkin.yourLms"),
    hours: t.hours(lms.hours),
  };
  if (lms.covered) return t.rich("checkin.lmsCovered", { ...values, title: lms.title });
  if (lms.weekly === null) return t.rich("checkin.lmsLogged", values);
  return t.rich("checkin.lmsLoggedOfWeek", { ...values, perWeek: t.hours(lms.weekly) });
}

/**
 * The check-in: each active goal with progress, pace and one-click buttons. `note` sits on top
 * after a click ("Logged 1 h on …"), so the same message updates in place.
 */
export function checkinMessage(
  views: GoalView[],
  ctx: ViewContext,
  options: { key?: string; note?: RichText; nudge?: RichText; lms?: LmsWeek[] } = {},
): Message {
  const t = tr(ctx);
  const active = views.filter((v) => v.goal.status === "active");
  const blocks: Block[] = [];
  if (options.note) blocks.push({ type: "text", text: options.note });
  if (active.length === 0) {
    blocks.push({
      type: "text",
      text: t.rich(options.note ? "checkin.allDone" : "checkin.noGoals"),
    });
    return {
      summary: t.t(options.note ? "checkin.summaryDone" : "checkin.summaryNoGoals"),
      blocks,
    };
  }
  if (!options.note) blocks.push({ type: "text", text: t.rich("checkin.prompt") });
  if (options.nudge) blocks.push({ type: "context", text: options.nudge });
  const lms = options.lms ?? [];
  for (const covered of lms.filter((l) => l.covered)) {
    blocks.push({ type: "context", text: lmsLine(covered, t) });
  }
  for (const view of active) {
    blocks.push({ type: "divider" });
    blocks.push(...goalBlocks(view, ctx, false));
    const reported = lms.find((l) => l.goalId === view.goal.id && !l.covered);
    if (reported) blocks.push({ type: "context", text: lmsLine(reported, t) });
    blocks.push({ type: "actions", buttons: checkinButtons(view, options.key, t) });
  }
  blocks.push({ type: "divider" });
  blocks.push({ type: "actions", buttons: snoozeButtons(options.key, t) });
  return {
    summary: t.t("checkin.summary", { count: active.length, title: active[0]!.goal.title }),
    blocks,
  };
}

/** One line for the top of a check-in when the plan says so ("3 h behind — …"). */
export function planLine(views: GoalView[], locale?: string): RichText | undefined {
  const behind = views
    .filter((v) => v.goal.status === "active" && v.pace.state === "behind" && v.pace.aheadBy)
    .sort((a, b) => (a.pace.aheadBy ?? 0) - (b.pace.aheadBy ?? 0))[0];
  if (!behind) return undefined;
  const t = translator(locale);
  return t.rich("checkin.planLine", {
    title: behind.goal.title,
    hours: t.hours(-(behind.pace.aheadBy ?? 0)),
  });
}

export function loggedNote(
  view: GoalView,
  logged: number,
  resumed: boolean,
  locale?: string,
): RichText {
  const t = translator(locale);
  return t.rich("checkin.logged", {
    hours: t.hours(logged),
    title: view.goal.title,
    resumed: resumed ? "yes" : "no",
  });
}

export function doneNote(view: GoalView, locale?: string): RichText {
  const t = translator(locale);
  return t.rich("checkin.doneNote", {
    title: view.goal.title,
    hours: t.hours(view.pace.loggedHours),
  });
}

export function pausedNote(view: GoalView, locale?: string): RichText {
  return translator(locale).rich("checkin.pausedNote", { title: view.goal.title });
}

export function snoozedNote(until: Date, ctx: ViewContext): RichText {
  return tr(ctx).rich("checkin.snoozedNote", { when: when(until, ctx) });
}

/** Asked once after several check-ins went unanswered; then the bot stays quiet. */
export function askPauseMessage(ignored: number, key?: string, locale?: string): Message {
  const t = translator(locale);
  const k = key ? { k: key } : {};
  return {
    summary: t.t("askPause.summary"),
    blocks: [
      { type: "text", text: t.rich("askPause.text", { count: ignored }) },
      {
        type: "actions",
        buttons: [
          {
            label: t.t("askPause.twoWeeks"),
            action: "checkin.pause_all",
            value: payload({ d: 14, ...k }),
            style: "primary",
          },
          {
            label: t.t("askPause.month"),
            action: "checkin.pause_all",
            value: payload({ d: 30, ...k }),
          },
          { label: t.t("askPause.keep"), action: "checkin.keep", value: payload(k) },
        ],
      },
      { type: "context", text: t.rich("askPause.quiet") },
    ],
  };
}

function stalledNudge(nudge: Extract<Nudge, { kind: "stalled" }>, k: object, t: Translator) {
  const title = nudge.goal.goal.title;
  const g = nudge.goal.goal.id;
  return {
    summary: t.t("nudge.stalledSummary", { title, days: nudge.days }),
    blocks: [
      { type: "text", text: t.rich("nudge.stalled", { title, days: nudge.days }) },
      {
        type: "actions",
        buttons: [
          {
            label: t.t("button.log30"),
            action: "checkin.log",
            value: payload({ g, h: 0.5, ...k }),
          },
          { label: t.t("button.pauseGoal"), action: "checkin.pause", value: payload({ g, ...k }) },
        ],
      },
      {
        type: "context",
        text: t.rich("nudge.changeDate", { command: { command: `goal ${title} by <date>` } }),
      },
    ],
  } satisfies Message;
}

/** A nudge: short, kind, specific, with one obvious next step. */
export function nudgeMessage(nudge: Nudge, key?: string, locale?: string): Message {
  const t = translator(locale);
  const k = key ? { k: key } : {};
  if (nudge.kind === "streak") {
    const text = t.t("nudge.streak", { weeks: nudge.weeks });
    return { summary: text, blocks: [{ type: "text", text: [text] }] };
  }
  if (nudge.kind === "stalled") return stalledNudge(nudge, k, t);
  const view = nudge.goal;
  const title = view.goal.title;
  const g = view.goal.id;
  if (nudge.kind === "target_near") {
    const values = { title, days: nudge.days, hours: t.hours(nudge.remaining) };
    return {
      summary: t.t("nudge.dueSummary", values),
      blocks: [
        { type: "text", text: t.rich("nudge.due", values) },
        {
          type: "actions",
          buttons: [
            {
              label: t.t("button.logHours", { hours: t.hours(1) }),
              action: "checkin.log",
              value: payload({ g, h: 1, ...k }),
            },
            { label: t.t("button.done"), action: "checkin.done", value: payload({ g, ...k }) },
          ],
        },
      ],
    };
  }
  const values = { title, hours: t.hours(nudge.hoursBehind) };
  return {
    summary: t.t("nudge.behindSummary", values),
    blocks: [
      { type: "text", text: t.rich("nudge.behind", values) },
      {
        type: "actions",
        buttons: [
          {
            label: t.t("button.logHours", { hours: t.hours(1) }),
            action: "checkin.log",
            value: payload({ g, h: 1, ...k }),
          },
          {
            label: t.t("nudge.snoozeTomorrow"),
            action: "checkin.snooze",
            value: payload({ s: "tomorrow", ...k }),
          },
        ],
      },
    ],
  };
}

export function describeSchedule(
  s: CheckinSchedule,
  next: Date | null,
  ctx: ViewContext,
): RichText {
  const t = tr(ctx);
  if (!s.enabled) return t.rich("schedule.off");
  const days = s.days.length
    ? new Intl.ListFormat(t.locale, { style: "short", type: "unit" }).format(
        s.days.map((d) => t.weekday(d)),
      )
    : t.t("schedule.noDays");
  const parts: Inline[] = t.rich("schedule.on", {
    days,
    time: t.time(s.time),
    zone: s.timeZone,
    quiet: s.quietHours ? "yes" : "no",
    quietStart: s.quietHours ? t.time(s.quietHours.start) : "",
    quietEnd: s.quietHours ? t.time(s.quietHours.end) : "",
    weekendsOff: s.weekendsOff && s.days.some((d) => d === "sat" || d === "sun") ? "yes" : "no",
  });
  // Between sentences: a space in most languages, nothing after Japanese "。".
  const gap = t.t("text.sentenceGap");
  if (s.pausedUntil) parts.push(gap, ...t.rich("schedule.paused", { date: t.date(s.pausedUntil) }));
  if (next) parts.push(gap, ...t.rich("schedule.next", { when: when(next, ctx) }));
  return parts;
}

export function settingsSavedMessage(
  s: CheckinSchedule,
  next: Date | null,
  ctx: ViewContext,
): Message {
  const t = tr(ctx);
  const text = describeSchedule(s, next, ctx);
  return {
    summary: t.t(s.enabled ? "settings.saved" : "schedule.offSummary"),
    blocks: [
      { type: "text", text: ["✅ ", ...text] },
      {
        type: "context",
        text: t.rich("settings.changeWith", { command: { command: "settings" } }),
      },
    ],
  };
}

/** `language` is the person's own choice of language, null when they follow their platform's. */
export function settingsForm(
  s: CheckinSchedule,
  locale?: string,
  language: string | null = null,
): Form {
  const t = translator(locale);
  return {
    id: "settings.save",
    title: t.t("settings.title"),
    submitLabel: t.t("settings.save"),
    intro: t.rich("settings.intro", { zone: s.timeZone }),
    inputs: [
      {
        type: "select",
        id: "enabled",
        label: t.t("settings.checkins"),
        options: [
          { label: t.t("settings.on"), value: "on" },
          { label: t.t("settings.off"), value: "off" },
        ],
        initial: s.enabled ? "on" : "off",
      },
      {
        type: "text",
        id: "days",
        label: t.t("settings.days"),
        initial: s.days.join(","),
        placeholder: "mon,thu",
      },
      {
        type: "text",
        id: "time",
        label: t.t("settings.time"),
        initial: s.time,
        placeholder: "10:00",
      },
      {
        type: "text",
        id: "quiet",
        label: t.t("settings.quiet"),
        optional: true,
        ...(s.quietHours ? { initial: `${s.quietHours.start}-${s.quietHours.end}` } : {}),
        placeholder: "20:00-08:00",
      },
      {
        type: "select",
        id: "weekends",
        label: t.t("settings.weekends"),
        options: [
          { label: t.t("settings.weekendsOff"), value: "off" },
          { label: t.t("settings.on"), value: "on" },
        ],
        initial: s.weekendsOff ? "off" : "on",
      },
      {
        type: "date",
        id: "pause",
        label: t.t("settings.pauseUntil"),
        optional: true,
        ...(s.pausedUntil ? { initial: s.pausedUntil } : {}),
      },
      {
        type: "select",
        id: "language",
        label: t.t("settings.language"),
        options: languageOptions(locale),
        initial: catalogueLanguage(language) ?? "auto",
      },
    ],
  };
}

/** The option of the language picker a chosen locale falls under ("de-AT" → "de"). */
function catalogueLanguage(locale: string | null): string | null {
  return locale ? catalogueFor(locale) : null;
}

export function checkinFeedbackForm(
  goalId: number,
  key: string | undefined,
  title: string,
  locale?: string,
): Form {
  const t = translator(locale);
  return {
    id: "checkin.log",
    title: t.t("logForm.title"),
    submitLabel: t.t("logForm.submit"),
    state: payload({ g: goalId, ...(key ? { k: key } : {}) }),
    intro: t.rich("logForm.intro", { title: title.slice(0, 100) }),
    inputs: [
      {
        type: "number",
        id: "hours",
        label: t.t("logForm.hours"),
        decimal: true,
        min: 0.25,
        max: 24,
      },
      { type: "text", id: "note", label: t.t("logForm.note"), optional: true, maxLength: 500 },
    ],
  };
}

/**
 * The wording of scheduled check-ins, asks to pause and nudges. Commands are named without the
 * command word, which each platform's renderer adds, so the wording needn't know the platform.
 */
export function checkinDeliveryMessages(): BuildCheckinMessage<Message> {
  return (content, to, now) => {
    const locale = resolveLocale(...(to.locales ?? []));
    const ctx: ViewContext = { now, timeZone: to.timeZone, locale };
    switch (content.kind) {
      case "ask_pause":
        return askPauseMessage(content.ignored, content.key, locale);
      case "nudge":
        return nudgeMessage(content.nudge, content.key, locale);
      case "checkin": {
        const nudge = planLine(content.views, locale);
        return checkinMessage(content.views, ctx, {
          key: content.key,
          lms: content.lms,
          ...(nudge ? { nudge } : {}),
        });
      }
    }
  };
}
