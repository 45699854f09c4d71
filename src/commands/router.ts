import type { Kysely } from "kysely";
import type { Database } from "../db/types.ts";
import { CatalogRepository } from "../domain/catalog/repository.ts";
import { GoalService } from "../domain/goals/service.ts";
import { UserRepository } from "../domain/users/repository.ts";
import { UserService } from "../domain/users/service.ts";
import { resolveLocale, supportedLocale } from "../i18n/index.ts";
import { RememberedLocales } from "../i18n/remembered.ts";
import { helpMessage } from "../messages/goals.ts";
import type { Reply } from "../messages/model.ts";
import type { JobQueue } from "../ports.ts";
import type { Clock } from "../time/clock.ts";
import { receiveBadgeFile } from "./badge-file.ts";
import type { Actor, Core } from "./core.ts";
import {
  type Feature,
  type FeatureCommand,
  type FeatureDeps,
  type FeatureFactory,
  invalidIn,
  problemIn,
  readPayload,
  type Session,
  say,
} from "./feature.ts";
import { goalsFeature } from "./features/goals.ts";
import { FEATURES } from "./features.ts";
import { COMMANDS, localCommand, tooLong, unknownCommand } from "./grammar.ts";

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

/**
 * The core: the goal loop plus `factories`' features, each adding commands, button actions and
 * forms by name. A later feature's word wins over an earlier one's.
 */
export function createCore(deps: CoreDeps, factories: FeatureFactory[] = FEATURES): Core {
  const users = new UserService(new UserRepository(deps.db), deps.clock);
  const shared: FeatureDeps = {
    ...deps,
    goals: new GoalService(deps.db, deps.clock),
    catalog: new CatalogRepository(deps.db),
    users,
    jobs: deps.jobs ?? noJobs,
    hasJobs: deps.jobs !== undefined,
    admins: deps.admins ?? [],
  };
  const features = [goalsFeature, ...factories].map((make) => make(shared));
  const routes = new Routes(features);
  const remembered = new RememberedLocales();
  const workspaceKey = (a: Pick<Actor, "platform" | "workspaceExternalId">) =>
    `${a.platform}:${a.workspaceExternalId}`;

  async function session(actor: Actor): Promise<Session> {
    const { user, workspaceLocale } = await users.identify(actor);
    // The person's choice, their platform's, then the workspace's (read with the person, except
    // just after a profile refresh).
    const own = supportedLocale(user.locale) ?? supportedLocale(user.platform_locale);
    const workspace = own
      ? undefined
      : supportedLocale(
          workspaceLocale !== undefined
            ? workspaceLocale
            : await users.workspaceLocale(user.workspace_id),
        );
    const locale = own ?? resolveLocale(workspace);
    remembered.remember(workspaceKey(actor), actor.userExternalId, locale, workspace ?? undefined);
    return {
      actor,
      user,
      ctx: { now: deps.clock.now(), timeZone: user.time_zone, locale },
    };
  }

  return {
    async command(actor, text) {
      return routes.command(await session(actor), text);
    },
    async action(actor, action, value) {
      const s = await session(actor);
      const handle = routes.actions.get(action);
      const reply = handle
        ? await handle(s, readPayload(value))
        : problemIn(s, "error.unknownButton");
      // A click answers in place of the message that carried the button, not below it.
      return reply.kind === "message" ? { kind: "update", message: reply.message } : reply;
    },
    async submit(actor, formId, state, values) {
      const s = await session(actor);
      const handle = routes.forms.get(formId);
      if (!handle) return { ok: true, reply: problemIn(s, "error.formExpired") };
      return handle(s, state, values);
    },
    async home(actor) {
      const s = await session(actor);
      const home = features.find((f) => f.home)?.home;
      if (!home) throw new Error("No feature draws the home view");
      return home(s);
    },
    async file(actor, file) {
      return receiveBadgeFile(shared, await session(actor), file);
    },
    profileChanged: (person) => users.profileChanged(person),
    localeOf: (person) => remembered.of(workspaceKey(person), person.userExternalId),
    verbs: () => [...routes.commands.keys()],
  };
}

type Handlers<K extends "actions" | "forms"> = NonNullable<Feature[K]>[string];

/** Every feature's commands, actions and forms by the word or id that reaches them. */
class Routes {
  readonly commands = new Map<string, FeatureCommand>();
  readonly actions: Map<string, Handlers<"actions">>;
  readonly forms: Map<string, Handlers<"forms">>;

  constructor(features: Feature[]) {
    const all = features.flatMap((f) => f.commands ?? []);
    const listed = all.filter((c) => c.listed !== false);
    const help = COMMANDS.find((c) => c.name === "help")!;
    const helpCommand: FeatureCommand = {
      ...help,
      aliases: ["?"],
      run: async (s) => say(helpMessage([help, ...listed], s.ctx.locale)),
    };
    for (const command of [helpCommand, ...all]) {
      for (const word of [command.name, ...(command.aliases ?? [])]) {
        this.commands.set(word, command);
      }
    }
    this.actions = new Map(features.flatMap((f) => Object.entries(f.actions ?? {})));
    this.forms = new Map(features.flatMap((f) => Object.entries(f.forms ?? {})));
  }

  /** `text` is what follows the command word; nothing at all asks for help. */
  command(s: Session, text: string): Promise<Reply> {
    const long = tooLong(text);
    if (long) return Promise.resolve(invalidIn(s, long));
    const trimmed = text.trim();
    const word = trimmed.split(/\s+/, 1)[0]?.toLowerCase() || "help";
    const command =
      this.commands.get(word) ?? this.commands.get(localCommand(word, s.ctx.locale) ?? "");
    if (!command) {
      return Promise.resolve(invalidIn(s, unknownCommand(word)));
    }
    return command.run(s, trimmed.slice(word.length).trim());
  }
}
