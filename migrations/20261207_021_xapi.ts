import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * An LMS forwards xAPI statements with HTTP Basic credentials of its workspace; only a hash of
 * each secret is kept. Statements are kept by (workspace, id) so a repeat is recognised, with what
 * Stackup did with each; those it could not place expire after a while.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable("xapi_credentials")
    .addColumn("id", "integer", (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn("workspace_id", "integer", (c) =>
      c.notNull().references("workspaces.id").onDelete("cascade"),
    )
    .addColumn("name", "text", (c) => c.notNull().check(sql`length(name) between 1 and 100`))
    .addColumn("key", "text", (c) => c.notNull().unique())
    .addColumn("secret_hash", "text", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("revoked_at", "timestamptz")
    .execute();
  await db.schema
    .createIndex("xapi_credentials_workspace_name_key")
    .on("xapi_credentials")
    .expression(sql`workspace_id, lower(name)`)
    .unique()
    .where(sql.ref("revoked_at"), "is", null)
    .execute();

  await db.schema
    .createTable("xapi_statements")
    .addColumn("workspace_id", "integer", (c) =>
      c.notNull().references("workspaces.id").onDelete("cascade"),
    )
    .addColumn("id", "uuid", (c) => c.notNull())
    .addColumn("credential_id", "integer", (c) =>
      c.notNull().references("xapi_credentials.id").onDelete("cascade"),
    )
    .addColumn("statement", "jsonb", (c) => c.notNull())
    // Hash of the statement as sent, without what the LRS adds, to tell a repeat from a clash.
    .addColumn("fingerprint", "text", (c) => c.notNull())
    .addColumn("verb", "text", (c) => c.notNull())
    .addColumn("activity_id", "text")
    .addColumn("voids", "uuid")
    .addColumn("voided", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("goal_id", "integer", (c) => c.references("goals.id").onDelete("set null"))
    .addColumn("progress_event_id", "integer", (c) =>
      c.references("progress_events.id").onDelete("set null"),
    )
    .addColumn("outcome", "text", (c) =>
      c
        .notNull()
        .check(
          sql`outcome in ('progress', 'completed', 'voiding', 'ignored', 'no_goal', 'unknown_actor', 'unknown_activity')`,
        ),
    )
    .addColumn("stored_at", "timestamptz", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz")
    .addPrimaryKeyConstraint("xapi_statements_pkey", ["workspace_id", "id"])
    .execute();
  await db.schema
    .createIndex("xapi_statements_expires_idx")
    .on("xapi_statements")
    .columns(["workspace_id", "expires_at"])
    .where(sql.ref("expires_at"), "is not", null)
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable("xapi_statements").execute();
  await db.schema.dropTable("xapi_credentials").execute();
}
