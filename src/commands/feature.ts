import type { Kysely } from "kysely";
import type { Database, User } from "../db/types.ts";
import type { CatalogRepository } from "../domain/catalog/repository.ts";
import type { GoalService } from "../domain/goals/service.ts";
import type { UserService } from "../domain/users/service.ts";
import type { MessageKey, MessageValues, Phrase } from "../i18n/index.ts";
import { problemMessage, tr, type ViewContext } from "../messages/goals.ts";
import { type Message, privateReply, type Reply } from "../messages/model.ts";
import type { JobQueue } from "../ports.ts";
import type { Clock } from "../time/clock.ts";
import type { Actor, FormResult } from "./core.ts";

/** The person behind a request, resolved once per request. */
export interface Session {
  actor: Actor;
  user: User;
  ctx: ViewContext;
}

/** What every feature may use. */
export interface FeatureDeps {
  db: Kysely<Database>;
  clock: Clock;
  goals: GoalService;
  catalog: CatalogRepository;
  jobs: JobQueue;
  /** False when no queue runs background work: what needs one (checking a badge) waits. */
  hasJobs: boolean;
  /** Resolves people; features may listen for profile changes (a new time zone). */
  users: UserService;
  /** Emails or platform user ids that are always admins (STACKUP_ADMINS). */
  admins: readonly string[];
}

export interface FeatureCommand {
  /** The word after /learn, e.g. "settings". */
  name: string;
  aliases?: string[];
  /** Shown in help, e.g. "checkins <days> <HH:MM>". */
  usage: string;
  description: string;
  /** False hides it from help (admin and rarely used commands). */
  listed?: boolean;
  run(session: Session, args: string): Promise<Reply>;
}

/**
 * A capability plugged into the core: its own commands, button actions and forms. Action and
 * form ids are namespaced by the feature ("checkin.snooze", "settings.save").
 */
export interface Feature {
  name: string;
  commands?: FeatureCommand[];
  actions?: Record<string, (session: Session, payload: Record<string, unknown>) => Promise<Reply>>;
  forms?: Record<
    string,
    (
      session: Session,
      state: string | undefined,
      values: Record<string, string | undefined>,
    ) => Promise<FormResult>
  >;
  /** The person's dashboard (Slack App Home, Teams personal tab); one feature draws it. */
  home?: (session: Session) => Promise<Message>;
}

export type FeatureFactory = (deps: FeatureDeps) => Feature;

/** Reads a button value back; anything malformed is treated as absent. */
export function readPayload(value: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
export const int = (v: unknown) =>
  typeof v === "number" && Number.isInteger(v) && v > 0 ? v : null;
export const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
export const str = (v: unknown) => (typeof v === "string" ? v : null);

/** A reply only the person who asked sees. */
export const say = (message: Message): Reply => privateReply(message);

/** What went wrong in the person's language, from the catalogue, with the usage line to try. */
export const problemIn = (
  s: Session,
  key: MessageKey,
  values: MessageValues = {},
  usage: string | null = null,
): Reply => say(problemMessage(tr(s.ctx).t(key, values), usage, s.ctx.locale));

/** A command that couldn't be read, said in the person's language, with its usage line. */
export const invalidIn = (s: Session, cmd: { message: Phrase; usage: string | null }): Reply =>
  problemIn(s, cmd.message.key, cmd.message.values, cmd.usage);

/** What went wrong, with the usage line to try (or a pointer to help). */
export const problem = (message: string, usage: string | null = null): Reply =>
  say(problemMessage(message, usage));
