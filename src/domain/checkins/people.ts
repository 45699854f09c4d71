import { type Kysely, sql } from "kysely";
import { anyOf } from "../../db/arrays.ts";
import type { Database, User } from "../../db/types.ts";
import { GoalRepository, type GoalRow } from "../goals/repository.ts";
import type { ClaimedDelivery } from "./deliveries.ts";
import { NUDGE_AFTER_CHECKIN_MS } from "./nudges.ts";

const DAY_MS = 86_400_000;

/** What composing needs of a person's own row. */
type PersonUser = Pick<
  User,
  "id" | "platform_user_id" | "time_zone" | "locale" | "platform_locale"
> & {
  workspace_locale: string | null;
};

export interface Person {
  user: PersonUser;
  ignored_in_row: number | null;
  quiet_since: Date | null;
  last_checkin_at: Date | null;
  last_acted_at: Date | null;
  streak_celebrated: number | null;
  streak_celebrated_at: Date | null;
  last_progress_at: Date | null;
  goals: GoalRow[];
  sentNudges: { message_kind: string | null; goal_id: number | null; sent_at: Date | null }[];
  weeks: string[];
  /** A check-in went out within NUDGE_AFTER_CHECKIN_MS, or one is on its way (nudged people only). */
  checkinRecent: boolean;
  /** Hours LMSs reported over xAPI this week, per goal (people due a check-in only). */
  lmsWeek: LmsHours[];
}

/** Time an LMS reported on a goal since the start of the person's week. */
export interface LmsHours {
  goalId: number;
  hours: number;
  /** The LMSs' names, as their xAPI credentials call them. */
  sources: string[];
}

/**
 * What the people behind a batch of deliveries need for their messages, in a fixed number of
 * queries whatever the batch size (three, six with nudges).
 */
export async function loadPeople(
  db: Kysely<Database>,
  deliveries: ClaimedDelivery[],
  now: Date,
): Promise<Map<number, Person>> {
  const ids = [...new Set(deliveries.map((d) => d.user_id))];
  const nudged = [...new Set(deliveries.filter((d) => d.kind === "nudge").map((d) => d.user_id))];
  const checked = [
    ...new Set(deliveries.filter((d) => d.kind === "checkin").map((d) => d.user_id)),
  ];
  const [found, goals, sent, weeks, recent, lms] = await Promise.all([
    db
      .selectFrom("users as u")
      .leftJoin("checkin_schedules as s", "s.user_id", "u.id")
      .innerJoin("workspaces as w", "w.id", "u.workspace_id")
      .where("u.id", "=", anyOf(ids, "int"))
      .select([
        "u.id",
        "u.platform_user_id",
        "u.time_zone",
        "u.locale",
        "u.platform_locale",
        "w.locale as workspace_locale",
        "s.ignored_in_row",
        "s.quiet_since",
        "s.last_checkin_at",
        "s.last_acted_at",
        "s.streak_celebrated",
        "s.streak_celebrated_at",
        sql<Date | null>`(select max(occurred_at) from progress_events p where p.user_id = u.id)`.as(
          "last_progress_at",
        ),
      ])
      .execute(),
    new GoalRepository(db).listForUsers(ids, ["active"]),
    nudged.length === 0
      ? []
      : db
          .selectFrom("checkin_deliveries")
          .where("user_id", "=", anyOf(nudged, "int"))
          .where("kind", "=", "nudge")
          .where("status", "=", "sent")
          .where("sent_at", ">=", new Date(now.getTime() - 60 * DAY_MS))
          .select(["user_id", "message_kind", "goal_id", "sent_at"])
          .execute(),
    nudged.length === 0
      ? []
      : sql<{ user_id: number; week: string }>`
          select distinct p.user_id,
            to_char(date_trunc('week', p.occurred_at at time zone u.time_zone), 'YYYY-MM-DD') as week
          from progress_events p join users u on u.id = p.user_id
          where p.user_id = ${anyOf(nudged, "int")}
            and p.occurred_at >= ${new Date(now.getTime() - 400 * DAY_MS)}`
          .execute(db)
          .then((r) => r.rows),
    nudged.length === 0
      ? []
      : db
          .selectFrom("checkin_deliveries")
          .where("user_id", "=", anyOf(nudged, "int"))
          .where("kind", "=", "checkin")
          .where((eb) =>
            eb.or([
              eb("sent_at", ">=", new Date(now.getTime() - NUDGE_AFTER_CHECKIN_MS)),
              eb.and([eb("sent_at", "is", null), eb("closed_at", "is", null)]),
            ]),
          )
          .select("user_id")
          .distinct()
          .execute(),
    lmsHoursThisWeek(db, checked, now),
  ]);
  const people = new Map<number, Person>();
  for (const row of found) {
    const {
      ignored_in_row,
      quiet_since,
      last_checkin_at,
      last_acted_at,
      streak_celebrated,
      streak_celebrated_at,
      last_progress_at,
      ...user
    } = row;
    people.set(user.id, {
      user,
      ignored_in_row,
      quiet_since,
      last_checkin_at,
      last_acted_at,
      streak_celebrated,
      streak_celebrated_at,
      last_progress_at,
      goals: [],
      sentNudges: [],
      weeks: [],
      checkinRecent: false,
      lmsWeek: [],
    });
  }
  for (const g of goals) people.get(g.user_id)?.goals.push(g);
  for (const s of sent) people.get(s.user_id)?.sentNudges.push(s);
  for (const w of weeks) people.get(w.user_id)?.weeks.push(w.week);
  for (const l of lms) people.get(l.user_id)?.lmsWeek.push(l);
  for (const r of recent) {
    const person = people.get(r.user_id);
    if (person) person.checkinRecent = true;
  }
  return people;
}

/**
 * Per person and goal, the hours xAPI statements added since Monday 00:00 in the person's zone
 * (voided ones are gone with their progress entries).
 */
async function lmsHoursThisWeek(
  db: Kysely<Database>,
  userIds: number[],
  now: Date,
): Promise<(LmsHours & { user_id: number })[]> {
  if (userIds.length === 0) return [];
  const { rows } = await sql<LmsHours & { user_id: number }>`
    select p.user_id, p.goal_id as "goalId", sum(p.hours)::float8 as hours,
      array_agg(distinct c.name order by c.name) as sources
    from progress_events p
    join users u on u.id = p.user_id
    join xapi_statements x on x.progress_event_id = p.id and not x.voided
    join xapi_credentials c on c.id = x.credential_id
    where p.user_id = ${anyOf(userIds, "int")}
      and p.occurred_at >= (date_trunc('week', ${now}::timestamptz at time zone u.time_zone)
        at time zone u.time_zone)
      and p.occurred_at <= ${now}
    group by p.user_id, p.goal_id`.execute(db);
  return rows;
}
