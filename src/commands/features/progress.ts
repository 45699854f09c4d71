import { matchGoal } from "../../domain/goals/match.ts";
import type { Correction, CorrectionError, ProgressChange } from "../../domain/goals/service.ts";
import { pickGoalMessage, problemMessage } from "../../messages/goals.ts";
import { type Message, privateReply, type Reply, type RichText } from "../../messages/model.ts";
import {
  changeHoursForm,
  correctionMessage,
  correctionNote,
  exactHours,
  historyMessage,
} from "../../messages/progress.ts";
import type { FormResult } from "../core.ts";
import type { Feature, FeatureDeps, Session } from "../feature.ts";
import { int, readPayload } from "../feature.ts";
import { MAX_HOURS_PER_LOG, parseDuration } from "../grammar.ts";

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
): { ok: true; hours: number } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, error: "How many hours should it be?" };
  const d = parseDuration(trimmed);
  if (!d || d.rest)
    return { ok: false, error: `"${trimmed.slice(0, 40)}" isn't a number of hours.` };
  if (d.hours <= 0) return { ok: false, error: "Log more than 0 hours." };
  if (d.hours > MAX_HOURS_PER_LOG) {
    return {
      ok: false,
      error: `${d.hours} h is more than a day; log at most ${MAX_HOURS_PER_LOG} h at once.`,
    };
  }
  return { ok: true, hours: d.hours };
}

/** Seeing, undoing and changing your own logged time; every change is audited. */
export function progressFeature(deps: FeatureDeps): Feature {
  const { goals } = deps;
  const say = (message: Message): Reply => privateReply(message);
  const problem = (text: string, usage: string | null = null) => say(problemMessage(text, usage));

  function refusal(e: CorrectionError): string {
    switch (e.error) {
      case "gone":
        return "That entry isn't there any more — it may already have been removed.";
      case "not_yours":
        return "You can only change your own progress entries.";
      case "completed":
        return `${e.entry.goalTitle} is completed, so its logged hours stay as they are.`;
      case "unchanged":
        return `That entry already has ${exactHours(e.entry.hours)}.`;
    }
  }

  async function history(s: Session, filter: number | null, note?: RichText): Promise<Message> {
    const goal = filter ? await goals.find(s.user, filter) : undefined;
    const entries = await goals.history(s.user, {
      ...(goal ? { goalId: goal.id } : {}),
      limit: HISTORY_SIZE,
    });
    return historyMessage(entries, s.ctx, {
      ...(goal ? { goalTitle: goal.title, filter: goal.id } : {}),
      ...(note ? { note } : {}),
    });
  }

  async function historyCommand(s: Session, args: string): Promise<Reply> {
    const query = args.trim();
    if (!query) return say(await history(s, null));
    const all = await goals.repo.listForUser(s.user.id, [...ALL_STATUSES]);
    if (all.length === 0) return problem("You have no goals yet.", "goal <credential>");
    const match = matchGoal(all, query);
    if (match.kind === "one") return say(await history(s, match.goal.id));
    const question =
      match.kind === "several"
        ? `Several goals match “${query}”. Which one?`
        : `I couldn't find a goal matching “${query}”. Did you mean one of these?`;
    return say(pickGoalMessage(question, match.goals, "progress.history", {}));
  }

  /** The person's most recent entry within the window, for `undo` and `fix`. */
  async function latest(s: Session) {
    const since = new Date(s.ctx.now.getTime() - LATEST_WITHIN_DAYS * 24 * 3600 * 1000);
    const [entry] = await goals.history(s.user, { since, limit: 1 });
    return entry;
  }

  const nothingRecent = () =>
    problem(
      `You have no progress from the last ${LATEST_WITHIN_DAYS} days. Older entries can be changed from your history.`,
      HISTORY_USAGE,
    );

  async function correctLatest(s: Session, change: ProgressChange): Promise<Reply> {
    const entry = await latest(s);
    if (!entry) return nothingRecent();
    const result = await goals.correct(s.user, entry.id, change);
    if ("error" in result) return problem(refusal(result));
    return say(correctionMessage(result, s.ctx));
  }

  /** After a click on a history row: the list again, with what happened on top. */
  async function redraw(
    s: Session,
    filter: number | null,
    result: Correction | CorrectionError,
  ): Promise<Reply> {
    const note: RichText = "error" in result ? [refusal(result)] : correctionNote(result, s.ctx);
    return { kind: "update", message: await history(s, filter, note) };
  }

  async function saveHours(
    s: Session,
    state: string | undefined,
    values: Record<string, string | undefined>,
  ): Promise<FormResult> {
    const e = int(readPayload(state ?? "").e);
    if (!e) return { ok: true, reply: problem("That form has expired.") };
    const hours = readHours(values.hours ?? "");
    if (!hours.ok) return { ok: false, errors: { hours: hours.error } };
    const result = await goals.correct(s.user, e, { hours: hours.hours });
    // A form can't redraw the list behind it, so the result arrives as a reply.
    if ("error" in result) return { ok: true, reply: problem(refusal(result)) };
    return { ok: true, reply: say(correctionMessage(result, s.ctx)) };
  }

  return {
    name: "progress",
    commands: [
      {
        name: "history",
        usage: HISTORY_USAGE,
        description: "Your recent logged time, to undo or change an entry.",
        run: historyCommand,
      },
      {
        name: "undo",
        usage: "undo",
        description: `Remove your latest logged time (last ${LATEST_WITHIN_DAYS} days).`,
        async run(s, args) {
          if (args.trim()) {
            return problem(
              "Undo takes no words: it removes your latest entry. Pick another from your history.",
              HISTORY_USAGE,
            );
          }
          return correctLatest(s, { delete: true });
        },
      },
      {
        name: "fix",
        usage: FIX_USAGE,
        description: "Change the hours of your latest logged time.",
        async run(s, args) {
          const hours = readHours(args);
          if (!hours.ok) return problem(hours.error, FIX_USAGE);
          return correctLatest(s, { hours: hours.hours });
        },
      },
    ],
    actions: {
      async "progress.history"(s, p) {
        const g = int(p.g);
        if (!g) return problem("That button has expired.");
        return say(await history(s, g));
      },
      async "progress.undo"(s, p) {
        const e = int(p.e);
        if (!e) return problem("That button has expired.");
        return redraw(s, int(p.f), await goals.correct(s.user, e, { delete: true }));
      },
      async "progress.change"(s, p) {
        const e = int(p.e);
        if (!e) return problem("That button has expired.");
        const entry = await goals.repo.progressEntry(e);
        // The button's value comes from the client: the entry must be the clicker's own.
        const refused: CorrectionError | null = !entry
          ? { error: "gone" }
          : entry.userId !== s.user.id
            ? { error: "not_yours" }
            : entry.goalStatus === "completed"
              ? { error: "completed", entry }
              : null;
        if (refused || !entry) return redraw(s, int(p.f), refused ?? { error: "gone" });
        return {
          kind: "form",
          form: changeHoursForm(entry, s.ctx, int(p.f) ?? undefined, MAX_HOURS_PER_LOG),
        };
      },
    },
    forms: {
      "progress.fix": saveHours,
    },
  };
}
