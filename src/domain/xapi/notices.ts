import { type Kysely, sql } from "kysely";
import type { Database } from "../../db/types.ts";
import type { NoData } from "../../ports.ts";
import type { Clock } from "../../time/clock.ts";
import { VERBS } from "./schema.ts";

/** Job name: tell people about goals an LMS completed (scheduled every minute). */
export const XAPI_NOTICES_JOB = "xapi.notices";

export interface XapiJobs {
  [XAPI_NOTICES_JOB]: NoData;
}

/** The next credential of a stack the completed one is part of, not yet a goal of the person. */
export interface NextInStack {
  stack: string;
  credentialId: number;
  title: string;
}

/** A goal an LMS completed, to tell its person about once. */
export interface CompletionNotice {
  workspaceId: number;
  statementId: string;
  userId: number;
  goalId: number;
  goalTitle: string;
  /** The LMS's name, as its xAPI credentials call it. */
  lms: string;
  /** "completed" or "passed", as the statement said. */
  verb: "completed" | "passed";
  next: NextInStack | null;
}

interface ClaimedExtra {
  credentialId: number | null;
  verbId: string;
}

/** How many notices one run claims at most; the rest wait for the next minute. */
const BATCH = 200;

/**
 * Completions LMSs reported over xAPI that their people were not told of yet. A notice is
 * claimed before it is sent, so it goes once per statement however many workers run; one that
 * could not be sent is released for the next run.
 */
export class XapiNotices {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /**
   * Claims up to `limit` unclaimed completion statements and returns the notices to send: one per
   * goal (for its earliest completion statement), and only while the goal is still completed.
   */
  async claim(limit = BATCH): Promise<CompletionNotice[]> {
    const { rows } = await sql<Omit<CompletionNotice, "next" | "verb"> & ClaimedExtra>`
      with claimed as (
        update xapi_statements set notified_at = ${this.clock.now()}
        where (workspace_id, id) in (
          select workspace_id, id from xapi_statements
          where outcome = 'completed' and notified_at is null and not voided
          order by stored_at limit ${limit} for update skip locked)
        returning workspace_id, id, goal_id, credential_id, verb, stored_at)
      select c.workspace_id as "workspaceId", c.id as "statementId", g.user_id as "userId",
        g.id as "goalId", g.title as "goalTitle", g.credential_id as "credentialId",
        k.name as lms, c.verb as "verbId"
      from claimed c
      join goals g on g.id = c.goal_id and g.status = 'completed'
      join xapi_credentials k on k.id = c.credential_id
      where not exists (
        select 1 from xapi_statements o
        where o.goal_id = c.goal_id and o.outcome = 'completed' and not o.voided
          and (o.stored_at, o.id) < (c.stored_at, c.id))
      order by c.stored_at`.execute(this.db);
    const notices: CompletionNotice[] = [];
    for (const { credentialId, verbId, ...row } of rows) {
      notices.push({
        ...row,
        verb: verbId === VERBS.passed ? "passed" : "completed",
        next: credentialId === null ? null : await this.next(row.userId, credentialId),
      });
    }
    return notices;
  }

  /** Puts a notice back when sending it failed, so the next run tries again. */
  async release(notice: CompletionNotice): Promise<void> {
    await this.db
      .updateTable("xapi_statements")
      .set({ notified_at: null })
      .where("workspace_id", "=", notice.workspaceId)
      .where("id", "=", notice.statementId)
      .execute();
  }

  /** The nearest next credential of a stack holding this one that the person has no goal for. */
  private async next(userId: number, credentialId: number): Promise<NextInStack | null> {
    const row = await this.db
      .selectFrom("stack_credentials as sc")
      .innerJoin("stack_credentials as nx", (j) =>
        j.onRef("nx.stack_id", "=", "sc.stack_id").onRef("nx.position", ">", "sc.position"),
      )
      .innerJoin("stacks as s", "s.id", "sc.stack_id")
      .innerJoin("credentials as c", "c.id", "nx.credential_id")
      .where("sc.credential_id", "=", credentialId)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("goals as g")
              .whereRef("g.credential_id", "=", "nx.credential_id")
              .where("g.user_id", "=", userId)
              .where("g.status", "!=", "dropped")
              .select("g.id"),
          ),
        ),
      )
      .orderBy(sql`nx.position - sc.position`)
      .orderBy("s.id")
      .select(["s.title as stack", "c.id as credentialId", "c.title"])
      .executeTakeFirst();
    return row ?? null;
  }
}
