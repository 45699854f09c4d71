import type { Kysely } from "kysely";
import type { Database } from "../../db/types.ts";
import type { Destination } from "../../ports.ts";

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

/**
 * Whose language a message to a destination speaks: a person's (as above) for a DM; for a
 * channel, the language of a team whose digest goes there, else the workspace's.
 */
export async function destinationLocales(
  db: Kysely<Database>,
  to: Destination,
): Promise<(string | null)[]> {
  if (to.kind === "user") return localesOf(db, to.userId);
  const row = await db
    .selectFrom("workspaces as w")
    .select((eb) => [
      "w.locale",
      eb
        .selectFrom("teams as t")
        .select("t.locale")
        .whereRef("t.workspace_id", "=", "w.id")
        .where("t.channel_id", "=", to.channelId)
        .where("t.locale", "is not", null)
        .orderBy("t.id")
        .limit(1)
        .as("team_locale"),
    ])
    .where("w.id", "=", to.workspaceId)
    .executeTakeFirst();
  return row ? [row.team_locale, row.locale] : [];
}
