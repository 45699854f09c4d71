import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "../../db/types.ts";

export interface StackSummary {
  id: number;
  role: string;
  title: string;
  description: string | null;
  /** In the order they are meant to be taken. */
  credentialIds: number[];
}

export class StackRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Every stack with its credentials in order, in one query. */
  async all(): Promise<StackSummary[]> {
    const rows = await this.db
      .selectFrom("stacks")
      .leftJoin("stack_credentials", "stack_credentials.stack_id", "stacks.id")
      .groupBy("stacks.id")
      .select([
        "stacks.id",
        "stacks.role",
        "stacks.title",
        "stacks.description",
        sql<
          number[] | null
        >`array_agg(stack_credentials.credential_id order by stack_credentials.position) filter (where stack_credentials.credential_id is not null)`.as(
          "credentialIds",
        ),
      ])
      .orderBy("stacks.role")
      .execute();
    return rows.map((r) => ({ ...r, credentialIds: r.credentialIds ?? [] }));
  }

  /** Creates or replaces the stack for a role, all at once. */
  async define(input: {
    role: string;
    /** Null keeps an existing stack's title (a new one is named after its role). */
    title: string | null;
    description: string | null;
    credentialIds: number[];
  }): Promise<{ id: number; title: string; replaced: boolean }> {
    // Inside a caller's transaction (one that audits the change) when given one.
    const run = async (trx: Transaction<Database>) => {
      const existing = await trx
        .selectFrom("stacks")
        .where(sql`lower(role)`, "=", input.role.toLowerCase())
        .select(["id", "title"])
        .forUpdate()
        .executeTakeFirst();
      let id: number;
      const title = input.title ?? existing?.title ?? input.role;
      if (existing) {
        id = existing.id;
        await trx
          .updateTable("stacks")
          .set({
            title,
            ...(input.description ? { description: input.description } : {}),
          })
          .where("id", "=", id)
          .execute();
        await trx.deleteFrom("stack_credentials").where("stack_id", "=", id).execute();
      } else {
        id = (
          await trx
            .insertInto("stacks")
            .values({ role: input.role, title, description: input.description })
            .returning("id")
            .executeTakeFirstOrThrow()
        ).id;
      }
      await trx
        .insertInto("stack_credentials")
        .values(
          input.credentialIds.map((credential_id, i) => ({
            stack_id: id,
            position: i + 1,
            credential_id,
          })),
        )
        .execute();
      return { id, title, replaced: existing !== undefined };
    };
    return this.db.isTransaction
      ? run(this.db as Transaction<Database>)
      : this.db.transaction().execute(run);
  }
}

export interface StackCompletion {
  userId: number;
  workspaceId: number;
  displayName: string;
  stackId: number;
  role: string;
  stackTitle: string;
  /** When the stack's last credential was completed. */
  completedAt: Date;
}

/**
 * Records every stack someone has now completed all credentials of (each once), so a stack
 * redefined later does not take a celebration back. One statement, however many people.
 */
export async function recordStackCompletions(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await sql`
    insert into stack_completions (user_id, stack_id, completed_at, recorded_at)
    select g.user_id, sc.stack_id, max(g.completed_at), ${now}
    from stack_credentials sc
    join goals g on g.credential_id = sc.credential_id and g.status = 'completed'
    group by g.user_id, sc.stack_id
    having count(distinct sc.credential_id) =
      (select count(*) from stack_credentials all_sc where all_sc.stack_id = sc.stack_id)
    on conflict (user_id, stack_id) do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Stacks completed in [from, to), for the weekly digest to celebrate; optionally one workspace.
 * Records newly completed stacks first, so the digest needs no other hook.
 */
export async function stackCompletionsBetween(
  db: Kysely<Database>,
  range: { from: Date; to: Date; workspaceId?: number },
  now: Date,
): Promise<StackCompletion[]> {
  await recordStackCompletions(db, now);
  let query = db
    .selectFrom("stack_completions")
    .innerJoin("users", "users.id", "stack_completions.user_id")
    .innerJoin("stacks", "stacks.id", "stack_completions.stack_id")
    .where("stack_completions.completed_at", ">=", range.from)
    .where("stack_completions.completed_at", "<", range.to)
    .select([
      "users.id as userId",
      "users.workspace_id as workspaceId",
      "users.display_name as displayName",
      "stacks.id as stackId",
      "stacks.role",
      "stacks.title as stackTitle",
      "stack_completions.completed_at as completedAt",
    ])
    .orderBy("stack_completions.completed_at");
  if (range.workspaceId !== undefined) {
    query = query.where("users.workspace_id", "=", range.workspaceId);
  }
  return query.execute();
}
