import type { Kysely } from "kysely";
import type { Database } from "../../db/types.ts";

/**
 * Whose language a message to a person speaks, in order of preference: their own choice, their
 * platform's, their workspace's. Empty for someone no longer here.
 */
export async function localesOf(db: Kysely<Database>, userId: number): Promise<(string | null)[]> {
  const row = await db
    .selectFrom("users as u")
    .innerJoin("workspaces as w", "w.id", "u.workspace_id")
    .select(["u.locale", "u.platform_locale", "w.locale as workspace_locale"])
    .where("u.id", "=", userId)
    .executeTakeFirst();
  return row ? [row.locale, row.platform_locale, row.workspace_locale] : [];
}
