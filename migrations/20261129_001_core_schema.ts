import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable("workspaces")
    .addColumn("id", "integer", (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn("platform", "text", (c) => c.notNull().check(sql`platform in ('slack', 'teams')`))
    .addColumn("external_id", "text", (c) => c.notNull())
    .addColumn("name", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("workspaces_platform_external_id_key", ["platform", "external_id"])
    .execute();

  await db.schema
    .createTable("users")
    .addColumn("id", "integer", (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn("workspace_id", "integer", (c) =>
      c.notNull().references("workspaces.id").onDelete("cascade"),
    )
    .addColumn("platform_user_id", "text", (c) => c.notNull())
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("email", "text")
    .addColumn("time_zone", "text", (c) => c.notNull().defaultTo("UTC"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("users_workspace_platform_user_key", ["workspace_id", "platform_user_id"])
    .execute();
  await db.schema
    .createIndex("users_workspace_email_idx")
    .on("users")
    .expression(sql`workspace_id, lower(email)`)
    .execute();

  await db.schema
    .createTable("providers")
    .addColumn("id", "integer", (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("url", "text")
    .execute();

  await db.schema
    .createTable("credentials")
    .addColumn("id", "integer", (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn("provider_id", "integer", (c) => c.notNull().references("providers.id"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("url", "text")
    .addColumn("estimated_hours", "numeric(6, 2)", (c) =>
      c.notNull().check(sql`estimated_hours > 0 and estimated_hours <= 1000`),
    )
    .addColumn("skills", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn("cost_usd", "numeric(8, 2)", (c) => c.check(sql`cost_usd >= 0`))
    .addColumn("level", "text", (c) =>
      c.notNull().check(sql`level in ('beginner', 'intermediate', 'advanced')`),
    )
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("credentials_provider_title_key", ["provider_id", "title"])
    .execute();

  await db.schema
    .createTable("stacks")
    .addColumn("id", "integer", (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn("role", "text", (c) => c.notNull().unique())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("description", "text")
    .execute();
  await db.schema
    .createTable("stack_credentials")
    .addColumn("stack_id", "integer", (c) =>
      c.notNull().references("stacks.id").onDelete("cascade"),
    )
    .addColumn("position", "integer", (c) => c.notNull().check(sql`position >= 1`))
    .addColumn("credential_id", "integer", (c) => c.notNull().references("credentials.id"))
    .addPrimaryKeyConstraint("stack_credentials_pkey", ["stack_id", "position"])
    .addUniqueConstraint("stack_credentials_stack_credential_key", ["stack_id", "credential_id"])
    .execute();

  await db.schema
    .createTable("goals")
    .addColumn("id", "integer", (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("credential_id", "integer", (c) => c.references("credentials.id"))
    .addColumn("title", "text", (c) => c.notNull().check(sql`length(title) between 1 and 200`))
    .addColumn("target_date", "date")
    .addColumn("hours_per_week", "numeric(5, 2)", (c) =>
      c.check(sql`hours_per_week > 0 and hours_per_week <= 80`),
    )
    .addColumn("estimated_hours", "numeric(6, 2)", (c) => c.check(sql`estimated_hours > 0`))
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("active")
        .check(sql`status in ('active', 'paused', 'completed', 'dropped')`),
    )
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("completed_at", "timestamptz")
    .execute();
  await db.schema
    .createIndex("goals_user_status_idx")
    .on("goals")
    .columns(["user_id", "status"])
    .execute();
  // One open goal per credential per person.
  await db.schema
    .createIndex("goals_user_credential_open_key")
    .on("goals")
    .columns(["user_id", "credential_id"])
    .unique()
    .where(sql.ref("status"), "in", sql`('active', 'paused')`)
    .execute();

  await db.schema
    .createTable("progress_events")
    .addColumn("id", "integer", (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn("goal_id", "integer", (c) => c.notNull().references("goals.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("hours", "numeric(5, 2)", (c) => c.notNull().check(sql`hours > 0 and hours <= 24`))
    .addColumn("note", "text", (c) => c.check(sql`length(note) <= 500`))
    .addColumn("occurred_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("progress_events_goal_idx")
    .on("progress_events")
    .columns(["goal_id", "occurred_at"])
    .execute();
  await db.schema
    .createIndex("progress_events_user_time_idx")
    .on("progress_events")
    .columns(["user_id", "occurred_at"])
    .execute();

  await db.schema
    .createTable("completions")
    .addColumn("id", "integer", (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn("goal_id", "integer", (c) =>
      c.notNull().unique().references("goals.id").onDelete("cascade"),
    )
    .addColumn("evidence_url", "text")
    .addColumn("verification_status", "text", (c) =>
      c
        .notNull()
        .defaultTo("unverified")
        .check(
          sql`verification_status in ('unverified', 'pending', 'verified', 'warning', 'invalid', 'link_only')`,
        ),
    )
    .addColumn("completed_at", "timestamptz", (c) => c.notNull())
    .execute();
}

export async function down(db: Db): Promise<void> {
  for (const table of [
    "completions",
    "progress_events",
    "goals",
    "stack_credentials",
    "stacks",
    "credentials",
    "providers",
    "users",
    "workspaces",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
