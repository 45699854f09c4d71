import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  // A team, its optional digest channel and the digest's own local day, time and zone.
  await db.schema
    .createTable("teams")
    .addColumn("id", "integer", (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn("workspace_id", "integer", (c) =>
      c.notNull().references("workspaces.id").onDelete("cascade"),
    )
    .addColumn("name", "text", (c) => c.notNull().check(sql`length(name) between 1 and 80`))
    .addColumn("channel_id", "text")
    .addColumn("channel_name", "text")
    .addColumn("digest_day", "smallint", (c) =>
      c.notNull().defaultTo(1).check(sql`digest_day between 1 and 7`),
    )
    .addColumn("digest_time", "text", (c) =>
      c.notNull().defaultTo("09:00").check(sql`digest_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`),
    )
    .addColumn("digest_time_zone", "text", (c) => c.notNull().defaultTo("UTC"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("teams_workspace_name_key")
    .on("teams")
    .expression(sql`workspace_id, lower(name)`)
    .unique()
    .execute();

  await db.schema
    .createTable("team_members")
    .addColumn("team_id", "integer", (c) => c.notNull().references("teams.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("team_members_pkey", ["team_id", "user_id"])
    .execute();
  await db.schema
    .createIndex("team_members_user_idx")
    .on("team_members")
    .column("user_id")
    .execute();

  // One row per person the organisation knows about: role, manager, and their own choices.
  await db.schema
    .createTable("org_people")
    .addColumn("user_id", "integer", (c) =>
      c.primaryKey().references("users.id").onDelete("cascade"),
    )
    .addColumn("workspace_id", "integer", (c) =>
      c.notNull().references("workspaces.id").onDelete("cascade"),
    )
    .addColumn("role", "text", (c) => c.check(sql`role in ('member', 'manager', 'admin')`))
    .addColumn("manager_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("leaderboard", "text", (c) =>
      c.notNull().defaultTo("shown").check(sql`leaderboard in ('shown', 'anonymous', 'hidden')`),
    )
    .addColumn("monthly_summary", "boolean", (c) => c.notNull().defaultTo(true))
    .addCheckConstraint("org_people_not_own_manager", sql`manager_id is distinct from user_id`)
    .execute();
  await db.schema
    .createIndex("org_people_manager_idx")
    .on("org_people")
    .column("manager_id")
    .where("manager_id", "is not", null)
    .execute();
  await db.schema
    .createIndex("org_people_workspace_idx")
    .on("org_people")
    .columns(["workspace_id", "role"])
    .execute();

  // Who saw whose data, and who changed what.
  await db.schema
    .createTable("audit_log")
    .addColumn("id", "bigint", (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn("workspace_id", "integer", (c) =>
      c.notNull().references("workspaces.id").onDelete("cascade"),
    )
    .addColumn("actor_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("subject_ids", sql`integer[]`, (c) => c.notNull().defaultTo(sql`'{}'::integer[]`))
    .addColumn("detail", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("audit_log_workspace_at_idx")
    .on("audit_log")
    .columns(["workspace_id", "at"])
    .execute();

  // Every digest and manager summary: the idempotency key makes each go out once.
  await db.schema
    .createTable("org_deliveries")
    .addColumn("idempotency_key", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('digest', 'summary')`))
    .addColumn("workspace_id", "integer", (c) =>
      c.notNull().references("workspaces.id").onDelete("cascade"),
    )
    .addColumn("team_id", "integer", (c) => c.references("teams.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("cascade"))
    .addColumn("period_start", "date", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("pending").check(sql`status in ('pending', 'sent', 'failed')`),
    )
    .addColumn("ref", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("sent_at", "timestamptz")
    .execute();

  // Leaderboards and reports read completions by time.
  await db.schema
    .createIndex("completions_completed_at_idx")
    .on("completions")
    .column("completed_at")
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex("completions_completed_at_idx").execute();
  for (const table of ["org_deliveries", "audit_log", "org_people", "team_members", "teams"]) {
    await db.schema.dropTable(table).execute();
  }
}
