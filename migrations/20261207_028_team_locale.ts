import type { Kysely } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/** A team's language for what goes to its channel (the weekly digest); null: the workspace's. */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable("teams").addColumn("locale", "text").execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable("teams").dropColumn("locale").execute();
}
