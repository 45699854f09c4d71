import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * A person's public Credly profile, and each badge seen on it with what became of it, so a badge
 * completes a goal or is offered at most once.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable("credly_links")
    .addColumn("user_id", "integer", (c) =>
      c.primaryKey().references("users.id").onDelete("cascade"),
    )
    .addColumn("username", "text", (c) => c.notNull())
    .addColumn("connected_at", "timestamptz", (c) => c.notNull())
    .addColumn("synced_at", "timestamptz")
    .execute();

  await db.schema
    .createTable("credly_badges")
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("badge_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("template_id", "text")
    .addColumn("evidence_url", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) =>
      c.notNull().check(sql`state in ('completed', 'confirm', 'offered', 'added', 'dismissed')`),
    )
    .addColumn("goal_id", "integer", (c) => c.references("goals.id").onDelete("set null"))
    .addColumn("seen_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("credly_badges_pkey", ["user_id", "badge_id"])
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable("credly_badges").execute();
  await db.schema.dropTable("credly_links").execute();
}
