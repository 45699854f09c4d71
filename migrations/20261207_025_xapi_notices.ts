import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * When the person was told that an LMS completed their goal, so the message goes once per
 * statement; completions stored before this are taken as told. The progress index lets a
 * check-in find the hours an LMS reported this week from the progress entries.
 */
export async function up(db: Db): Promise<void> {
  await sql`alter table xapi_statements add column notified_at timestamptz`.execute(db);
  await sql`update xapi_statements set notified_at = stored_at where outcome = 'completed'`.execute(
    db,
  );
  await sql`create index xapi_statements_unnotified_idx on xapi_statements (stored_at)
    where outcome = 'completed' and notified_at is null`.execute(db);
  await sql`create index xapi_statements_progress_idx on xapi_statements (progress_event_id)
    where progress_event_id is not null`.execute(db);
}

export async function down(db: Db): Promise<void> {
  await sql`drop index xapi_statements_progress_idx`.execute(db);
  await sql`drop index xapi_statements_unnotified_idx`.execute(db);
  await sql`alter table xapi_statements drop column notified_at`.execute(db);
}
