import type { Kysely } from "kysely";
import type { Database } from "../../src/db/types.ts";

/** A Slack workspace with one person in it, as most database tests start. */
export async function seedPerson(
  db: Kysely<Database>,
  person: { workspace: string; user: string; name: string; email?: string },
): Promise<{ workspaceId: number; userId: number }> {
  const ws = await db
    .insertInto("workspaces")
    .values({ platform: "slack", external_id: person.workspace })
    .returning("id")
    .executeTakeFirstOrThrow();
  const user = await db
    .insertInto("users")
    .values({
      workspace_id: ws.id,
      platform_user_id: person.user,
      display_name: person.name,
      ...(person.email ? { email: person.email } : {}),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { workspaceId: ws.id, userId: user.id };
}

/** A completed goal and its completion row; returns the completion's id. */
export async function seedCompletion(
  db: Kysely<Database>,
  userId: number,
  goal: { title: string; completedAt: Date; evidenceUrl?: string | null },
): Promise<number> {
  const row = await db
    .insertInto("goals")
    .values({ user_id: userId, title: goal.title, status: "completed" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const c = await db
    .insertInto("completions")
    .values({
      goal_id: row.id,
      evidence_url: goal.evidenceUrl ?? null,
      completed_at: goal.completedAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return c.id;
}
