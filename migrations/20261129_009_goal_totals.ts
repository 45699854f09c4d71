import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * Each goal carries its logged hours and last progress, so reports and goal lists read one row
 * per goal instead of summing all its events. Triggers on progress_events keep the totals in the
 * writer's own transaction, whatever the write path. They are statement-level with transition
 * tables, so a bulk insert updates each goal once rather than once per event.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .alterTable("goals")
    .addColumn("logged_hours", "numeric(12, 2)", (c) => c.notNull().defaultTo(0))
    .addColumn("last_progress_at", "timestamptz")
    .execute();

  // Inserts only add, so they adjust the totals without reading other events; concurrent adds
  // to one goal serialise on its row. The search path is fixed at creation so the tables
  // resolve to this schema's whoever writes.
  await sql`
    create function goal_totals_insert() returns trigger
    language plpgsql set search_path from current as $$
    begin
      update goals g
      set logged_hours = g.logged_hours + d.hours,
          last_progress_at = greatest(g.last_progress_at, d.last_at)
      from (
        select goal_id, sum(hours) as hours, max(occurred_at) as last_at
        from new_events group by goal_id
      ) d
      where g.id = d.goal_id;
      return null;
    end $$`.execute(db);

  // Updates and deletes can lower the latest time, so the touched goals are recomputed from
  // their events. Locking those goals first (in id order, against deadlocks) makes the recount
  // a fresh read that sees any add committed before it, and makes later adds wait for it.
  await sql`
    create function goal_totals_recount() returns trigger
    language plpgsql set search_path from current as $$
    declare
      touched int[];
    begin
      if tg_op = 'DELETE' then
        select array_agg(distinct goal_id) into touched from old_events;
      else
        select array_agg(distinct x.goal_id) into touched
        from old_events o
        join new_events n on n.id = o.id
        cross join lateral (values (o.goal_id), (n.goal_id)) x(goal_id)
        where (o.goal_id, o.hours, o.occurred_at) is distinct from (n.goal_id, n.hours, n.occurred_at);
      end if;
      if touched is null then
        return null;
      end if;
      perform 1 from goals where id = any(touched) order by id for update;
      update goals g
      set logged_hours = coalesce(t.hours, 0), last_progress_at = t.last_at
      from (
        select ids.id, sum(e.hours) as hours, max(e.occurred_at) as last_at
        from unnest(touched) ids(id)
        left join progress_events e on e.goal_id = ids.id
        group by ids.id
      ) t
      where g.id = t.id;
      return null;
    end $$`.execute(db);

  await sql`
    create trigger progress_events_totals_insert after insert on progress_events
    referencing new table as new_events
    for each statement execute function goal_totals_insert()`.execute(db);
  await sql`
    create trigger progress_events_totals_update after update on progress_events
    referencing old table as old_events new table as new_events
    for each statement execute function goal_totals_recount()`.execute(db);
  await sql`
    create trigger progress_events_totals_delete after delete on progress_events
    referencing old table as old_events
    for each statement execute function goal_totals_recount()`.execute(db);

  // The triggers' lock on progress_events holds writers off until this commits, so nothing
  // written meanwhile is missed.
  await sql`
    update goals g
    set logged_hours = t.hours, last_progress_at = t.last_at
    from (
      select goal_id, sum(hours) as hours, max(occurred_at) as last_at
      from progress_events group by goal_id
    ) t
    where g.id = t.goal_id`.execute(db);
}

export async function down(db: Db): Promise<void> {
  await sql`drop trigger progress_events_totals_delete on progress_events`.execute(db);
  await sql`drop trigger progress_events_totals_update on progress_events`.execute(db);
  await sql`drop trigger progress_events_totals_insert on progress_events`.execute(db);
  await sql`drop function goal_totals_recount()`.execute(db);
  await sql`drop function goal_totals_insert()`.execute(db);
  await db.schema.alterTable("goals").dropColumn("last_progress_at").execute();
  await db.schema.alterTable("goals").dropColumn("logged_hours").execute();
}
