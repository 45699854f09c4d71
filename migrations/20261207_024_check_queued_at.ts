import type { Kysely } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/** When a completion's badge check was last queued, so checks lost from the queue can be found. */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable("completions").addColumn("check_queued_at", "timestamptz").execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable("completions").dropColumn("check_queued_at").execute();
}
