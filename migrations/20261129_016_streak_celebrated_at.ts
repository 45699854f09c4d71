import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * When the streak stored in `streak_celebrated` was celebrated. A streak shorter than the one
 * celebrated is a new one unless the celebration came during it (a progress correction shortened
 * the same streak); the nudges kept for the weekly cap go back 60 days, not far enough to tell.
 * Filled from the ledger's sent streak nudges.
 */
export async function up(db: Db): Promise<void> {
  await sql`alter table checkin_schedules add column streak_celebrated_at timestamptz`.execute(db);
  await sql`
    update checkin_schedules s set streak_celebrated_at = c.at
    from (
      select user_id, max(sent_at) as at from checkin_deliveries
      where kind = 'nudge' and status = 'sent' and message_kind = 'streak'
      group by user_id
    ) c
    where c.user_id = s.user_id and s.streak_celebrated > 0`.execute(db);
}

export async function down(db: Db): Promise<void> {
  await sql`alter table checkin_schedules drop column streak_celebrated_at`.execute(db);
}
