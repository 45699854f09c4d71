import type { Kysely } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * Languages: the locale the platform reports for a person, the one they chose (which wins), and
 * a workspace's default for people whose platform says nothing and for channel messages.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .alterTable("users")
    .addColumn("platform_locale", "text")
    .addColumn("locale", "text")
    .execute();
  await db.schema.alterTable("workspaces").addColumn("locale", "text").execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable("workspaces").dropColumn("locale").execute();
  await db.schema.alterTable("users").dropColumn("locale").dropColumn("platform_locale").execute();
}
