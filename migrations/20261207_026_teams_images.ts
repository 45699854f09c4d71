import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * Images Teams cards show by link (a digest's chart) rather than carrying their bytes, which
 * would push the message over Teams' size limit. Served under an unguessable id until they
 * expire.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable("teams_images")
    .addColumn("id", "text", (c) => c.primaryKey())
    // Whose workspace it belongs to, so erasing a workspace erases its images.
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("content_type", "text", (c) => c.notNull())
    .addColumn("data", "bytea", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("teams_images_created_at_idx")
    .on("teams_images")
    .column("created_at")
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable("teams_images").execute();
}
