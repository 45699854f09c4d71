import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * The delivery ledger's rows leave with their person as before, without a foreign key check per
 * row written. Every due slot the tick records is a ledger insert, and the key check (a lookup
 * and a lock on the person's row, for each row) cost more than the insert itself: 13 µs a row
 * against 5 without it. A ledger row is only ever written for a person whose schedule the same
 * transaction holds locked, so the check could never fail; what the key still did, deleting a
 * person's deliveries with them, a trigger now does once per statement.
 */
export async function up(db: Db): Promise<void> {
  await sql`alter table checkin_deliveries
    drop constraint checkin_deliveries_user_id_fkey`.execute(db);
  await sql`
    create function checkin_deliveries_forget() returns trigger
    language plpgsql set search_path from current as $$
    begin
      delete from checkin_deliveries d using gone where d.user_id = gone.id;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger users_forget_checkin_deliveries after delete on users
    referencing old table as gone
    for each statement execute function checkin_deliveries_forget()`.execute(db);
  // Rows a deleted person left before this migration.
  await sql`delete from checkin_deliveries d
    where not exists (select 1 from users u where u.id = d.user_id)`.execute(db);
}

export async function down(db: Db): Promise<void> {
  await sql`drop trigger users_forget_checkin_deliveries on users`.execute(db);
  await sql`drop function checkin_deliveries_forget()`.execute(db);
  // Rows the trigger can't have removed (a truncate of users, say) would fail the key.
  await sql`delete from checkin_deliveries d
    where not exists (select 1 from users u where u.id = d.user_id)`.execute(db);
  await sql`alter table checkin_deliveries add constraint checkin_deliveries_user_id_fkey
    foreign key (user_id) references users (id) on delete cascade`.execute(db);
}
