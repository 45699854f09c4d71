import type { Kysely } from "kysely";
import { DateTime } from "luxon";
import type { Database, GoalStatus, User } from "../../db/types.ts";
import type { Clock } from "../../time/clock.ts";
import type { CatalogEntry } from "../catalog/repository.ts";
import type { GoalRepository } from "../goals/repository.ts";
import { DEFAULT_HOURS_PER_WEEK } from "../goals/service.ts";
import type { OrgService } from "../org/service.ts";
import type { StackSummary } from "./repository.ts";

export interface StackStep {
  entry: CatalogEntry;
  /** The person's latest goal for this credential, if any. */
  goal: { id: number; status: GoalStatus; loggedHours: number } | null;
}

export interface StackProgress {
  stack: StackSummary;
  steps: StackStep[];
  done: number;
}

export interface StartedStep {
  entry: CatalogEntry;
  outcome: "created" | "already open" | "already done";
  goalId: number;
  status: GoalStatus;
  targetDate: string | null;
}

const isUniqueViolation = (e: unknown) =>
  typeof e === "object" && e !== null && (e as { code?: string }).code === "23505";

/** A person's way through stacks: progress, and starting a whole stack at once. */
export class StackService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly goals: GoalRepository,
    private readonly clock: Clock,
  ) {}

  async progress(
    user: User,
    stack: StackSummary,
    catalog: ReadonlyMap<number, CatalogEntry>,
  ): Promise<StackProgress> {
    const rows = stack.credentialIds.length
      ? await this.goals.listForUser(user.id, ["active", "paused", "completed", "dropped"])
      : [];
    const latest = new Map<number, (typeof rows)[number]>();
    // Later goals win; an open or completed goal beats a dropped one.
    const rank = (s: GoalStatus) => (s === "dropped" ? 0 : 1);
    for (const g of rows) {
      if (g.credential_id === null) continue;
      const prev = latest.get(g.credential_id);
      if (!prev || rank(g.status) >= rank(prev.status)) latest.set(g.credential_id, g);
    }
    const steps: StackStep[] = [];
    for (const id of stack.credentialIds) {
      const entry = catalog.get(id);
      if (!entry) continue;
      const g = latest.get(id);
      steps.push({
        entry,
        goal: g ? { id: g.id, status: g.status, loggedHours: g.loggedHours } : null,
      });
    }
    return { stack, steps, done: steps.filter((s) => s.goal?.status === "completed").length };
  }

  /** Hours a week the person plans: their latest open goal's plan, else the default. */
  async weeklyHours(user: User): Promise<number> {
    const row = await this.db
      .selectFrom("goals")
      .where("user_id", "=", user.id)
      .where("status", "in", ["active", "paused"])
      .where("hours_per_week", "is not", null)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .select("hours_per_week")
      .executeTakeFirst();
    return row?.hours_per_week ?? DEFAULT_HOURS_PER_WEEK;
  }

  /**
   * Creates a goal for each credential of the stack not already open or done, in one
   * transaction. Target dates follow one another: each credential takes its hours at the weekly
   * pace after the one before it. Only the first unfinished step is active; the later ones wait
   * paused, so check-ins and pace talk about the current step (logging time on one resumes it).
   */
  async start(
    user: User,
    progress: StackProgress,
    hoursPerWeek: number,
  ): Promise<{ steps: StartedStep[] } | { error: "raced" }> {
    const now = this.clock.now();
    const zone = user.time_zone;
    let cursor = DateTime.fromJSDate(now, { zone }).startOf("day");
    let current = false;
    try {
      const steps = await this.db.transaction().execute(async (trx) => {
        const out: StartedStep[] = [];
        for (const { entry, goal } of progress.steps) {
          if (goal?.status === "completed") {
            out.push({
              entry,
              outcome: "already done",
              goalId: goal.id,
              status: goal.status,
              targetDate: null,
            });
            continue;
          }
          const remaining = Math.max(
            entry.estimatedHours - (goal && goal.status !== "dropped" ? goal.loggedHours : 0),
            0,
          );
          cursor = cursor.plus({ days: Math.max(Math.ceil((remaining / hoursPerWeek) * 7), 1) });
          const targetDate = cursor.toISODate()!;
          if (goal && goal.status !== "dropped") {
            out.push({
              entry,
              outcome: "already open",
              goalId: goal.id,
              status: goal.status,
              targetDate: null,
            });
            current = current || goal.status === "active";
            continue;
          }
          const created = await this.goals.create(
            {
              userId: user.id,
              credentialId: entry.id,
              title: entry.title,
              targetDate,
              hoursPerWeek,
              estimatedHours: entry.estimatedHours,
              createdAt: now,
            },
            trx,
          );
          let status: GoalStatus = "active";
          if (current) {
            await this.goals.setStatus(created.id, ["active"], "paused", now, trx);
            status = "paused";
          }
          current = true;
          out.push({ entry, outcome: "created", goalId: created.id, status, targetDate });
        }
        return out;
      });
      return { steps };
    } catch (e) {
      // Two clicks at once: the open-goal unique index stops the second, which writes nothing.
      if (isUniqueViolation(e)) return { error: "raced" };
      throw e;
    }
  }
}

/** Who may define stacks: the organisation's admins (its own rules, STACKUP_ADMINS included). */
export async function canDefineStacks(org: OrgService, user: User): Promise<boolean> {
  return (await org.roleOf(user)) === "admin";
}
