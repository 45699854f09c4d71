import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * When a workspace uninstalled Stackup (its data is purged a retention period later), and whether
 * the platform itself calls a person an admin (Slack owners and admins), refreshed with the profile.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable("workspaces").addColumn("uninstalled_at", "timestamptz").execute();
  await db.schema
    .alterTable("users")
    .addColumn("platform_admin", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .createIndex("workspaces_uninstalled_at")
    .on("workspaces")
    .column("uninstalled_at")
    .where(sql.ref("uninstalled_at"), "is not", null)
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex("workspaces_uninstalled_at").execute();
  await db.schema.alterTable("users").dropColumn("platform_admin").execute();
  await db.schema.alterTable("workspaces").dropColumn("uninstalled_at").execute();
}
