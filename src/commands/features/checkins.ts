import { CheckinService } from "../../domain/checkins/service.ts";
import type { GoalService } from "../../domain/goals/service.ts";
import type { UserService } from "../../domain/users/service.ts";
import { DEFAULT_LOCALE, type Phrase, resolveLocale } from "../../i18n/index.ts";
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
import { problemMessage, tr } from "../../messages/goals.ts";
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
import { int, num, problemIn, str } from "../feature.ts";
import { MAX_HOURS_PER_LOG, MAX_NOTE_LENGTH } from "../grammar.ts";

const CHECKINS_USAGE = "checkins mon,thu 10:00";
const SNOOZE_USAGE = "snooze 1h|tomorrow|next week";

const say = (message: Message): Reply => privateReply(message);
/** A parse error with the usage hint, in the person's language. */
const problem = (s: Session, phrase: Phrase, usage: string) =>
  say(problemMessage(tr(s.ctx).say(phrase), usage, s.ctx.locale));
const expired = (s: Session) => problemIn(s, "error.expired");

/** Check-in settings (modal and commands) and the check-in message's buttons. */
export function checkinsFeature(deps: FeatureDeps): Feature {
  const c = new Checkins(deps);
  return {
    name: "checkins",
    commands: [
      {
        name: "settings",
        usage: "settings",
        description: "Choose when I check in: days, time, quiet hours, pause, language.",
        run: (s, args) => c.settings(s, args),
      },
      {
        name: "checkins",
        aliases: ["checkin"],
        usage: CHECKINS_USAGE,
        description:
          "Set check-in days and time; also `checkins off` or `checkins pause until <date>`.",
        run: (s, args) => c.checkins(s, args),
      },
      {
        name: "snooze",
        usage: SNOOZE_USAGE,
        description: "Hold the next check-in back for a while.",
        run: (s, args) => c.snooze(s, args, false),
      },
    ],
    actions: {
      "checkin.log": (s, p) => {
        const g = int(p.g);
        const h = num(p.h);
        if (!g || !h || h <= 0 || h > MAX_HOURS_PER_LOG) return Promise.resolve(expired(s));
        return c.log(s, g, h, null, str(p.k));
      },
      "checkin.other": (s, p) => c.otherHours(s, int(p.g), str(p.k)),
      "checkin.done": (s, p) => c.done(s, int(p.g), str(p.k)),
      "checkin.pause": (s, p) => c.pauseGoal(s, int(p.g), str(p.k)),
      "checkin.snooze": async (s, p) => {
        const choice = str(p.s);
        return choice ? c.snooze(s, choice, true) : expired(s);
      },
      "checkin.pause_all": (s, p) => c.pauseAll(s, int(p.d)),
      "checkin.keep": (s) => c.keep(s),
    },
    forms: {
      "settings.save": (s, _state, values) => c.saveSettings(s, values),
      "checkin.log": (s, state, values) => c.logOther(s, state, values),
    },
  };
}

class Checkins {
  private readonly service: CheckinService;
  private readonly goals: GoalService;
  private readonly users: UserService;

  constructor(deps: FeatureDeps) {
    const checkins = new CheckinService(deps.db, deps.clock);
    this.service = checkins;
    this.goals = deps.goals;
    this.users = deps.users;
    // Slots move with the person's zone, and a first goal is scheduled now, not at the next tick.
    deps.users.onTimeZoneChange(async (user) => {
      await checkins.ensure(user);
    });
    deps.goals.onCreated(async (user) => {
      await checkins.ensure(user);
    });
  }

  /** `settings`: the settings form; `settings language [code]`: the person's language. */
  async settings(s: Session, args: string): Promise<Reply> {
    const language = /^language(?:\s+|$)(.*)$/i.exec(args.trim());
    if (language) return this.language(s, language[1] ?? "");
    const schedule = await this.service.schedule(s.user);
    return { kind: "form", form: settingsForm(schedule, s.ctx.locale, s.user.locale) };
  }

  /** `settings language <code>`: the person's own language, or back to the platform's. */
  private async language(s: Session, code: string): Promise<Reply> {
    const current = s.ctx.locale ?? DEFAULT_LOCALE;
    if (!code.trim()) return say(languageShownMessage(current, s.user.locale !== null));
    const parsed = parseLanguage(code);
    if (!parsed.ok) return say(unknownLanguageMessage(code.trim().slice(0, 40), current));
    await this.users.setLocale(s.user, parsed.locale);
    const platform = resolveLocale(
      s.user.platform_locale,
      await this.users.workspaceLocale(s.user.workspace_id),
    );
    return say(languageSetMessage(parsed.locale, platform));
  }

  /** `checkins [days] [HH:MM]`, `checkins on|off`, `checkins pause until <date>`. */
  async checkins(s: Session, args: string): Promise<Reply> {
    const text = args.trim();
    const lower = text.toLowerCase();
    if (text === "") {
      return say(await this.current(s, tr(s.ctx).t("checkin.settingsSummary"), []));
    }
    if (lower === "off") return say(await this.saved(s, (x) => ({ ...x, enabled: false })));
    if (lower === "on") {
      return say(
        await this.saved(s, (x) => {
          const { pausedUntil: _p, ...rest } = x;
          return { ...rest, enabled: true };
        }),
      );
    }
    const pause = /^pause(?:\s+(.*))?$/i.exec(text);
    if (pause) {
      const parsed = parsePauseUntil(pause[1] ?? "", s.ctx);
      if (!parsed.ok) return problem(s, parsed.error, "checkins pause until <date>");
      return say(await this.saved(s, (x) => ({ ...x, enabled: true, pausedUntil: parsed.value })));
    }
    const words = text.split(/\s+/);
    const last = words[words.length - 1]!;
    const time = parseTime(last);
    const dayText = time.ok ? words.slice(0, -1).join(" ") : text;
    const days = dayText ? parseDays(dayText, s.ctx.locale) : null;
    if (days && !days.ok) return problem(s, days.error, CHECKINS_USAGE);
    if (!time.ok && !days) return problem(s, time.error, CHECKINS_USAGE);
    return say(
      await this.saved(s, (x) => ({
        ...x,
        enabled: true,
        ...(days?.ok ? { days: days.value } : {}),
        ...(time.ok ? { time: time.value } : {}),
      })),
    );
  }

  async snooze(s: Session, choice: string, inPlace: boolean): Promise<Reply> {
    const schedule = await this.service.schedule(s.user);
    const parsed = parseSnooze(choice, { now: s.ctx.now, schedule });
    if (!parsed.ok) return problem(s, parsed.error, SNOOZE_USAGE);
    await this.service.update(s.user, (x) => ({ ...x, snoozedUntil: parsed.value }));
    await this.service.acted(s.user.id);
    const message: Message = {
      summary: tr(s.ctx).t("checkin.snoozedSummary"),
      blocks: [{ type: "text", text: snoozedNote(parsed.value, s.ctx) }],
    };
    return inPlace ? { kind: "update", message } : say(message);
  }

  async saveSettings(s: Session, values: Record<string, string | undefined>): Promise<FormResult> {
    const errors: Record<string, string> = {};
    const days = parseDays(values.days ?? "", s.ctx.locale);
    if (!days.ok) errors.days = tr(s.ctx).say(days.error);
    const time = parseTime(values.time ?? "");
    if (!time.ok) errors.time = tr(s.ctx).say(time.error);
    const quietText = values.quiet?.trim();
    const quiet = quietText ? parseQuietHours(quietText) : null;
    if (quiet && !quiet.ok) errors.quiet = tr(s.ctx).say(quiet.error);
    const today = localDateOf(s.ctx.now, s.ctx.timeZone);
    const pause = values.pause?.trim() || null;
    if (pause && (pause <= today || pause > addDays(today, 366))) {
      errors.pause = tr(s.ctx).t("error.pauseDate");
    }
    if (!days.ok || !time.ok || (quiet && !quiet.ok) || Object.keys(errors).length > 0) {
      return { ok: false, errors };
    }
    const locale = await this.chosenLocale(s, values.language);
    if (typeof locale === "object") return locale;
    const message = await this.saved(
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

  /** The settings form's language: saved, and the locale the reply is then in. */
  private async chosenLocale(
    s: Session,
    value: string | undefined,
  ): Promise<Session["ctx"]["locale"] | FormResult> {
    const language = value ? parseLanguage(value) : null;
    if (language && !language.ok) {
      const error = unknownLanguageMessage(value ?? "", s.ctx.locale ?? DEFAULT_LOCALE);
      return { ok: false, errors: { language: error.summary } };
    }
    if (!language?.ok) return s.ctx.locale;
    await this.users.setLocale(s.user, language.locale);
    const fallback = await this.users.workspaceLocale(s.user.workspace_id);
    return resolveLocale(language.locale, s.user.platform_locale, fallback);
  }

  /** A Log button on the check-in: the time logged, and the check-in redrawn. */
  async log(
    s: Session,
    g: number,
    h: number,
    note: string | null,
    key: string | null,
  ): Promise<Reply> {
    const result = await this.goals.log(s.user, g, h, note);
    if ("error" in result) return problemIn(s, "error.goalNoLongerOpen", {}, "goals");
    await this.service.acted(s.user.id);
    return this.redraw(s, loggedNote(result.view, h, result.resumed, s.ctx.locale), key);
  }

  /** The Other amount button: a form for hours and a note. */
  async otherHours(s: Session, g: number | null, key: string | null): Promise<Reply> {
    const goal = g ? await this.goals.find(s.user, g) : undefined;
    if (!g || !goal) return expired(s);
    const form = checkinFeedbackForm(g, key ?? undefined, goal.title, s.ctx.locale);
    return { kind: "form", form };
  }

  /** The Other amount form. */
  async logOther(
    s: Session,
    state: string | undefined,
    values: Record<string, string | undefined>,
  ): Promise<FormResult> {
    let p: Record<string, unknown> = {};
    try {
      p = JSON.parse(state ?? "{}") as Record<string, unknown>;
    } catch {
      return { ok: true, reply: expired(s) };
    }
    const g = int(p.g);
    if (!g) return { ok: true, reply: expired(s) };
    const h = Number(values.hours);
    if (!Number.isFinite(h) || h <= 0 || h > MAX_HOURS_PER_LOG) {
      const error = tr(s.ctx).t("error.hoursRange", {
        min: tr(s.ctx).num(0.25),
        max: MAX_HOURS_PER_LOG,
      });
      return { ok: false, errors: { hours: error } };
    }
    const note = values.note?.trim().slice(0, MAX_NOTE_LENGTH) || null;
    const reply = await this.log(s, g, h, note, str(p.k));
    // A modal can't redraw the message behind it, so the result arrives as a reply.
    return { ok: true, reply: reply.kind === "update" ? say(reply.message) : reply };
  }

  async done(s: Session, g: number | null, key: string | null): Promise<Reply> {
    if (!g) return expired(s);
    const result = await this.goals.complete(s.user, g, null);
    if ("error" in result) return problemIn(s, "error.goalNoLongerOpen", {}, "goals");
    await this.service.acted(s.user.id);
    return this.redraw(s, doneNote(result.view, s.ctx.locale), key);
  }

  async pauseGoal(s: Session, g: number | null, key: string | null): Promise<Reply> {
    if (!g) return expired(s);
    const result = await this.goals.changeStatus(s.user, g, "paused");
    if ("error" in result) return problemIn(s, "error.goalNoLongerActive", {}, "goals");
    await this.service.acted(s.user.id);
    return this.redraw(s, pausedNote(result.view, s.ctx.locale), key);
  }

  /** Asked whether to pause after ignored check-ins: pause them all for `d` days. */
  async pauseAll(s: Session, d: number | null): Promise<Reply> {
    if (!d || d > 366) return expired(s);
    const until = addDays(localDateOf(s.ctx.now, s.ctx.timeZone), d);
    const message = await this.saved(s, (x) => ({ ...x, pausedUntil: until }));
    return { kind: "update", message };
  }

  /** Asked whether to pause: keep them coming. */
  async keep(s: Session): Promise<Reply> {
    await this.service.acted(s.user.id);
    return {
      kind: "update",
      message: await this.current(s, tr(s.ctx).t("checkin.continueSummary"), [
        ...tr(s.ctx).rich("checkin.continue"),
        " ",
      ]),
    };
  }

  /** The schedule as it stands, after `lead`; bare `checkins` adds how to change it. */
  private async current(s: Session, summary: string, lead: RichText): Promise<Message> {
    const schedule = await this.service.schedule(s.user);
    const row = await this.service.row(s.user.id);
    const described = describeSchedule(schedule, row?.next_checkin_at ?? null, s.ctx);
    if (lead.length > 0) {
      return { summary, blocks: [{ type: "text", text: [...lead, ...described] }] };
    }
    return {
      summary,
      blocks: [
        { type: "text", text: described },
        {
          type: "context",
          text: tr(s.ctx).rich("problem.try", { command: { command: CHECKINS_USAGE } }),
        },
      ],
    };
  }

  private async saved(
    s: Session,
    change: (x: CheckinSchedule) => CheckinSchedule,
    locale = s.ctx.locale,
  ) {
    const { schedule, row } = await this.service.update(s.user, change);
    await this.service.acted(s.user.id);
    return settingsSavedMessage(schedule, row.next_checkin_at, { ...s.ctx, locale });
  }

  /** The check-in redrawn after a click, with what just happened on top. */
  private async redraw(s: Session, note: RichText, key: string | null): Promise<Reply> {
    const views = await this.goals.list(s.user, ["active"]);
    return {
      kind: "update",
      message: checkinMessage(views, s.ctx, { note, ...(key ? { key } : {}) }),
    };
  }
}
