import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * Fewer index writes per check-in. A claim (pending → sending) now changes no indexed column, so
 * PostgreSQL can write it as a heap-only tuple on the same page: the open-deliveries index follows
 * `closed_at` (set once, when a delivery is sent, skipped or failed) instead of `status`, and the
 * ledger leaves half of each page free for those claims. The idempotency key becomes the primary
 * key, so the identity column no longer needs an index of its own. Schedules leave room on their
 * pages too: the state a sent check-in updates is not indexed.
 */
export async function up(db: Db): Promise<void> {
  await sql`alter table checkin_deliveries add column closed_at timestamptz`.execute(db);
  await sql`update checkin_deliveries set closed_at = coalesce(sent_at, claimed_at, enqueued_at)
    where status in ('sent', 'skipped', 'failed')`.execute(db);
  await sql`drop index checkin_deliveries_open_idx`.execute(db);
  await sql`create index checkin_deliveries_open_idx on checkin_deliveries (enqueued_at)
    where closed_at is null`.execute(db);
  await sql`alter table checkin_deliveries drop constraint checkin_deliveries_pkey,
    drop constraint checkin_deliveries_key_key,
    add constraint checkin_deliveries_pkey primary key (key)`.execute(db);
  await sql`alter table checkin_deliveries set (fillfactor = 50)`.execute(db);
  await sql`alter table checkin_schedules set (fillfactor = 70)`.execute(db);
}

export async function down(db: Db): Promise<void> {
  await sql`alter table checkin_schedules reset (fillfactor)`.execute(db);
  await sql`alter table checkin_deliveries reset (fillfactor)`.execute(db);
  await sql`alter table checkin_deliveries drop constraint checkin_deliveries_pkey,
    add constraint checkin_deliveries_key_key unique (key),
    add constraint checkin_deliveries_pkey primary key (id)`.execute(db);
  await sql`drop index checkin_deliveries_open_idx`.execute(db);
  await sql`create index checkin_deliveries_open_idx on checkin_deliveries (status, enqueued_at)
    where status in ('pending', 'sending')`.execute(db);
  await sql`alter table checkin_deliveries drop column closed_at`.execute(db);
}
