import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and untyped
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  // One row per person who has (or had) a goal or touched their settings. The next check-in and
  // the next nudge slot are stored in UTC, computed from the schedule in `time_zone`; a changed
  // profile zone shows up as users.time_zone <> checkin_schedules.time_zone and is recomputed.
  await db.schema
    .createTable("checkin_schedules")
    .addColumn("user_id", "integer", (c) =>
      c.primaryKey().references("users.id").onDelete("cascade"),
    )
    .addColumn("enabled", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("days", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{mon,thu}'::text[]`))
    .addColumn("local_time", "text", (c) => c.notNull().defaultTo("10:00"))
    .addColumn("quiet_start", "text")
    .addColumn("quiet_end", "text")
    .addColumn("weekends_off", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("paused_until", "date")
    .addColumn("snoozed_until", "timestamptz")
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("next_checkin_at", "timestamptz")
    .addColumn("next_checkin_date", "date")
    .addColumn("next_checkin_slot", "text")
    .addColumn("next_nudge_at", "timestamptz")
    .addColumn("next_nudge_date", "date")
    .addColumn("next_nudge_slot", "text")
    // Fatigue: check-ins ignored in a row; once the bot has asked to pause it stays quiet.
    .addColumn("ignored_in_row", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("quiet_since", "timestamptz")
    .addColumn("last_checkin_at", "timestamptz")
    .addColumn("last_acted_at", "timestamptz")
    .addColumn("streak_celebrated", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The tick's due queries walk these in (time, user) order, one batch at a time.
  await db.schema
    .createIndex("checkin_schedules_next_checkin_idx")
    .on("checkin_schedules")
    .columns(["next_checkin_at", "user_id"])
    .where(sql.ref("next_checkin_at"), "is not", null)
    .execute();
  await db.schema
    .createIndex("checkin_schedules_next_nudge_idx")
    .on("checkin_schedules")
    .columns(["next_nudge_at", "user_id"])
    .where(sql.ref("next_nudge_at"), "is not", null)
    .execute();

  // Every check-in and nudge, claimed before it is sent: the unique key is the idempotency key.
  await db.schema
    .createTable("checkin_deliveries")
    .addColumn("id", "bigint", (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn("key", "text", (c) => c.notNull().unique())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("workspace_id", "integer", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('checkin', 'nudge')`))
    .addColumn("local_date", "date", (c) => c.notNull())
    .addColumn("slot", "text", (c) => c.notNull())
    .addColumn("due_at", "timestamptz", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("pending")
        .check(sql`status in ('pending', 'sending', 'sent', 'skipped', 'failed')`),
    )
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("requeues", "integer", (c) => c.notNull().defaultTo(0))
    // A failed attempt that may have reached the platform: look before sending again.
    .addColumn("uncertain", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("enqueued_at", "timestamptz", (c) => c.notNull())
    .addColumn("claimed_at", "timestamptz")
    .addColumn("sent_at", "timestamptz")
    .addColumn("message_kind", "text")
    .addColumn("goal_id", "integer")
    .addColumn("message_ref", "text")
    .addColumn("error", "text")
    .execute();
  await db.schema
    .createIndex("checkin_deliveries_open_idx")
    .on("checkin_deliveries")
    .columns(["status", "enqueued_at"])
    .where(sql.ref("status"), "in", sql`('pending', 'sending')`)
    .execute();
  await db.schema
    .createIndex("checkin_deliveries_user_sent_idx")
    .on("checkin_deliveries")
    .columns(["user_id", "sent_at"])
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable("checkin_deliveries").execute();
  await db.schema.dropTable("checkin_schedules").execute();
}
