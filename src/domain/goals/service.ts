import type { Kysely } from "kysely";
import type { Database, Goal, GoalStatus, User } from "../../db/types.ts";
import type { Clock } from "../../time/clock.ts";
import type { CatalogEntry } from "../catalog/repository.ts";
import { OrgRepository } from "../org/repository.ts";
import { computePace, type GoalPace, hoursPerWeekFor } from "./pace.ts";
import { GoalRepository, type GoalRow, type ProgressEntry } from "./repository.ts";

export const DEFAULT_HOURS_PER_WEEK = 3;
export const OPEN: GoalStatus[] = ["active", "paused"];

export interface GoalView {
  goal: GoalRow;
  pace: GoalPace;
}

export type GoalError =
  | { error: "duplicate"; existing: GoalRow }
  | { error: "not_found" }
  | { error: "closed"; goal: GoalRow };

export interface NewGoal {
  credential: CatalogEntry | null;
  title: string;
  targetDate: string | null;
  hoursPerWeek: number | null;
}

/** A correction of logged time: new hours, or removing the entry. */
export type ProgressChange = { hours: number } | { delete: true };

export type CorrectionError =
  | { error: "gone" }
  | { error: "not_yours" }
  | { error: "completed"; entry: ProgressEntry }
  | { error: "unchanged"; entry: ProgressEntry };

export interface Correction {
  /** The entry as it was before the change. */
  before: ProgressEntry;
  /** Its new hours; null when it was removed. */
  hours: number | null;
  /** The goal with its totals after the change. */
  view: GoalView;
}

const isUniqueViolation = (e: unknown) =>
  typeof e === "object" && e !== null && (e as { code?: string }).code === "23505";

/** Goal rules: creating, logging, completing and changing status, each in one transaction. */
export type GoalCreated = (user: User, goal: GoalRow) => Promise<void>;

export class GoalService {
  readonly repo: GoalRepository;
  private readonly org: OrgRepository;
  private readonly createdListeners: GoalCreated[] = [];

  constructor(
    db: Kysely<Database>,
    private readonly clock: Clock,
  ) {
    this.repo = new GoalRepository(db);
    this.org = new OrgRepository(db);
  }

  /** Called after a goal is created (check-ins schedule a first goal's person at once). */
  onCreated(listener: GoalCreated): void {
    this.createdListeners.push(listener);
  }

  view(goal: GoalRow, user: Pick<User, "time_zone">): GoalView {
    return {
      goal,
      pace: computePace(
        {
          createdAt: goal.created_at,
          targetDate: goal.target_date,
          hoursPerWeek: goal.hours_per_week,
          estimatedHours: goal.estimated_hours,
          loggedHours: goal.loggedHours,
          status: goal.status,
        },
        this.clock.now(),
        user.time_zone,
      ),
    };
  }

  async list(user: User, statuses: GoalStatus[] = OPEN): Promise<GoalView[]> {
    const rows = await this.repo.listForUser(user.id, statuses);
    return rows.map((g) => this.view(g, user));
  }

  async find(user: User, goalId: number): Promise<GoalRow | undefined> {
    const rows = await this.repo.listForUser(user.id, ["active", "paused", "completed", "dropped"]);
    return rows.find((g) => g.id === goalId);
  }

  /** Plans hours per week: as given, else what the target date needs, else a gentle default. */
  plan(input: NewGoal, user: User): { hoursPerWeek: number; defaulted: boolean } {
    if (input.hoursPerWeek) return { hoursPerWeek: input.hoursPerWeek, defaulted: false };
    if (input.targetDate && input.credential) {
      return {
        hoursPerWeek: Math.min(
          hoursPerWeekFor(
            input.credential.estimatedHours,
            input.targetDate,
            this.clock.now(),
            user.time_zone,
          ),
          80,
        ),
        defaulted: false,
      };
    }
    return { hoursPerWeek: DEFAULT_HOURS_PER_WEEK, defaulted: true };
  }

  async create(
    user: User,
    input: NewGoal,
  ): Promise<{ view: GoalView; defaultedHours: boolean } | GoalError> {
    const { hoursPerWeek, defaulted } = this.plan(input, user);
    let goal: Goal;
    try {
      goal = await this.repo.create({
        userId: user.id,
        credentialId: input.credential?.id ?? null,
        title: input.credential?.title ?? input.title,
        targetDate: input.targetDate,
        hoursPerWeek,
        estimatedHours: input.credential?.estimatedHours ?? null,
        createdAt: this.clock.now(),
      });
    } catch (e) {
      if (!isUniqueViolation(e) || !input.credential) throw e;
      const open = await this.repo.listForUser(user.id, OPEN);
      const existing = open.find((g) => g.credential_id === input.credential?.id);
      if (!existing) throw e;
      return { error: "duplicate", existing };
    }
    const row: GoalRow = {
      ...goal,
      loggedHours: 0,
      lastProgressAt: null,
      credentialUrl: input.credential?.url ?? null,
      provider: input.credential?.provider ?? null,
    };
    for (const listener of this.createdListeners) await listener(user, row);
    return { view: this.view(row, user), defaultedHours: defaulted };
  }

  /** Logs hours; logging on a paused goal resumes it, because the person is back at it. */
  async log(
    user: User,
    goalId: number,
    hours: number,
    note: string | null,
  ): Promise<{ view: GoalView; resumed: boolean } | GoalError> {
    const now = this.clock.now();
    const result = await this.repo.transaction(async (trx) => {
      const goal = await trx
        .selectFrom("goals")
        .where("id", "=", goalId)
        .where("user_id", "=", user.id)
        .select(["id", "status"])
        .forUpdate()
        .executeTakeFirst();
      if (!goal) return { error: "not_found" } as const;
      if (goal.status === "completed" || goal.status === "dropped")
        return { closed: true } as const;
      const resumed = goal.status === "paused";
      if (resumed) await this.repo.setStatus(goalId, ["paused"], "active", now, trx);
      await this.repo.addProgress({ goalId, userId: user.id, hours, note, at: now }, trx);
      return { resumed };
    });
    const goal = await this.find(user, goalId);
    if (!goal || "error" in result) return { error: "not_found" };
    if ("closed" in result) return { error: "closed", goal };
    return { view: this.view(goal, user), resumed: result.resumed };
  }

  async complete(
    user: User,
    goalId: number,
    evidenceUrl: string | null,
  ): Promise<{ view: GoalView } | GoalError> {
    const now = this.clock.now();
    const done = await this.repo.transaction(async (trx) => {
      const owned = await trx
        .selectFrom("goals")
        .where("id", "=", goalId)
        .where("user_id", "=", user.id)
        .select("id")
        .executeTakeFirst();
      if (!owned) return false;
      const updated = await this.repo.setStatus(goalId, OPEN, "completed", now, trx);
      if (!updated) return false;
      await this.repo.addCompletion({ goalId, evidenceUrl, at: now }, trx);
      return true;
    });
    const goal = await this.find(user, goalId);
    if (!goal) return { error: "not_found" };
    if (!done) return { error: "closed", goal };
    return { view: this.view(goal, user) };
  }

  async changeStatus(
    user: User,
    goalId: number,
    to: "active" | "paused" | "dropped",
  ): Promise<{ view: GoalView } | GoalError> {
    const from: GoalStatus[] = to === "active" ? ["paused"] : to === "paused" ? ["active"] : OPEN;
    const goal = await this.find(user, goalId);
    if (!goal) return { error: "not_found" };
    const updated = await this.repo.setStatus(goalId, from, to, this.clock.now());
    if (!updated) return { error: "closed", goal };
    return { view: this.view({ ...goal, ...updated }, user) };
  }

  /** The person's own progress entries, newest first. */
  history(
    user: User,
    options: { goalId?: number; since?: Date; limit: number },
  ): Promise<ProgressEntry[]> {
    return this.repo.progressForUser(user.id, options);
  }

  /**
   * Changes the hours of one of the person's own entries, or removes it, and records who did
   * what in the audit log in the same transaction. Goal totals follow through the triggers on
   * progress_events. Entries of a completed goal stay as they were when it was completed.
   */
  async correct(
    user: User,
    entryId: number,
    change: ProgressChange,
  ): Promise<Correction | CorrectionError> {
    const now = this.clock.now();
    type Applied = { before: ProgressEntry; hours: number | null };
    const result = await this.repo.transaction(async (trx): Promise<Applied | CorrectionError> => {
      const entry = await this.repo.progressEntry(entryId, trx, true);
      if (!entry) return { error: "gone" };
      if (entry.userId !== user.id) return { error: "not_yours" };
      if (entry.goalStatus === "completed") return { error: "completed", entry };
      const hours = "hours" in change ? change.hours : null;
      if (hours !== null && hours === entry.hours) return { error: "unchanged", entry };
      if (hours === null) await this.repo.deleteProgress(entry.id, trx);
      else await this.repo.setProgressHours(entry.id, hours, trx);
      await this.org.audit(
        {
          workspaceId: user.workspace_id,
          actorId: user.id,
          action: hours === null ? "progress.delete" : "progress.edit",
          scope: "progress",
          subjectIds: [entry.userId],
          detail: {
            entry_id: entry.id,
            goal_id: entry.goalId,
            old_hours: entry.hours,
            new_hours: hours,
            occurred_at: entry.occurredAt.toISOString(),
            // A removed entry's note is gone from progress_events: the audit keeps it.
            ...(hours === null ? { note: entry.note } : {}),
          },
          at: now,
        },
        trx,
      );
      return { before: entry, hours };
    });
    if ("error" in result) return result;
    const goal = await this.find(user, result.before.goalId);
    if (!goal) return { error: "gone" };
    return { ...result, view: this.view(goal, user) };
  }
}
