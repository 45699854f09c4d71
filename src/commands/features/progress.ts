import { matchGoal } from "../../domain/goals/match.ts";
import type {
  Correction,
  CorrectionError,
  GoalService,
  ProgressChange,
} from "../../domain/goals/service.ts";
import type { Phrase } from "../../i18n/index.ts";
import { pickGoalMessage, problemMessage, tr } from "../../messages/goals.ts";
import { type Message, privateReply, type Reply, type RichText } from "../../messages/model.ts";
import {
  changeHoursForm,
  correctionMessage,
  correctionNote,
  historyMessage,
} from "../../messages/progress.ts";
import type { FormResult } from "../core.ts";
import type { Feature, FeatureDeps, Session } from "../feature.ts";
import { int, problemIn, readPayload } from "../feature.ts";
import { hoursProblem, MAX_HOURS_PER_LOG, parseDuration } from "../grammar.ts";

/** How many entries `history` shows. */
export const HISTORY_SIZE = 10;
/** `undo` and `fix` reach back this far; older entries are corrected from `history`. */
export const LATEST_WITHIN_DAYS = 7;

const HISTORY_USAGE = "history [goal]";
const FIX_USAGE = "fix <hours>";
const ALL_STATUSES = ["active", "paused", "completed", "dropped"] as const;

/** The same rule as `log`: more than 0 and at most the per-log maximum. */
export function readHours(
  text: string,
): { ok: true; hours: number } | { ok: false; error: Phrase } {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, error: { key: "parse.hoursEmpty" } };
  const d = parseDuration(trimmed);
  if (!d || d.rest) {
    return { ok: false, error: { key: "parse.notHours", values: { text: trimmed.slice(0, 40) } } };
  }
  const wrong = hoursProblem(d.hours);
  return wrong ? { ok: false, error: wrong } : { ok: true, hours: d.hours };
}

const say = (message: Message): Reply => privateReply(message);
const expired = (s: Session) => problemIn(s, "error.expired");

/** Why a correction was refused, in the person's language. */
function refusal(s: Session, e: CorrectionError): string {
  const t = tr(s.ctx);
  switch (e.error) {
    case "gone":
      return t.t("progress.gone");
    case "not_yours":
      return t.t("progress.notYours");
    case "completed":
      return t.t("progress.completed", { title: e.entry.goalTitle });
    case "unchanged":
      return t.t("progress.unchanged", { hours: t.exactHours(e.entry.hours) });
  }
}
const refused = (s: Session, e: CorrectionError) =>
  say(problemMessage(refusal(s, e), null, s.ctx.locale));

/** Seeing, undoing and changing your own logged time; every change is audited. */
export function progressFeature(deps: FeatureDeps): Feature {
  const progress = new Progress(deps);
  return {
    name: "progress",
    commands: [
      {
        name: "history",
        usage: HISTORY_USAGE,
        description: "Your recent logged time, to undo or change an entry.",
        run: (s, args) => progress.historyCommand(s, args),
      },
      {
        name: "undo",
        usage: "undo",
        description: `Remove your latest logged time (last ${LATEST_WITHIN_DAYS} days).`,
        run: (s, args) => progress.undo(s, args),
      },
      {
        name: "fix",
        usage: FIX_USAGE,
        description: "Change the hours of your latest logged time.",
        run: (s, args) => progress.fix(s, args),
      },
    ],
    actions: {
      "progress.history": async (s, p) => {
        const g = int(p.g);
        return g ? say(await progress.history(s, g)) : expired(s);
      },
      "progress.undo": (s, p) => progress.undoEntry(s, int(p.e), int(p.f)),
      "progress.change": (s, p) => progress.changeForm(s, int(p.e), int(p.f)),
    },
    forms: {
      "progress.fix": (s, state, values) => progress.saveHours(s, state, values),
    },
  };
}

class Progress {
  private readonly goals: GoalService;

  constructor(deps: FeatureDeps) {
    this.goals = deps.goals;
  }

  async history(s: Session, filter: number | null, note?: RichText): Promise<Message> {
    const goal = filter ? await this.goals.find(s.user, filter) : undefined;
    const entries = await this.goals.history(s.user, {
      ...(goal ? { goalId: goal.id } : {}),
      limit: HISTORY_SIZE,
    });
    return historyMessage(entries, s.ctx, {
      ...(goal ? { goalTitle: goal.title, filter: goal.id } : {}),
      ...(note ? { note } : {}),
    });
  }

  async historyCommand(s: Session, args: string): Promise<Reply> {
    const query = args.trim();
    if (!query) return say(await this.history(s, null));
    const all = await this.goals.repo.listForUser(s.user.id, [...ALL_STATUSES]);
    if (all.length === 0) return problemIn(s, "progress.noGoals", {}, "goal <credential>");
    const match = matchGoal(all, query);
    if (match.kind === "one") return say(await this.history(s, match.goal.id));
    const question = tr(s.ctx).t("pick.goal", {
      kind: match.kind === "several" ? "several" : "none",
      query,
    });
    return say(pickGoalMessage(question, match.goals, "progress.history", {}));
  }

  async undo(s: Session, args: string): Promise<Reply> {
    if (args.trim()) {
      return problemIn(s, "progress.undoNoWords", {}, HISTORY_USAGE);
    }
    return this.correctLatest(s, { delete: true });
  }

  async fix(s: Session, args: string): Promise<Reply> {
    const hours = readHours(args);
    if (!hours.ok) return say(problemMessage(tr(s.ctx).say(hours.error), FIX_USAGE, s.ctx.locale));
    return this.correctLatest(s, { hours: hours.hours });
  }

  /** The Remove button of a history row. */
  async undoEntry(s: Session, entryId: number | null, filter: number | null): Promise<Reply> {
    if (!entryId) return expired(s);
    return this.redraw(s, filter, await this.goals.correct(s.user, entryId, { delete: true }));
  }

  /** The Change button of a history row: a form for the new hours. */
  async changeForm(s: Session, entryId: number | null, filter: number | null): Promise<Reply> {
    if (!entryId) return expired(s);
    const entry = await this.goals.repo.progressEntry(entryId);
    // The button's value comes from the client: the entry must be the clicker's own.
    const refused: CorrectionError | null = !entry
      ? { error: "gone" }
      : entry.userId !== s.user.id
        ? { error: "not_yours" }
        : entry.goalStatus === "completed"
          ? { error: "completed", entry }
          : null;
    if (refused || !entry) return this.redraw(s, filter, refused ?? { error: "gone" });
    return {
      kind: "form",
      form: changeHoursForm(entry, s.ctx, filter ?? undefined, MAX_HOURS_PER_LOG),
    };
  }

  async saveHours(
    s: Session,
    state: string | undefined,
    values: Record<string, string | undefined>,
  ): Promise<FormResult> {
    const e = int(readPayload(state ?? "").e);
    if (!e) return { ok: true, reply: problemIn(s, "error.formExpired") };
    const hours = readHours(values.hours ?? "");
    if (!hours.ok) return { ok: false, errors: { hours: tr(s.ctx).say(hours.error) } };
    const result = await this.goals.correct(s.user, e, { hours: hours.hours });
    // A form can't redraw the list behind it, so the result arrives as a reply.
    if ("error" in result) return { ok: true, reply: refused(s, result) };
    return { ok: true, reply: say(correctionMessage(result, s.ctx)) };
  }

  /** The person's most recent entry within the window, for `undo` and `fix`. */
  private async latest(s: Session) {
    const since = new Date(s.ctx.now.getTime() - LATEST_WITHIN_DAYS * 24 * 3600 * 1000);
    const [entry] = await this.goals.history(s.user, { since, limit: 1 });
    return entry;
  }

  private async correctLatest(s: Session, change: ProgressChange): Promise<Reply> {
    const entry = await this.latest(s);
    if (!entry) {
      return problemIn(s, "progress.noneRecent", { days: LATEST_WITHIN_DAYS }, HISTORY_USAGE);
    }
    const result = await this.goals.correct(s.user, entry.id, change);
    if ("error" in result) return refused(s, result);
    return say(correctionMessage(result, s.ctx));
  }

  /** After a click on a history row: the list again, with what happened on top. */
  private async redraw(
    s: Session,
    filter: number | null,
    result: Correction | CorrectionError,
  ): Promise<Reply> {
    const note: RichText = "error" in result ? [refusal(s, result)] : correctionNote(result, s.ctx);
    return { kind: "update", message: await this.history(s, filter, note) };
  }
}
