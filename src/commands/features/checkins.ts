import { CheckinService } from "../../domain/checkins/service.ts";
import { DEFAULT_LOCALE, resolveLocale } from "../../i18n/index.ts";
import {
  checkinFeedbackForm,
  checkinMessage,
  describeSchedule,
  doneNote,
  loggedNote,
  pausedNote,
  settingsForm,
  settingsSavedMessage,
  snoozedNote,
} from "../../messages/checkins.ts";
import { problemMessage } from "../../messages/goals.ts";
import {
  languageSetMessage,
  languageShownMessage,
  parseLanguage,
  unknownLanguageMessage,
} from "../../messages/language.ts";
import { type Message, privateReply, type Reply, type RichText } from "../../messages/model.ts";
import { addDays, localDateOf } from "../../time/local.ts";
import {
  type CheckinSchedule,
  parseDays,
  parsePauseUntil,
  parseQuietHours,
  parseSnooze,
  parseTime,
} from "../../time/schedule.ts";
import type { FormResult } from "../core.ts";
import type { Feature, FeatureDeps, Session } from "../feature.ts";
import { int, num, str } from "../feature.ts";
import { MAX_HOURS_PER_LOG, MAX_NOTE_LENGTH } from "../grammar.ts";

const CHECKINS_USAGE = "checkins mon,thu 10:00";
const SNOOZE_USAGE = "snooze 1h|tomorrow|next week";

/** Check-in settings (modal and commands) and the check-in message's buttons. */
export function checkinsFeature(deps: FeatureDeps): Feature {
  const checkins = new CheckinService(deps.db, deps.clock);
  const { goals } = deps;
  // Slots move with the person's zone, and a first goal is scheduled now, not at the next tick.
  deps.users.onTimeZoneChange(async (user) => {
    await checkins.ensure(user);
  });
  goals.onCreated(async (user) => {
    await checkins.ensure(user);
  });

  const say = (message: Message): Reply => privateReply(message);
  const problem = (text: string, usage: string | null = null) => say(problemMessage(text, usage));
  const expired = () => problem("That button has expired.");

  async function saved(
    s: Session,
    change: (x: CheckinSchedule) => CheckinSchedule,
    locale = s.ctx.locale,
  ) {
    const { schedule, row } = await checkins.update(s.user, change);
    await checkins.acted(s.user.id);
    return settingsSavedMessage(schedule, row.next_checkin_at, { ...s.ctx, locale });
  }

  /** `settings language <code>`: the person's own language, or back to the platform's. */
  async function languageCommand(s: Session, code: string): Promise<Reply> {
    const current = s.ctx.locale ?? DEFAULT_LOCALE;
    if (!code.trim()) return say(languageShownMessage(current, s.user.locale !== null));
    const parsed = parseLanguage(code);
    if (!parsed.ok) return say(unknownLanguageMessage(code.trim().slice(0, 40), current));
    await deps.users.setLocale(s.user, parsed.locale);
    const platform = resolveLocale(
      s.user.platform_locale,
      await deps.users.workspaceLocale(s.user.workspace_id),
    );
    return say(languageSetMessage(parsed.locale, platform));
  }

  /** The check-in redrawn after a click, with what just happened on top. */
  async function redraw(s: Session, note: RichText, key: string | null): Promise<Reply> {
    const views = await goals.list(s.user, ["active"]);
    return {
      kind: "update",
      message: checkinMessage(views, s.ctx, { note, ...(key ? { key } : {}) }),
    };
  }

  async function logFromCheckin(
    s: Session,
    g: number,
    h: number,
    note: string | null,
    key: string | null,
  ): Promise<Reply> {
    const result = await goals.log(s.user, g, h, note);
    if ("error" in result) return problem("That goal is no longer open.", "goals");
    await checkins.acted(s.user.id);
    return redraw(s, loggedNote(result.view, h, result.resumed, s.ctx.locale), key);
  }

  async function checkinsCommand(s: Session, args: string): Promise<Reply> {
    const text = args.trim();
    const lower = text.toLowerCase();
    if (text === "") {
      const schedule = await checkins.schedule(s.user);
      const row = await checkins.row(s.user.id);
      return say({
        summary: "Your check-in settings",
        blocks: [
          { type: "text", text: describeSchedule(schedule, row?.next_checkin_at ?? null, s.ctx) },
          { type: "context", text: ["Try ", { command: `${CHECKINS_USAGE}` }] },
        ],
      });
    }
    if (lower === "off") return say(await saved(s, (x) => ({ ...x, enabled: false })));
    if (lower === "on") {
      return say(
        await saved(s, (x) => {
          const { pausedUntil: _p, ...rest } = x;
          return { ...rest, enabled: true };
        }),
      );
    }
    const pause = /^pause(?:\s+(.*))?$/i.exec(text);
    if (pause) {
      const parsed = parsePauseUntil(pause[1] ?? "", { now: s.ctx.now, timeZone: s.ctx.timeZone });
      if (!parsed.ok) return problem(parsed.error, "checkins pause until <date>");
      return say(await saved(s, (x) => ({ ...x, enabled: true, pausedUntil: parsed.value })));
    }
    const words = text.split(/\s+/);
    const last = words[words.length - 1]!;
    const time = parseTime(last);
    const dayText = time.ok ? words.slice(0, -1).join(" ") : text;
    const days = dayText ? parseDays(dayText) : null;
    if (days && !days.ok) return problem(days.error, CHECKINS_USAGE);
    if (!time.ok && !days) return problem(time.error, CHECKINS_USAGE);
    return say(
      await saved(s, (x) => ({
        ...x,
        enabled: true,
        ...(days?.ok ? { days: days.value } : {}),
        ...(time.ok ? { time: time.value } : {}),
      })),
    );
  }

  async function snooze(s: Session, choice: string, inPlace: boolean) {
    const schedule = await checkins.schedule(s.user);
    const parsed = parseSnooze(choice, { now: s.ctx.now, schedule });
    if (!parsed.ok) return problem(parsed.error, SNOOZE_USAGE);
    await checkins.update(s.user, (x) => ({ ...x, snoozedUntil: parsed.value }));
    await checkins.acted(s.user.id);
    const note = snoozedNote(parsed.value, s.ctx);
    if (inPlace) {
      return {
        kind: "update",
        message: { summary: "Check-in snoozed", blocks: [{ type: "text", text: note }] },
      } satisfies Reply;
    }
    return say({ summary: "Check-in snoozed", blocks: [{ type: "text", text: note }] });
  }

  async function saveSettings(
    s: Session,
    values: Record<string, string | undefined>,
  ): Promise<FormResult> {
    const errors: Record<string, string> = {};
    const days = parseDays(values.days ?? "");
    if (!days.ok) errors.days = days.error;
    const time = parseTime(values.time ?? "");
    if (!time.ok) errors.time = time.error;
    const quietText = values.quiet?.trim();
    const quiet = quietText ? parseQuietHours(quietText) : null;
    if (quiet && !quiet.ok) errors.quiet = quiet.error;
    const today = localDateOf(s.ctx.now, s.ctx.timeZone);
    const pause = values.pause?.trim() || null;
    if (pause && (pause <= today || pause > addDays(today, 366))) {
      errors.pause = "Pick a date after today and within a year.";
    }
    if (!days.ok || !time.ok || (quiet && !quiet.ok) || Object.keys(errors).length > 0) {
      return { ok: false, errors };
    }
    const language = values.language ? parseLanguage(values.language) : null;
    if (language && !language.ok) {
      const error = unknownLanguageMessage(values.language ?? "", s.ctx.locale ?? DEFAULT_LOCALE);
      return { ok: false, errors: { language: error.summary } };
    }
    let locale = s.ctx.locale;
    if (language?.ok) {
      await deps.users.setLocale(s.user, language.locale);
      const fallback = await deps.users.workspaceLocale(s.user.workspace_id);
      locale = resolveLocale(language.locale, s.user.platform_locale, fallback);
    }
    const message = await saved(
      s,
      (x) => {
        const { quietHours: _q, pausedUntil: _p, ...rest } = x;
        return {
          ...rest,
          enabled: values.enabled !== "off",
          days: days.value,
          time: time.value,
          weekendsOff: values.weekends !== "on",
          ...(quiet?.ok ? { quietHours: quiet.value } : {}),
          ...(pause ? { pausedUntil: pause } : {}),
        };
      },
      locale,
    );
    return { ok: true, reply: say(message) };
  }

  return {
    name: "checkins",
    commands: [
      {
        name: "settings",
        usage: "settings",
        description: "Choose when I check in: days, time, quiet hours, pause, language.",
        async run(s, args) {
          const language = /^language(?:\s+|$)(.*)$/i.exec(args.trim());
          if (language) return languageCommand(s, language[1] ?? "");
          const schedule = await checkins.schedule(s.user);
          return { kind: "form", form: settingsForm(schedule, s.ctx.locale, s.user.locale) };
        },
      },
      {
        name: "checkins",
        aliases: ["checkin"],
        usage: CHECKINS_USAGE,
        description:
          "Set check-in days and time; also `checkins off` or `checkins pause until <date>`.",
        run: checkinsCommand,
      },
      {
        name: "snooze",
        usage: SNOOZE_USAGE,
        description: "Hold the next check-in back for a while.",
        run: (s, args) => snooze(s, args, false),
      },
    ],
    actions: {
      async "checkin.log"(s, p) {
        const g = int(p.g);
        const h = num(p.h);
        if (!g || !h || h <= 0 || h > MAX_HOURS_PER_LOG) return expired();
        return logFromCheckin(s, g, h, null, str(p.k));
      },
      async "checkin.other"(s, p) {
        const g = int(p.g);
        const goal = g ? await goals.find(s.user, g) : undefined;
        if (!g || !goal) return expired();
        const form = checkinFeedbackForm(g, str(p.k) ?? undefined, goal.title, s.ctx.locale);
        return { kind: "form", form };
      },
      async "checkin.done"(s, p) {
        const g = int(p.g);
        if (!g) return expired();
        const result = await goals.complete(s.user, g, null);
        if ("error" in result) return problem("That goal is no longer open.", "goals");
        await checkins.acted(s.user.id);
        return redraw(s, doneNote(result.view, s.ctx.locale), str(p.k));
      },
      async "checkin.pause"(s, p) {
        const g = int(p.g);
        if (!g) return expired();
        const result = await goals.changeStatus(s.user, g, "paused");
        if ("error" in result) return problem("That goal is no longer active.", "goals");
        await checkins.acted(s.user.id);
        return redraw(s, pausedNote(result.view, s.ctx.locale), str(p.k));
      },
      async "checkin.snooze"(s, p) {
        const choice = str(p.s);
        if (!choice) return expired();
        return snooze(s, choice, true);
      },
      async "checkin.pause_all"(s, p) {
        const d = int(p.d);
        if (!d || d > 366) return expired();
        const until = addDays(localDateOf(s.ctx.now, s.ctx.timeZone), d);
        const message = await saved(s, (x) => ({ ...x, pausedUntil: until }));
        return { kind: "update", message };
      },
      async "checkin.keep"(s) {
        await checkins.acted(s.user.id);
        const schedule = await checkins.schedule(s.user);
        const row = await checkins.row(s.user.id);
        return {
          kind: "update",
          message: {
            summary: "Check-ins continue",
            blocks: [
              {
                type: "text",
                text: [
                  "👍 Great, they keep coming. ",
                  ...describeSchedule(schedule, row?.next_checkin_at ?? null, s.ctx),
                ],
              },
            ],
          },
        };
      },
    },
    forms: {
      "settings.save": (s, _state, values) => saveSettings(s, values),
      async "checkin.log"(s, state, values) {
        let p: Record<string, unknown> = {};
        try {
          p = JSON.parse(state ?? "{}") as Record<string, unknown>;
        } catch {
          return { ok: true, reply: expired() };
        }
        const g = int(p.g);
        if (!g) return { ok: true, reply: expired() };
        const h = Number(values.hours);
        if (!Number.isFinite(h) || h <= 0 || h > MAX_HOURS_PER_LOG) {
          return {
            ok: false,
            errors: { hours: `Enter hours between 0.25 and ${MAX_HOURS_PER_LOG}.` },
          };
        }
        const note = values.note?.trim().slice(0, MAX_NOTE_LENGTH) || null;
        const reply = await logFromCheckin(s, g, h, note, str(p.k));
        // A modal can't redraw the message behind it, so the result arrives as a reply.
        return { ok: true, reply: reply.kind === "update" ? say(reply.message) : reply };
      },
    },
  };
}
