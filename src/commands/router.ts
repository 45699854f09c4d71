import type { Kysely } from "kysely";
import type { Database, Platform } from "../db/types.ts";
import { CatalogRepository } from "../domain/catalog/repository.ts";
import { matchCredential, searchCatalog } from "../domain/catalog/search.ts";
import { type GoalMatch, matchGoal, splitGoalAndNote } from "../domain/goals/match.ts";
import type { GoalRow } from "../domain/goals/repository.ts";
import { type GoalError, GoalService, type GoalView, OPEN } from "../domain/goals/service.ts";
import { UserRepository } from "../domain/users/repository.ts";
import { UserService } from "../domain/users/service.ts";
import {
  attachBadgeFile,
  MAX_BADGE_FILE_BYTES,
  requestVerification,
} from "../domain/verification/service.ts";
import {
  catalogMessage,
  completedMessage,
  goalCreatedMessage,
  goalsMessage,
  helpMessage,
  loggedMessage,
  pickCredentialMessage,
  pickGoalMessage,
  problemMessage,
  statusChangedMessage,
} from "../messages/goals.ts";
import { type Form, type Message, privateReply, type Reply } from "../messages/model.ts";
import type { JobQueue } from "../ports.ts";
import type { Clock } from "../time/clock.ts";
import {
  badgeAttachedMessage,
  badgeTooLargeMessage,
  isBadgeFile,
  noCompletionMessage,
  notABadgeMessage,
} from "./badge-file.ts";
import type { Actor, Core, FormResult, SharedFile } from "./core.ts";
import { parseTargetDate } from "./dates.ts";
import {
  type FeatureCommand,
  type FeatureFactory,
  int,
  num,
  readPayload,
  type Session,
  str,
} from "./feature.ts";
import { FEATURES } from "./features.ts";
import {
  MAX_COMMAND_LENGTH,
  MAX_HOURS_PER_LOG,
  MAX_HOURS_PER_WEEK,
  MAX_NOTE_LENGTH,
  MAX_TITLE_LENGTH,
  parseCommand,
  parseDuration,
} from "./grammar.ts";

export interface CoreDeps {
  db: Kysely<Database>;
  clock: Clock;
  /** Background work; absent in tests that need none. */
  jobs?: JobQueue;
  admins?: readonly string[];
}

const noJobs: JobQueue = {
  async enqueue(job) {
    throw new Error(`No job queue to run ${job}`);
  },
};

/** What the command word looks like on each platform, for help and usage lines. */
export const COMMAND_PREFIX: Record<Platform, string> = { slack: "/learn", teams: "learn" };

const CATALOG_PAGE = 8;

export function createCore(deps: CoreDeps, factories: FeatureFactory[] = FEATURES): Core {
  const users = new UserService(new UserRepository(deps.db), deps.clock);
  const catalog = new CatalogRepository(deps.db);
  const goals = new GoalService(deps.db, deps.clock);
  const features = factories.map((make) =>
    make({
      ...deps,
      goals,
      catalog,
      users,
      jobs: deps.jobs ?? noJobs,
      admins: deps.admins ?? [],
    }),
  );
  const featureCommands = new Map<string, FeatureCommand>();
  for (const command of features.flatMap((f) => f.commands ?? [])) {
    for (const word of [command.name, ...(command.aliases ?? [])])
      featureCommands.set(word, command);
  }
  const featureActions = new Map(features.flatMap((f) => Object.entries(f.actions ?? {})));
  const featureForms = new Map(features.flatMap((f) => Object.entries(f.forms ?? {})));
  const extraHelp = features
    .flatMap((f) => f.commands ?? [])
    .filter((c) => c.listed !== false)
    .map((c) => ({ usage: c.usage, description: c.description }));

  async function session(actor: Actor): Promise<Session> {
    const user = await users.identify(actor);
    return {
      actor,
      user,
      ctx: {
        now: deps.clock.now(),
        timeZone: user.time_zone,
        commandPrefix: COMMAND_PREFIX[actor.platform],
      },
    };
  }

  const say = (message: Message): Reply => privateReply(message);
  const problem = (s: Session, message: string, usage: string | null = null) =>
    say(problemMessage(message, usage, s.ctx));

  function goalProblem(s: Session, e: GoalError): Reply {
    if (e.error === "duplicate") {
      return problem(s, `You already have a goal for ${e.existing.title}.`, "goals");
    }
    if (e.error === "closed") {
      return problem(s, `${e.goal.title} is ${e.goal.status} — there's nothing more to do there.`);
    }
    return problem(s, "I couldn't find that goal.", "goals");
  }

  /** Turns a goal match into either the goal, or a reply asking which one. */
  function resolve(
    s: Session,
    match: GoalMatch,
    query: string,
    action: string,
    extra: Record<string, unknown> = {},
  ): GoalRow | Reply {
    if (match.kind === "one") return match.goal;
    if (match.goals.length === 0) {
      return problem(s, "You have no open goals yet.", "goal <credential> by <date> 3h/week");
    }
    const question =
      match.kind === "several"
        ? query
          ? `Several goals match “${query}”. Which one?`
          : "Which goal?"
        : `I couldn't find a goal matching “${query}”. Did you mean one of these?`;
    return say(pickGoalMessage(question, match.goals, action, extra));
  }

  async function createGoal(
    s: Session,
    input: {
      credentialId: number | null;
      title: string | null;
      d: string | null;
      h: number | null;
    },
  ): Promise<Reply> {
    const credential = input.credentialId ? await catalog.byId(input.credentialId) : undefined;
    if (input.credentialId && !credential)
      return problem(s, "That credential is no longer in the catalog.");
    const title = (credential?.title ?? input.title ?? "").trim();
    if (!title || title.length > MAX_TITLE_LENGTH)
      return problem(s, "That goal needs a name.", "goal");
    const result = await goals.create(s.user, {
      credential: credential ?? null,
      title,
      targetDate: input.d,
      hoursPerWeek: input.h,
    });
    if ("error" in result) return goalProblem(s, result);
    return say(goalCreatedMessage(result.view, s.ctx, result.defaultedHours));
  }

  async function logHours(s: Session, goalId: number, hours: number, note: string | null) {
    const result = await goals.log(s.user, goalId, hours, note);
    if ("error" in result) return goalProblem(s, result);
    return say(loggedMessage(result.view, hours, s.ctx, result.resumed));
  }

  async function complete(s: Session, goalId: number, evidenceUrl: string | null) {
    const result = await goals.complete(s.user, goalId, evidenceUrl);
    if ("error" in result) return goalProblem(s, result);
    // Checking a badge fetches it, so it runs as a job; without a queue it stays unverified.
    const verification =
      evidenceUrl && deps.jobs ? await requestVerification(deps.db, deps.jobs, goalId) : undefined;
    return say(completedMessage(result.view, evidenceUrl, verification));
  }

  async function changeStatus(s: Session, goalId: number, to: "active" | "paused" | "dropped") {
    const result = await goals.changeStatus(s.user, goalId, to);
    if ("error" in result) return goalProblem(s, result);
    return say(statusChangedMessage(result.view, to));
  }

  const openGoals = async (s: Session) =>
    (await goals.list(s.user, OPEN)).map((v: GoalView) => v.goal);

  function newGoalForm(entries: { id: number; title: string; provider: string }[]): Form {
    return {
      id: "goal.new",
      title: "New learning goal",
      submitLabel: "Set goal",
      intro: ["Pick a credential from the catalog, or describe your own goal."],
      inputs: [
        {
          type: "select",
          id: "credential",
          label: "Credential",
          optional: true,
          options: entries.slice(0, 100).map((e) => ({
            label: `${e.title} (${e.provider})`.slice(0, 75),
            value: String(e.id),
          })),
        },
        {
          type: "text",
          id: "title",
          label: "…or your own goal",
          optional: true,
          maxLength: MAX_TITLE_LENGTH,
          placeholder: "e.g. Finish the Rust book",
        },
        { type: "date", id: "target", label: "Target date", optional: true },
        {
          type: "number",
          id: "hours",
          label: "Hours per week",
          optional: true,
          decimal: true,
          min: 0.5,
          max: MAX_HOURS_PER_WEEK,
        },
      ],
    };
  }

  return {
    async command(actor, text) {
      const s = await session(actor);
      const trimmed = text.trim();
      const word = trimmed.split(/\s+/, 1)[0]?.toLowerCase() ?? "";
      const feature = featureCommands.get(word);
      if (feature && trimmed.length <= MAX_COMMAND_LENGTH) {
        return feature.run(s, trimmed.slice(word.length).trim());
      }
      const cmd = parseCommand(text, { now: s.ctx.now, timeZone: s.ctx.timeZone });
      switch (cmd.type) {
        case "invalid":
          return problem(s, cmd.message, cmd.usage);
        case "help":
          return say(helpMessage(s.ctx, extraHelp));
        case "goals":
          return say(goalsMessage(await goals.list(s.user), s.ctx));
        case "catalog": {
          const entries = searchCatalog(await catalog.all(), cmd.query, CATALOG_PAGE);
          return say(catalogMessage(entries, cmd.query, s.ctx));
        }
        case "goal": {
          const match = matchCredential(await catalog.all(), cmd.query);
          const pending = { d: cmd.targetDate, h: cmd.hoursPerWeek };
          if (match.kind === "ambiguous") {
            return say(pickCredentialMessage(cmd.query, match.candidates, pending));
          }
          return createGoal(s, {
            credentialId: match.kind === "exact" ? match.entry.id : null,
            title: cmd.query,
            ...pending,
          });
        }
        case "log": {
          const open = await openGoals(s);
          const { match, note } = splitGoalAndNote(open, cmd.rest);
          if (note && note.length > MAX_NOTE_LENGTH) {
            return problem(s, `Keep the note under ${MAX_NOTE_LENGTH} characters.`, "log");
          }
          const goal = resolve(s, match, cmd.rest, "goal.log", { h: cmd.hours, n: note });
          if ("kind" in goal) return goal;
          return logHours(s, goal.id, cmd.hours, note);
        }
        case "done": {
          const open = await openGoals(s);
          const goal = resolve(s, matchGoal(open, cmd.goal), cmd.goal, "goal.done", {
            u: cmd.evidenceUrl,
          });
          if ("kind" in goal) return goal;
          return complete(s, goal.id, cmd.evidenceUrl);
        }
        case "pause":
        case "resume":
        case "drop": {
          const open = await openGoals(s);
          const candidates = open.filter((g) =>
            cmd.type === "pause"
              ? g.status === "active"
              : cmd.type === "resume"
                ? g.status === "paused"
                : true,
          );
          const goal = resolve(s, matchGoal(candidates, cmd.goal), cmd.goal, `goal.${cmd.type}`);
          if ("kind" in goal) return goal;
          const to = cmd.type === "pause" ? "paused" : cmd.type === "resume" ? "active" : "dropped";
          return changeStatus(s, goal.id, to);
        }
      }
    },

    async action(actor, action, value) {
      const reply = await handleAction(actor, action, value);
      // A click answers in place of the message that carried the button, not below it.
      return reply.kind === "message" ? { kind: "update", message: reply.message } : reply;
    },

    submit,
    home,
    file,
  };

  /** A badge shared as a file goes to the latest completion that isn't verified yet. */
  async function file(actor: Actor, shared: SharedFile): Promise<Reply> {
    const s = await session(actor);
    if (!isBadgeFile(shared.name, shared.contentType)) return say(notABadgeMessage(shared.name));
    const tooLarge = say(badgeTooLargeMessage(MAX_BADGE_FILE_BYTES));
    if (shared.size > MAX_BADGE_FILE_BYTES) return tooLarge;
    const bytes = await shared.bytes(MAX_BADGE_FILE_BYTES);
    if (bytes.byteLength > MAX_BADGE_FILE_BYTES) return tooLarge;
    if (bytes.byteLength === 0) return say(notABadgeMessage(shared.name));
    const attached = await attachBadgeFile(deps.db, deps.jobs ?? noJobs, s.user.id, bytes);
    if (!attached) return say(noCompletionMessage(s.ctx.commandPrefix));
    return say(badgeAttachedMessage(attached.goalTitle, attached.status));
  }

  async function handleAction(actor: Actor, action: string, value: string): Promise<Reply> {
    const s = await session(actor);
    const p = readPayload(value);
    const featureAction = featureActions.get(action);
    if (featureAction) return featureAction(s, p);
    const g = int(p.g);
    switch (action) {
      case "goal.new":
        return { kind: "form", form: newGoalForm(await catalog.all()) };
      case "goals.show":
        return say(goalsMessage(await goals.list(s.user), s.ctx));
      case "goal.create":
        return createGoal(s, {
          credentialId: int(p.c),
          title: str(p.t),
          d: str(p.d),
          h: num(p.h),
        });
      case "goal.log": {
        const h = num(p.h);
        if (!g || !h || h <= 0 || h > MAX_HOURS_PER_LOG)
          return problem(s, "That button has expired.");
        return logHours(s, g, h, str(p.n)?.slice(0, MAX_NOTE_LENGTH) ?? null);
      }
      case "goal.done":
        if (!g) return problem(s, "That button has expired.");
        return complete(s, g, str(p.u));
      case "goal.pause":
      case "goal.resume":
      case "goal.drop": {
        if (!g) return problem(s, "That button has expired.");
        const to =
          action === "goal.pause" ? "paused" : action === "goal.resume" ? "active" : "dropped";
        return changeStatus(s, g, to);
      }
      default:
        return problem(s, "That button isn't something I know how to handle any more.");
    }
  }

  async function submit(
    actor: Actor,
    formId: string,
    state: string | undefined,
    values: Record<string, string | undefined>,
  ): Promise<FormResult> {
    const s = await session(actor);
    const featureForm = featureForms.get(formId);
    if (featureForm) return featureForm(s, state, values);
    if (formId !== "goal.new") {
      return { ok: true, reply: problem(s, "That form has expired.") };
    }
    const errors: Record<string, string> = {};
    const credentialId = values.credential ? Number(values.credential) : null;
    const title = values.title?.trim() || null;
    if (!credentialId && !title) errors.title = "Pick a credential or describe your goal.";
    if (title && title.length > MAX_TITLE_LENGTH) {
      errors.title = `Keep it under ${MAX_TITLE_LENGTH} characters.`;
    }
    let d: string | null = null;
    if (values.target) {
      const parsed = parseTargetDate(values.target, s.ctx.now, s.ctx.timeZone);
      if (parsed.ok) d = parsed.date;
      else errors.target = parsed.message;
    }
    let h: number | null = null;
    if (values.hours) {
      const parsed = parseDuration(values.hours);
      if (!parsed || parsed.rest || parsed.hours <= 0 || parsed.hours > MAX_HOURS_PER_WEEK) {
        errors.hours = `Enter hours per week between 0.5 and ${MAX_HOURS_PER_WEEK}.`;
      } else h = parsed.hours;
    }
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    return {
      ok: true,
      reply: await createGoal(s, { credentialId, title: credentialId ? null : title, d, h }),
    };
  }

  async function home(actor: Actor): Promise<Message> {
    const s = await session(actor);
    const message = goalsMessage(await goals.list(s.user), s.ctx);
    if (
      message.blocks.some(
        (b) => b.type === "actions" && b.buttons.some((x) => x.action === "goal.new"),
      )
    ) {
      return message;
    }
    return {
      ...message,
      blocks: [
        ...message.blocks,
        { type: "divider" },
        {
          type: "actions",
          buttons: [{ label: "New goal", action: "goal.new", value: "{}", style: "primary" }],
        },
      ],
    };
  }
}
