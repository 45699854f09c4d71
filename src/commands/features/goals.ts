import { matchCredential, searchCatalog } from "../../domain/catalog/search.ts";
import { type GoalMatch, matchGoal, splitGoalAndNote } from "../../domain/goals/match.ts";
import type { GoalRow } from "../../domain/goals/repository.ts";
import { type GoalError, OPEN } from "../../domain/goals/service.ts";
import { requestVerification } from "../../domain/verification/service.ts";
import { translator } from "../../i18n/index.ts";
import {
  catalogMessage,
  completedMessage,
  goalCreatedMessage,
  goalsMessage,
  loggedMessage,
  pickCredentialMessage,
  pickGoalMessage,
  statusChangedMessage,
  tr,
} from "../../messages/goals.ts";
import type { Form, Message, Reply } from "../../messages/model.ts";
import { parseTargetDate } from "../dates.ts";
import {
  type Feature,
  type FeatureCommand,
  type FeatureDeps,
  int,
  invalidIn,
  num,
  problemIn,
  type Session,
  say,
  str,
} from "../feature.ts";
import {
  COMMANDS,
  type CommandName,
  MAX_HOURS_PER_LOG,
  MAX_HOURS_PER_WEEK,
  MAX_NOTE_LENGTH,
  MAX_TITLE_LENGTH,
  normalizeArgs,
  parseDone,
  parseDuration,
  parseGoal,
  parseLog,
} from "../grammar.ts";

const CATALOG_PAGE = 8;
type Status = "active" | "paused" | "dropped";
const STATUS_OF = { pause: "paused", resume: "active", drop: "dropped" } as const;

/** What a new goal is made of, from a command, a button or the form. */
interface NewGoal {
  credentialId: number | null;
  title: string | null;
  d: string | null;
  h: number | null;
}

/**
 * The goal loop: set a goal, log time, finish it (with evidence), pause, resume or drop it, and
 * browse the catalog. Its view of a person's goals is their home.
 */
export function goalsFeature(deps: FeatureDeps): Feature {
  const loop = new GoalLoop(deps);
  return {
    name: "goals",
    commands: loop.commands(),
    actions: {
      "goal.new": async (s) => ({
        kind: "form",
        form: newGoalForm(await deps.catalog.all(), s.ctx.locale),
      }),
      "goals.show": (s) => loop.list(s),
      "goal.create": (s, p) =>
        loop.create(s, { credentialId: int(p.c), title: str(p.t), d: str(p.d), h: num(p.h) }),
      "goal.log": async (s, p) => {
        const g = int(p.g);
        const h = num(p.h);
        if (!g || !h || h <= 0 || h > MAX_HOURS_PER_LOG) return expired(s);
        return loop.log(s, g, h, str(p.n)?.slice(0, MAX_NOTE_LENGTH) ?? null);
      },
      "goal.done": async (s, p) => {
        const g = int(p.g);
        return g ? loop.complete(s, g, str(p.u)) : expired(s);
      },
      "goal.pause": (s, p) => loop.changeStatusByButton(s, int(p.g), "paused"),
      "goal.resume": (s, p) => loop.changeStatusByButton(s, int(p.g), "active"),
      "goal.drop": (s, p) => loop.changeStatusByButton(s, int(p.g), "dropped"),
    },
    forms: {
      "goal.new": async (s, _state, values) => {
        const read = readNewGoalForm(s, values);
        if ("errors" in read) return { ok: false, errors: read.errors };
        return { ok: true, reply: await loop.create(s, read) };
      },
    },
    home: (s) => loop.home(s),
  };
}

const expired = (s: Session) => problemIn(s, "error.expired");

class GoalLoop {
  constructor(private readonly deps: FeatureDeps) {}

  /** The commands, in the order help lists them, with the words each answers to. */
  commands(): FeatureCommand[] {
    const command = (
      name: CommandName,
      aliases: string[],
      run: (s: Session, args: string) => Promise<Reply>,
    ): FeatureCommand => {
      const { usage, description } = COMMANDS.find((c) => c.name === name)!;
      return { name, aliases, usage, description, run: (s, args) => run(s, normalizeArgs(args)) };
    };
    return [
      command("goal", ["new"], (s, args) => this.goalCommand(s, args)),
      command("goals", ["list", "status"], (s) => this.list(s)),
      command("log", [], (s, args) => this.logCommand(s, args)),
      command("done", ["complete", "completed"], (s, args) => this.doneCommand(s, args)),
      command("catalog", ["browse", "search"], (s, args) => this.catalog(args, s.ctx.locale)),
      command("pause", [], (s, args) => this.statusCommand(s, "pause", args)),
      command("resume", [], (s, args) => this.statusCommand(s, "resume", args)),
      command("drop", [], (s, args) => this.statusCommand(s, "drop", args)),
    ];
  }

  async list(s: Session): Promise<Reply> {
    return say(goalsMessage(await this.deps.goals.list(s.user), s.ctx));
  }

  async catalog(query: string, locale?: string): Promise<Reply> {
    const q = query.slice(0, MAX_TITLE_LENGTH);
    const entries = searchCatalog(await this.deps.catalog.all(), q, CATALOG_PAGE);
    return say(catalogMessage(entries, q, locale));
  }

  private async goalCommand(s: Session, args: string): Promise<Reply> {
    const cmd = parseGoal(args, s.ctx);
    if (cmd.type === "invalid") return invalidIn(s, cmd);
    const match = matchCredential(await this.deps.catalog.all(), cmd.query);
    const pending = { d: cmd.targetDate, h: cmd.hoursPerWeek };
    if (match.kind === "ambiguous") {
      return say(pickCredentialMessage(cmd.query, match.candidates, pending, s.ctx.locale));
    }
    return this.create(s, {
      credentialId: match.kind === "exact" ? match.entry.id : null,
      title: cmd.query,
      ...pending,
    });
  }

  private async logCommand(s: Session, args: string): Promise<Reply> {
    const cmd = parseLog(args);
    if (cmd.type === "invalid") return invalidIn(s, cmd);
    const { match, note } = splitGoalAndNote(await this.openGoals(s), cmd.rest);
    if (note && note.length > MAX_NOTE_LENGTH) {
      return problemIn(s, "error.noteTooLong", { max: MAX_NOTE_LENGTH }, "log");
    }
    const goal = this.resolve(s, match, cmd.rest, "goal.log", { h: cmd.hours, n: note });
    if ("kind" in goal) return goal;
    return this.log(s, goal.id, cmd.hours, note);
  }

  private async doneCommand(s: Session, args: string): Promise<Reply> {
    const cmd = parseDone(args);
    if (cmd.type === "invalid") return invalidIn(s, cmd);
    const match = matchGoal(await this.openGoals(s), cmd.goal);
    const goal = this.resolve(s, match, cmd.goal, "goal.done", { u: cmd.evidenceUrl });
    if ("kind" in goal) return goal;
    return this.complete(s, goal.id, cmd.evidenceUrl);
  }

  private async statusCommand(
    s: Session,
    word: keyof typeof STATUS_OF,
    query: string,
  ): Promise<Reply> {
    const open = await this.openGoals(s);
    const candidates = open.filter((g) =>
      word === "pause" ? g.status === "active" : word === "resume" ? g.status === "paused" : true,
    );
    const goal = this.resolve(s, matchGoal(candidates, query), query, `goal.${word}`);
    if ("kind" in goal) return goal;
    return this.changeStatus(s, goal.id, STATUS_OF[word]);
  }

  async create(s: Session, input: NewGoal): Promise<Reply> {
    const { catalog, goals } = this.deps;
    const credential = input.credentialId ? await catalog.byId(input.credentialId) : undefined;
    if (input.credentialId && !credential) return problemIn(s, "error.credentialGone");
    const title = (credential?.title ?? input.title ?? "").trim();
    if (!title || title.length > MAX_TITLE_LENGTH)
      return problemIn(s, "error.goalNeedsName", {}, "goal");
    const result = await goals.create(s.user, {
      credential: credential ?? null,
      title,
      targetDate: input.d,
      hoursPerWeek: input.h,
    });
    if ("error" in result) return goalProblem(s, result);
    return say(goalCreatedMessage(result.view, s.ctx, result.defaultedHours));
  }

  async log(s: Session, goalId: number, hours: number, note: string | null): Promise<Reply> {
    const result = await this.deps.goals.log(s.user, goalId, hours, note);
    if ("error" in result) return goalProblem(s, result);
    return say(loggedMessage(result.view, hours, s.ctx, result.resumed));
  }

  async complete(s: Session, goalId: number, evidenceUrl: string | null): Promise<Reply> {
    const result = await this.deps.goals.complete(s.user, goalId, evidenceUrl);
    if ("error" in result) return goalProblem(s, result);
    // Checking a badge fetches it, so it runs as a job; without a queue it stays unverified.
    const verification =
      evidenceUrl && this.deps.hasJobs
        ? await requestVerification(this.deps.db, this.deps.jobs, goalId, this.deps.clock.now())
        : undefined;
    return say(completedMessage(result.view, evidenceUrl, verification, s.ctx.locale));
  }

  async changeStatusByButton(s: Session, goalId: number | null, to: Status): Promise<Reply> {
    return goalId ? this.changeStatus(s, goalId, to) : expired(s);
  }

  private async changeStatus(s: Session, goalId: number, to: Status): Promise<Reply> {
    const result = await this.deps.goals.changeStatus(s.user, goalId, to);
    if ("error" in result) return goalProblem(s, result);
    return say(statusChangedMessage(result.view, to, s.ctx.locale));
  }

  /** The person's goals with a way to start a new one, always. */
  async home(s: Session): Promise<Message> {
    const message = goalsMessage(await this.deps.goals.list(s.user), s.ctx);
    const hasNew = message.blocks.some(
      (b) => b.type === "actions" && b.buttons.some((x) => x.action === "goal.new"),
    );
    if (hasNew) return message;
    return {
      ...message,
      blocks: [
        ...message.blocks,
        { type: "divider" },
        {
          type: "actions",
          buttons: [
            {
              label: tr(s.ctx).t("button.newGoal"),
              action: "goal.new",
              value: "{}",
              style: "primary",
            },
          ],
        },
      ],
    };
  }

  private async openGoals(s: Session): Promise<GoalRow[]> {
    return (await this.deps.goals.list(s.user, OPEN)).map((v) => v.goal);
  }

  /** Turns a goal match into either the goal, or a reply asking which one. */
  private resolve(
    s: Session,
    match: GoalMatch,
    query: string,
    action: string,
    extra: Record<string, unknown> = {},
  ): GoalRow | Reply {
    if (match.kind === "one") return match.goal;
    if (match.goals.length === 0) {
      return problemIn(s, "error.noOpenGoals", {}, "goal <credential> by <date> 3h/week");
    }
    const question = tr(s.ctx).t("pick.goal", {
      kind: match.kind === "several" ? (query ? "several" : "which") : "none",
      query,
    });
    return say(pickGoalMessage(question, match.goals, action, extra));
  }
}

function goalProblem(s: Session, e: GoalError): Reply {
  if (e.error === "duplicate") {
    return problemIn(s, "error.duplicateGoal", { title: e.existing.title }, "goals");
  }
  if (e.error === "closed") {
    return problemIn(s, "error.goalClosed", { title: e.goal.title, status: e.goal.status });
  }
  return problemIn(s, "error.goalNotFound", {}, "goals");
}

/** The new-goal form's values, checked field by field. */
function readNewGoalForm(
  s: Session,
  values: Record<string, string | undefined>,
): NewGoal | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const credentialId = values.credential ? Number(values.credential) : null;
  const title = values.title?.trim() || null;
  const t = tr(s.ctx);
  if (!credentialId && !title) errors.title = t.t("goalForm.pickOne");
  if (title && title.length > MAX_TITLE_LENGTH) {
    errors.title = t.t("goalForm.titleTooLong", { max: MAX_TITLE_LENGTH });
  }
  let d: string | null = null;
  if (values.target) {
    const parsed = parseTargetDate(values.target, s.ctx);
    if (parsed.ok) d = parsed.date;
    else errors.target = t.say(parsed.message);
  }
  let h: number | null = null;
  if (values.hours) {
    const parsed = parseDuration(values.hours);
    if (!parsed || parsed.rest || parsed.hours <= 0 || parsed.hours > MAX_HOURS_PER_WEEK) {
      errors.hours = t.t("goalForm.hoursRange", { min: t.num(0.5), max: MAX_HOURS_PER_WEEK });
    } else h = parsed.hours;
  }
  if (Object.keys(errors).length > 0) return { errors };
  return { credentialId, title: credentialId ? null : title, d, h };
}

function newGoalForm(
  entries: { id: number; title: string; provider: string }[],
  locale: string | undefined,
): Form {
  const t = translator(locale);
  return {
    id: "goal.new",
    title: t.t("goalForm.title"),
    submitLabel: t.t("goalForm.submit"),
    intro: [t.t("goalForm.intro")],
    inputs: [
      {
        type: "select",
        id: "credential",
        label: t.t("goalForm.credential"),
        optional: true,
        options: entries.slice(0, 100).map((e) => ({
          label: `${e.title} (${e.provider})`.slice(0, 75),
          value: String(e.id),
        })),
      },
      {
        type: "text",
        id: "title",
        label: t.t("goalForm.own"),
        optional: true,
        maxLength: MAX_TITLE_LENGTH,
        placeholder: t.t("goalForm.ownExample"),
      },
      { type: "date", id: "target", label: t.t("goalForm.target"), optional: true },
      {
        type: "number",
        id: "hours",
        label: t.t("goalForm.hours"),
        optional: true,
        decimal: true,
        min: 0.5,
        max: MAX_HOURS_PER_WEEK,
      },
    ],
  };
}
