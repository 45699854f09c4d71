import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * Files the Teams bot has offered to save to someone's OneDrive (Teams' file consent flow). The
 * person's answer can reach any bot process, so the bytes wait here, under an unguessable id,
 * until they accept or decline; offers expire after a day.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable("teams_file_offers")
    .addColumn("id", "text", (c) => c.primaryKey())
    // Who it was offered to, as Teams identifies people: only they may accept it.
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("aad_object_id", "text", (c) => c.notNull())
    .addColumn("filename", "text", (c) => c.notNull())
    .addColumn("content_type", "text", (c) => c.notNull())
    .addColumn("data", "bytea", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("teams_file_offers_created_at_idx")
    .on("teams_file_offers")
    .column("created_at")
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable("teams_file_offers").execute();
}
