import { type Kysely, sql } from "kysely";
import type { Database, User } from "../../db/types.ts";
import type { StudyBlock } from "./calendar.ts";

/** Tuesday 12:00 for an hour: a lunch slot most calendars have free. */
export const DEFAULT_BLOCK: StudyBlock = { weekday: 2, time: "12:00", minutes: 60 };

const WEEKDAY_NUMBER: Record<string, number> = {
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
  sun: 7,
};

/**
 * The block to offer: the one the person chose last time, else the first day and time of their
 * check-ins (when check-ins are set up), else the default.
 */
export async function studyBlockFor(
  db: Kysely<Database>,
  user: User,
): Promise<{ block: StudyBlock; source: "saved" | "check-ins" | "default" }> {
  const saved = await db
    .selectFrom("study_blocks")
    .where("user_id", "=", user.id)
    .select(["weekday", "local_time", "minutes"])
    .executeTakeFirst();
  if (saved) {
    return {
      block: { weekday: saved.weekday, time: saved.local_time, minutes: saved.minutes },
      source: "saved",
    };
  }
  // Check-in settings belong to another feature; read them only where that table exists.
  const present = await sql<{ present: boolean }>`
    select to_regclass('checkin_schedules') is not null as present`.execute(db);
  if (present.rows[0]?.present) {
    const { rows: schedule } = await sql<{ days: string[]; local_time: string }>`
      select days, local_time from checkin_schedules where user_id = ${user.id}`.execute(db);
    const first = schedule[0];
    const weekday = first?.days.map((d) => WEEKDAY_NUMBER[d]).find((n) => n !== undefined);
    if (first && weekday && /^\d{2}:\d{2}$/.test(first.local_time)) {
      return { block: { weekday, time: first.local_time, minutes: 60 }, source: "check-ins" };
    }
  }
  return { block: DEFAULT_BLOCK, source: "default" };
}

export async function saveStudyBlock(
  db: Kysely<Database>,
  user: User,
  block: StudyBlock,
  now: Date,
): Promise<void> {
  const values = {
    weekday: block.weekday,
    local_time: block.time,
    minutes: block.minutes,
    updated_at: now,
  };
  await db
    .insertInto("study_blocks")
    .values({ user_id: user.id, ...values })
    .onConflict((oc) => oc.column("user_id").doUpdateSet(values))
    .execute();
}
