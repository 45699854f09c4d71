import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * Reports, leaderboards and digests read a person's events by time and sum hours per goal.
 * Carrying goal_id and hours in the (user_id, occurred_at) index makes those reads index-only:
 * a person's events sit together in the index but are scattered over the heap.
 */
export async function up(db: Db): Promise<void> {
  await sql`
    create index progress_events_user_time_cover_idx
    on progress_events (user_id, occurred_at) include (goal_id, hours)`.execute(db);
  // Same leading columns: the old index would only cost writes.
  await db.schema.dropIndex("progress_events_user_time_idx").execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema
    .createIndex("progress_events_user_time_idx")
    .on("progress_events")
    .columns(["user_id", "occurred_at"])
    .execute();
  await db.schema.dropIndex("progress_events_user_time_cover_idx").execute();
}
