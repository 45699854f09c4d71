import { DateTime } from "luxon";
import type { BuildCheckinMessage } from "../domain/checkins/decide.ts";
import type { Nudge } from "../domain/checkins/nudges.ts";
import type { GoalView } from "../domain/goals/service.ts";
import type { CheckinSchedule } from "../time/schedule.ts";
import { goalBlocks, hours, payload, type ViewContext } from "./goals.ts";
import type { Block, Button, Form, Inline, Message, RichText } from "./model.ts";

const DAY_LABEL: Record<string, string> = {
  mon: "Mon",
  tue: "Tue",
  wed: "Wed",
  thu: "Thu",
  fri: "Fri",
  sat: "Sat",
  sun: "Sun",
};

export const SNOOZE_CHOICES = [
  { label: "1 h", value: "1h" },
  { label: "Tomorrow", value: "tomorrow" },
  { label: "Next week", value: "next week" },
] as const;

/** "Thu 4 Dec, 10:00" in the person's zone. */
export function when(at: Date, ctx: Pick<ViewContext, "timeZone">): string {
  return DateTime.fromJSDate(at, { zone: ctx.timeZone }).toFormat("EEE d LLL, HH:mm");
}

function checkinButtons(view: GoalView, k: string | undefined): Button[] {
  const base = { g: view.goal.id, ...(k ? { k } : {}) };
  return [
    { label: "Log 30 min", action: "checkin.log", value: payload({ ...base, h: 0.5 }) },
    {
      label: "Log 1 h",
      action: "checkin.log",
      value: payload({ ...base, h: 1 }),
      style: "primary",
    },
    { label: "Log 2 h", action: "checkin.log", value: payload({ ...base, h: 2 }) },
    { label: "Other…", action: "checkin.other", value: payload(base) },
    { label: "Done!", action: "checkin.done", value: payload(base) },
    { label: "Pause goal", action: "checkin.pause", value: payload(base) },
  ];
}

function snoozeButtons(k: string | undefined): Button[] {
  return SNOOZE_CHOICES.map((c) => ({
    label: `Snooze ${c.label.toLowerCase()}`,
    action: "checkin.snooze",
    value: payload({ s: c.value, ...(k ? { k } : {}) }),
  }));
}

/**
 * The check-in: each active goal with progress, pace and one-click buttons. `note` sits on top
 * after a click ("Logged 1 h on …"), so the same message updates in place.
 */
export function checkinMessage(
  views: GoalView[],
  ctx: ViewContext,
  options: { key?: string; note?: RichText; nudge?: RichText } = {},
): Message {
  const active = views.filter((v) => v.goal.status === "active");
  const blocks: Block[] = [];
  if (options.note) blocks.push({ type: "text", text: options.note });
  if (active.length === 0) {
    blocks.push({
      type: "text",
      text: options.note
        ? ["That's everything for this check-in. See you next time 👋"]
        : ["No active goals right now — nothing to check in on."],
    });
    return { summary: options.note ? "Check-in done" : "No active goals", blocks };
  }
  if (!options.note) {
    blocks.push({ type: "text", text: ["👋 Time for a quick check-in. How did learning go?"] });
  }
  if (options.nudge) blocks.push({ type: "context", text: options.nudge });
  for (const view of active) {
    blocks.push({ type: "divider" });
    blocks.push(...goalBlocks(view, ctx, false));
    blocks.push({ type: "actions", buttons: checkinButtons(view, options.key) });
  }
  blocks.push({ type: "divider" });
  blocks.push({ type: "actions", buttons: snoozeButtons(options.key) });
  const first = active[0]!.goal.title;
  return {
    summary:
      active.length === 1
        ? `Check-in: how is ${first} going?`
        : `Check-in: how are your ${active.length} goals going?`,
    blocks,
  };
}

/** One line for the top of a check-in when the plan says so ("3 h behind — …"). */
export function planLine(views: GoalView[]): RichText | undefined {
  const behind = views
    .filter((v) => v.goal.status === "active" && v.pace.state === "behind" && v.pace.aheadBy)
    .sort((a, b) => (a.pace.aheadBy ?? 0) - (b.pace.aheadBy ?? 0))[0];
  if (!behind) return undefined;
  return [
    { bold: behind.goal.title },
    `: ${hours(-(behind.pace.aheadBy ?? 0))} behind — block an hour today?`,
  ];
}

export function loggedNote(view: GoalView, logged: number, resumed: boolean): RichText {
  const text: Inline[] = [`✅ Logged ${hours(logged)} on `, { bold: view.goal.title }, "."];
  if (resumed) text.push(" Welcome back — it's active again.");
  return text;
}

export function doneNote(view: GoalView): RichText {
  return [
    "🎉 ",
    { bold: view.goal.title },
    ` complete — ${hours(view.pace.loggedHours)} of learning. Well done!`,
  ];
}

export function pausedNote(view: GoalView): RichText {
  return ["⏸ Paused ", { bold: view.goal.title }, ". No nudges about it until you resume."];
}

export function snoozedNote(until: Date, ctx: ViewContext): RichText {
  return [`💤 Snoozed until ${when(until, ctx)}. I'll check in then.`];
}

/** Asked once after several check-ins went unanswered; then the bot stays quiet. */
export function askPauseMessage(ignored: number, key?: string): Message {
  const k = key ? { k: key } : {};
  return {
    summary: "Want to pause check-ins for a while?",
    blocks: [
      {
        type: "text",
        text: [
          `The last ${ignored} check-ins went unanswered — no problem, life gets busy. Want me to pause them for a while?`,
        ],
      },
      {
        type: "actions",
        buttons: [
          {
            label: "Pause 2 weeks",
            action: "checkin.pause_all",
            value: payload({ d: 14, ...k }),
            style: "primary",
          },
          { label: "Pause a month", action: "checkin.pause_all", value: payload({ d: 30, ...k }) },
          { label: "Keep them coming", action: "checkin.keep", value: payload(k) },
        ],
      },
      {
        type: "context",
        text: ["I'll stay quiet until you reply or log some progress."],
      },
    ],
  };
}

/** A nudge: short, kind, specific, with one obvious next step. */
export function nudgeMessage(nudge: Nudge, key?: string): Message {
  const k = key ? { k: key } : {};
  if (nudge.kind === "streak") {
    const text = `🔥 ${nudge.weeks} weeks in a row with learning logged. That's a real habit — keep it going!`;
    return { summary: text, blocks: [{ type: "text", text: [text] }] };
  }
  const view = nudge.goal;
  const title = view.goal.title;
  const g = view.goal.id;
  if (nudge.kind === "stalled") {
    return {
      summary: `No progress on ${title} for ${nudge.days} days`,
      blocks: [
        {
          type: "text",
          text: [
            "It's been ",
            `${nudge.days} days since you logged time on `,
            { bold: title },
            ". Still keen? It's fine to pause it or move the date.",
          ],
        },
        {
          type: "actions",
          buttons: [
            { label: "Log 30 min", action: "checkin.log", value: payload({ g, h: 0.5, ...k }) },
            { label: "Pause goal", action: "checkin.pause", value: payload({ g, ...k }) },
          ],
        },
        {
          type: "context",
          text: ["Change the date with ", { command: `goal ${title} by <date>` }],
        },
      ],
    };
  }
  if (nudge.kind === "target_near") {
    const day =
      nudge.days === 0 ? "today" : nudge.days === 1 ? "tomorrow" : `in ${nudge.days} days`;
    return {
      summary: `${title} is due ${day}`,
      blocks: [
        {
          type: "text",
          text: [
            { bold: title },
            ` is due ${day} with ${hours(nudge.remaining)} to go. An hour today would help.`,
          ],
        },
        {
          type: "actions",
          buttons: [
            { label: "Log 1 h", action: "checkin.log", value: payload({ g, h: 1, ...k }) },
            { label: "Done!", action: "checkin.done", value: payload({ g, ...k }) },
          ],
        },
      ],
    };
  }
  return {
    summary: `${hours(nudge.hoursBehind)} behind on ${title}`,
    blocks: [
      {
        type: "text",
        text: [{ bold: title }, `: ${hours(nudge.hoursBehind)} behind plan — block an hour today?`],
      },
      {
        type: "actions",
        buttons: [
          { label: "Log 1 h", action: "checkin.log", value: payload({ g, h: 1, ...k }) },
          {
            label: "Snooze till tomorrow",
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
  if (!s.enabled) return ["Check-ins are off."];
  const days = s.days.map((d) => DAY_LABEL[d] ?? d).join(", ") || "no days";
  const parts: Inline[] = [`Check-ins ${days} at ${s.time} (${s.timeZone})`];
  if (s.quietHours) parts.push(`, quiet ${s.quietHours.start}–${s.quietHours.end}`);
  if (s.weekendsOff && s.days.some((d) => d === "sat" || d === "sun")) parts.push(", weekends off");
  parts.push(".");
  if (s.pausedUntil) parts.push(` Paused until ${s.pausedUntil}.`);
  if (next) parts.push(" Next: ", { bold: when(next, ctx) }, ".");
  return parts;
}

export function settingsSavedMessage(
  s: CheckinSchedule,
  next: Date | null,
  ctx: ViewContext,
): Message {
  const text = describeSchedule(s, next, ctx);
  return {
    summary: s.enabled ? "Check-in settings saved" : "Check-ins are off",
    blocks: [
      { type: "text", text: ["✅ ", ...text] },
      {
        type: "context",
        text: ["Change them with ", { command: "settings" }, "."],
      },
    ],
  };
}

export function settingsForm(s: CheckinSchedule): Form {
  return {
    id: "settings.save",
    title: "Check-in settings",
    submitLabel: "Save",
    intro: [`Times are in your time zone, ${s.timeZone}.`],
    inputs: [
      {
        type: "select",
        id: "enabled",
        label: "Check-ins",
        options: [
          { label: "On", value: "on" },
          { label: "Off", value: "off" },
        ],
        initial: s.enabled ? "on" : "off",
      },
      {
        type: "text",
        id: "days",
        label: "Days",
        initial: s.days.join(","),
        placeholder: "mon,thu",
      },
      { type: "text", id: "time", label: "Time", initial: s.time, placeholder: "10:00" },
      {
        type: "text",
        id: "quiet",
        label: "Quiet hours",
        optional: true,
        ...(s.quietHours ? { initial: `${s.quietHours.start}-${s.quietHours.end}` } : {}),
        placeholder: "20:00-08:00",
      },
      {
        type: "select",
        id: "weekends",
        label: "Weekends",
        options: [
          { label: "Off (no check-ins)", value: "off" },
          { label: "On", value: "on" },
        ],
        initial: s.weekendsOff ? "off" : "on",
      },
      {
        type: "date",
        id: "pause",
        label: "Pause until",
        optional: true,
        ...(s.pausedUntil ? { initial: s.pausedUntil } : {}),
      },
    ],
  };
}

export function checkinFeedbackForm(goalId: number, key: string | undefined, title: string): Form {
  return {
    id: "checkin.log",
    title: "Log time",
    submitLabel: "Log",
    state: payload({ g: goalId, ...(key ? { k: key } : {}) }),
    intro: ["How much time on ", { bold: title.slice(0, 100) }, "?"],
    inputs: [
      { type: "number", id: "hours", label: "Hours", decimal: true, min: 0.25, max: 24 },
      { type: "text", id: "note", label: "Note", optional: true, maxLength: 500 },
    ],
  };
}

/**
 * The wording of scheduled check-ins, asks to pause and nudges. Commands are named without the
 * command word, which each platform's renderer adds, so the wording needn't know the platform.
 */
export function checkinDeliveryMessages(): BuildCheckinMessage<Message> {
  return (content, to, now) => {
    const ctx: ViewContext = { now, timeZone: to.timeZone };
    switch (content.kind) {
      case "ask_pause":
        return askPauseMessage(content.ignored, content.key);
      case "nudge":
        return nudgeMessage(content.nudge, content.key);
      case "checkin": {
        const nudge = planLine(content.views);
        return checkinMessage(content.views, ctx, {
          key: content.key,
          ...(nudge ? { nudge } : {}),
        });
      }
    }
  };
}
