import type { Kysely } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * The Enterprise Grid organisation a Slack workspace belongs to (Slack's enterprise id), as
 * requests from it tell: a workspace covered only by its organisation's org-wide install is sent
 * to with that installation's token. Null outside Grid, for Teams, and until Slack has said.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable("workspaces").addColumn("enterprise_id", "text").execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable("workspaces").dropColumn("enterprise_id").execute();
}
