import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * Stackup installed in a Slack workspace with Add to Slack (OAuth v2): one row per workspace, or
 * per Enterprise Grid organisation for an org-wide install, keyed by that team or enterprise id.
 * The bot token is stored only encrypted (AES-256-GCM); `token_key_id` names the key it was
 * encrypted with, so a changed key is reported as such. Deleted on uninstall.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable("slack_installations")
    .addColumn("id", "integer", (c) => c.generatedAlwaysAsIdentity().primaryKey())
    // The team id, or the enterprise id for an org-wide install.
    .addColumn("installation_key", "text", (c) => c.notNull().unique())
    .addColumn("team_id", "text")
    .addColumn("enterprise_id", "text")
    .addColumn("is_enterprise_install", "boolean", (c) => c.notNull().defaultTo(false))
    // Our workspace row for a team install; org-wide installs have no single workspace.
    .addColumn("workspace_id", "integer", (c) => c.references("workspaces.id").onDelete("cascade"))
    .addColumn("app_id", "text")
    .addColumn("bot_token_encrypted", "bytea", (c) => c.notNull())
    .addColumn("token_key_id", "text", (c) => c.notNull())
    .addColumn("bot_user_id", "text", (c) => c.notNull())
    .addColumn("bot_id", "text", (c) => c.notNull())
    .addColumn("scopes", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn("installer_user_id", "text", (c) => c.notNull())
    .addColumn("installed_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      "slack_installations_key_check",
      sql`installation_key = case when is_enterprise_install then enterprise_id else team_id end`,
    )
    .execute();
  await db.schema
    .createIndex("slack_installations_workspace_id_idx")
    .on("slack_installations")
    .column("workspace_id")
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable("slack_installations").execute();
}
