import type { Kysely, Transaction } from "kysely";
import { anyOf } from "../../db/arrays.ts";
import type { Database, Db, Goal, GoalStatus } from "../../db/types.ts";

export interface GoalRow extends Goal {
  loggedHours: number;
  lastProgressAt: Date | null;
  credentialUrl: string | null;
  provider: string | null;
}

/** One logged stretch of time, with the goal it counts toward. */
export interface ProgressEntry {
  id: number;
  goalId: number;
  userId: number;
  hours: number;
  note: string | null;
  occurredAt: Date;
  goalTitle: string;
  goalStatus: GoalStatus;
}

export class GoalRepository {
  constructor(private readonly db: Kysely<Database>) {}

  transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  /** A user's goals with hours logged, in one query. */
  listForUser(userId: number, statuses: GoalStatus[], db: Db = this.db): Promise<GoalRow[]> {
    return this.listForUsers([userId], statuses, db);
  }

  /** Several people's goals with hours logged (the goal row's trigger-kept totals), oldest first. */
  async listForUsers(
    userIds: number[],
    statuses: GoalStatus[],
    db: Db = this.db,
  ): Promise<GoalRow[]> {
    if (userIds.length === 0) return [];
    return (
      db
        .selectFrom("goals")
        .leftJoin("credentials", "credentials.id", "goals.credential_id")
        .leftJoin("providers", "providers.id", "credentials.provider_id")
        // One array parameter, however many people: cheap to bind for a check-in chunk.
        .where("goals.user_id", "=", anyOf(userIds, "int"))
        .where("goals.status", "in", statuses)
        .selectAll("goals")
        .select([
          "goals.logged_hours as loggedHours",
          "goals.last_progress_at as lastProgressAt",
          "credentials.url as credentialUrl",
          "providers.name as provider",
        ])
        .orderBy("goals.created_at")
        .orderBy("goals.id")
        .execute() as Promise<GoalRow[]>
    );
  }

  async create(
    values: {
      userId: number;
      credentialId: number | null;
      title: string;
      targetDate: string | null;
      hoursPerWeek: number | null;
      estimatedHours: number | null;
      createdAt: Date;
    },
    db: Db = this.db,
  ): Promise<Goal> {
    return db
      .insertInto("goals")
      .values({
        user_id: values.userId,
        credential_id: values.credentialId,
        title: values.title,
        target_date: values.targetDate,
        hours_per_week: values.hoursPerWeek,
        estimated_hours: values.estimatedHours,
        created_at: values.createdAt,
        updated_at: values.createdAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async setStatus(
    goalId: number,
    from: GoalStatus[],
    to: GoalStatus,
    at: Date,
    db: Db = this.db,
  ): Promise<Goal | undefined> {
    return db
      .updateTable("goals")
      .set({ status: to, updated_at: at, ...(to === "completed" ? { completed_at: at } : {}) })
      .where("id", "=", goalId)
      .where("status", "in", from)
      .returningAll()
      .executeTakeFirst();
  }

  async addProgress(
    values: { goalId: number; userId: number; hours: number; note: string | null; at: Date },
    db: Db = this.db,
  ): Promise<void> {
    await db
      .insertInto("progress_events")
      .values({
        goal_id: values.goalId,
        user_id: values.userId,
        hours: values.hours,
        note: values.note,
        occurred_at: values.at,
      })
      .execute();
  }

  async addCompletion(
    values: { goalId: number; evidenceUrl: string | null; at: Date },
    db: Db = this.db,
  ): Promise<void> {
    await db
      .insertInto("completions")
      .values({
        goal_id: values.goalId,
        evidence_url: values.evidenceUrl,
        verification_status: "unverified",
        completed_at: values.at,
      })
      .execute();
  }

  /** A person's entries, newest first; optionally one goal's, or only those since a time. */
  async progressForUser(
    userId: number,
    options: { goalId?: number; since?: Date; limit: number },
    db: Db = this.db,
  ): Promise<ProgressEntry[]> {
    let query = this.progressQuery(db).where("progress_events.user_id", "=", userId);
    if (options.goalId !== undefined)
      query = query.where("progress_events.goal_id", "=", options.goalId);
    if (options.since) query = query.where("progress_events.occurred_at", ">=", options.since);
    return query
      .orderBy("progress_events.occurred_at", "desc")
      .orderBy("progress_events.id", "desc")
      .limit(options.limit)
      .execute() as Promise<ProgressEntry[]>;
  }

  /** One entry, whoever owns it; locked when read inside a transaction that changes it. */
  async progressEntry(
    id: number,
    db: Db = this.db,
    lock = false,
  ): Promise<ProgressEntry | undefined> {
    const query = this.progressQuery(db).where("progress_events.id", "=", id);
    return (lock ? query.forUpdate() : query).executeTakeFirst() as Promise<
      ProgressEntry | undefined
    >;
  }

  async setProgressHours(id: number, hours: number, db: Db = this.db): Promise<void> {
    await db.updateTable("progress_events").set({ hours }).where("id", "=", id).execute();
  }

  async deleteProgress(id: number, db: Db = this.db): Promise<void> {
    await db.deleteFrom("progress_events").where("id", "=", id).execute();
  }

  private progressQuery(db: Db) {
    return db
      .selectFrom("progress_events")
      .innerJoin("goals", "goals.id", "progress_events.goal_id")
      .select([
        "progress_events.id",
        "progress_events.goal_id as goalId",
        "progress_events.user_id as userId",
        "progress_events.hours",
        "progress_events.note",
        "progress_events.occurred_at as occurredAt",
        "goals.title as goalTitle",
        "goals.status as goalStatus",
      ]);
  }
}
