import { type Kysely, sql } from "kysely";
import type { Database, Db, User } from "../../db/types.ts";
import type { Clock } from "../../time/clock.ts";
import type { CheckinSchedule } from "../../time/schedule.ts";
import { columnsOf, defaultSchedule, nextSlots, scheduleOf, slotColumns } from "./slots.ts";
import type { ScheduleRow } from "./types.ts";

/** Settings and responses of one person's check-ins; every change recomputes the next slots. */
export class CheckinService {
  constructor(
    readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async row(userId: number, db: Db = this.db): Promise<ScheduleRow | undefined> {
    return db
      .selectFrom("checkin_schedules")
      .where("user_id", "=", userId)
      .selectAll()
      .executeTakeFirst();
  }

  /** The person's schedule, in their current profile zone; the default when they have none. */
  async schedule(user: User): Promise<CheckinSchedule> {
    const row = await this.row(user.id);
    return row ? scheduleOf(row, user.time_zone) : defaultSchedule(user.time_zone);
  }

  /** Applies a change to the schedule and stores it with its next slots, in one statement. */
  async update(
    user: User,
    change: (s: CheckinSchedule) => CheckinSchedule,
  ): Promise<{ schedule: CheckinSchedule; row: ScheduleRow }> {
    return this.db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom("checkin_schedules")
        .where("user_id", "=", user.id)
        .selectAll()
        .forUpdate()
        .executeTakeFirst();
      const before = current
        ? scheduleOf(current, user.time_zone)
        : defaultSchedule(user.time_zone);
      const schedule = change(before);
      const row = await this.store(user.id, schedule, trx);
      return { schedule: scheduleOf(row), row };
    });
  }

  /** Makes sure someone with a goal has a schedule (the default one unless they set another). */
  async ensure(user: User): Promise<ScheduleRow> {
    const row = await this.row(user.id);
    if (row && row.time_zone === user.time_zone) return row;
    return (await this.update(user, (s) => s)).row;
  }

  /** Stores default (or zone-corrected) schedules for several people in one statement. */
  async ensureMany(users: User[]): Promise<void> {
    if (users.length === 0) return;
    const existing = await this.db
      .selectFrom("checkin_schedules")
      .where(
        "user_id",
        "in",
        users.map((u) => u.id),
      )
      .selectAll()
      .execute();
    const byUser = new Map(existing.map((r) => [r.user_id, r]));
    const now = this.clock.now();
    const rows = users.map((u) => {
      const found = byUser.get(u.id);
      const schedule = found ? scheduleOf(found, u.time_zone) : defaultSchedule(u.time_zone);
      return {
        user_id: u.id,
        ...columnsOf(schedule),
        ...slotColumns(nextSlots(schedule, now)),
        updated_at: now,
      };
    });
    await this.db
      .insertInto("checkin_schedules")
      .values(rows)
      .onConflict((oc) =>
        oc.column("user_id").doUpdateSet((eb) => ({
          time_zone: eb.ref("excluded.time_zone"),
          next_checkin_at: eb.ref("excluded.next_checkin_at"),
          next_checkin_date: eb.ref("excluded.next_checkin_date"),
          next_checkin_slot: eb.ref("excluded.next_checkin_slot"),
          next_nudge_at: eb.ref("excluded.next_nudge_at"),
          next_nudge_date: eb.ref("excluded.next_nudge_date"),
          next_nudge_slot: eb.ref("excluded.next_nudge_slot"),
          snoozed_until: eb.ref("excluded.snoozed_until"),
          updated_at: eb.ref("excluded.updated_at"),
        })),
      )
      .execute();
  }

  private async store(userId: number, schedule: CheckinSchedule, db: Db) {
    const now = this.clock.now();
    const values = {
      ...columnsOf(schedule),
      ...slotColumns(nextSlots(schedule, now)),
      updated_at: now,
    };
    return db
      .insertInto("checkin_schedules")
      .values({ user_id: userId, ...values })
      .onConflict((oc) => oc.column("user_id").doUpdateSet(values))
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The person answered: fatigue counters reset and a quiet bot speaks again. */
  async acted(userId: number): Promise<void> {
    await this.db
      .updateTable("checkin_schedules")
      .set({ ignored_in_row: 0, quiet_since: null, last_acted_at: this.clock.now() })
      .where("user_id", "=", userId)
      .execute();
  }

  /**
   * Finds people whose stored slots are stale: a goal but no schedule yet, or a profile zone that
   * changed since the slots were computed. At most `limit` of each, in one query.
   */
  async stale(limit: number): Promise<User[]> {
    const rows = await sql<User>`
      (select u.* from users u
        where exists (select 1 from goals g where g.user_id = u.id and g.status = 'active')
          and not exists (select 1 from checkin_schedules s where s.user_id = u.id)
        limit ${limit})
      union all
      (select u.* from users u join checkin_schedules s on s.user_id = u.id
        where s.time_zone <> u.time_zone
        limit ${limit})`.execute(this.db);
    return rows.rows;
  }
}
