import type { Kysely } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * Whether a linked Credly profile's badges name the person, as read at its last sync: only then do
 * its badges count as the person's when their recipient is not one of the person's addresses.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .alterTable("credly_links")
    .addColumn("owner_proven", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable("credly_links").dropColumn("owner_proven").execute();
}
