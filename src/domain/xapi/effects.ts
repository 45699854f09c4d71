import { sql } from "kysely";
import type { Db, XapiOutcome } from "../../db/types.ts";
import { durationHours, type Statement, VERBS } from "./schema.ts";

/** Where a statement lands: its outcome, and the person and goal it counts for. */
export interface Placement {
  outcome: XapiOutcome;
  userId: number | null;
  goalId: number | null;
  hours: number | null;
}

export const UNPLACED: readonly XapiOutcome[] = ["unknown_actor", "unknown_activity", "no_goal"];

/** The most one statement adds: progress entries hold at most a day. */
const MAX_HOURS = 24;

/** What the verb asks of Stackup: progress, a completion, or nothing. */
export function intent(
  statement: Statement,
): { kind: "progress"; hours: number } | { kind: "completion" } | null {
  const verb = statement.verb.id;
  if (verb === VERBS.completed || verb === VERBS.passed) return { kind: "completion" };
  if (verb === VERBS.progressed || verb === VERBS.experienced) {
    const hours = durationHours(statement);
    if (hours === null) return null;
    const rounded = Math.min(Math.round(hours * 100) / 100, MAX_HOURS);
    return rounded > 0 ? { kind: "progress", hours: rounded } : null;
  }
  return null;
}

/** Plain words for an activity in a progress note: its name, else its id. */
function activityName(statement: Statement): string {
  const names = statement.object.definition?.name;
  const name = names ? (names["en-US"] ?? names.en ?? Object.values(names)[0]) : undefined;
  return (name ?? statement.object.id ?? "").slice(0, 300);
}

/**
 * Carries out a placed statement: adds its progress once, or completes the goal as reported by
 * the LMS. Returns the progress entry it added, if any.
 */
export async function applyPlacement(
  trx: Db,
  statement: Statement,
  placement: Placement,
  lmsName: string,
  now: Date,
): Promise<number | null> {
  if (placement.goalId === null || placement.userId === null) return null;
  const goalId = placement.goalId;
  if (placement.outcome === "progress" && placement.hours !== null) {
    const stamped = statement.timestamp ? new Date(statement.timestamp) : now;
    const at = stamped.getTime() <= now.getTime() ? stamped : now;
    // Progress on a paused goal resumes it, as logging by hand does.
    await trx
      .updateTable("goals")
      .set({ status: "active", updated_at: now })
      .where("id", "=", goalId)
      .where("status", "=", "paused")
      .execute();
    const row = await trx
      .insertInto("progress_events")
      .values({
        goal_id: goalId,
        user_id: placement.userId,
        hours: placement.hours,
        note: `${lmsName}: ${activityName(statement)}`.slice(0, 500),
        occurred_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }
  if (placement.outcome === "completed") {
    const done = await trx
      .updateTable("goals")
      .set({ status: "completed", updated_at: now, completed_at: now })
      .where("id", "=", goalId)
      .where("status", "in", ["active", "paused"])
      .returning("id")
      .executeTakeFirst();
    if (done) {
      await trx
        .insertInto("completions")
        .values({
          goal_id: goalId,
          evidence_url: null,
          verification_status: "unverified",
          completed_at: now,
          reported_by: lmsName,
        })
        .execute();
    }
  }
  return null;
}

/**
 * Voids an earlier statement of the workspace: it no longer counts, so the progress it added goes
 * (unless its goal is completed, whose time stays as it was) and a completion it reported is
 * reopened (unless the person has opened another goal for the credential since).
 */
export async function voidStatement(
  trx: Db,
  workspaceId: number,
  targetId: string,
  now: Date,
): Promise<void> {
  const target = await trx
    .updateTable("xapi_statements")
    .set({ voided: true })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", targetId)
    .where("verb", "!=", VERBS.voided)
    .returning(["progress_event_id", "goal_id", "outcome"])
    .executeTakeFirst();
  if (!target?.goal_id) return;
  if (target.progress_event_id !== null) {
    await trx
      .deleteFrom("progress_events")
      .where("id", "=", target.progress_event_id)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("goals")
            .whereRef("goals.id", "=", "progress_events.goal_id")
            .where("goals.status", "!=", "completed"),
        ),
      )
      .execute();
  }
  if (target.outcome === "completed") {
    const reopened = await trx
      .updateTable("goals")
      .set({ status: "active", completed_at: null, updated_at: now })
      .where("id", "=", target.goal_id)
      .where("status", "=", "completed")
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("completions")
            .whereRef("completions.goal_id", "=", "goals.id")
            .where("completions.reported_by", "is not", null),
        ),
      )
      .where(
        sql<boolean>`not exists (select 1 from goals g2 where g2.user_id = goals.user_id
          and g2.credential_id = goals.credential_id and g2.status in ('active', 'paused'))`,
      )
      .returning("id")
      .executeTakeFirst();
    if (reopened) await trx.deleteFrom("completions").where("goal_id", "=", reopened.id).execute();
  }
}
