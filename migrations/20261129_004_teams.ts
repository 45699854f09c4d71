import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * Where the Teams bot may post without being spoken to: one Bot Framework conversation
 * reference per person (their personal chat) and per channel. Keyed by the tenant and Teams'
 * own ids rather than ours, because Teams sends them on install, before the person has a user.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable("teams_conversation_references")
    .addColumn("id", "integer", (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('personal', 'channel')`))
    // The person's AAD object id for a personal chat; the channel's conversation id otherwise.
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("reference", "jsonb", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("teams_conversation_references_tenant_kind_key_key", [
      "tenant_id",
      "kind",
      "key",
    ])
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable("teams_conversation_references").execute();
}
