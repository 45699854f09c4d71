import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * One row each time a person did something that is limited per person (shares, reports, data
 * exports); rows older than the action's window are deleted as new ones are counted.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable("rate_limit_hits")
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("action", "text", (c) => c.notNull().check(sql`length(action) between 1 and 40`))
    .addColumn("at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("rate_limit_hits_user_action_at_idx")
    .on("rate_limit_hits")
    .columns(["user_id", "action", "at"])
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable("rate_limit_hits").execute();
}
