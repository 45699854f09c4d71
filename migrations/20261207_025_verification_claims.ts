import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * One badge check of a completion at a time across workers: a claim names the badge being checked
 * and lasts until `expires_at`, so a crashed worker's claim lapses. A shared badge file is kept on
 * its completion until its check has stored a result, so a check lost from the queue can run again.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable("verification_claims")
    .addColumn("completion_id", "integer", (c) =>
      c.primaryKey().references("completions.id").onDelete("cascade"),
    )
    .addColumn("evidence", "text", (c) => c.notNull())
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.alterTable("completions").addColumn("badge_file", sql`bytea`).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable("completions").dropColumn("badge_file").execute();
  await db.schema.dropTable("verification_claims").execute();
}
