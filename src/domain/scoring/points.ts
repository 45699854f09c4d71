import { type Kysely, sql } from "kysely";
import { anyOf } from "../../db/arrays.ts";
import type { Database } from "../../db/types.ts";

/**
 * Points: the one place they are computed. Every leaderboard and digest reads them from here.
 *
 * - Logged hours: 1 point per hour, but at most 8 hours count per person per calendar day (in the
 *   person's own time zone), so a 20-hour log earns 8.
 * - A completed goal: half its estimated hours, rounded, and at least 5 (goals without an
 *   estimate earn 5). A verified completion earns a further 10 when its badge is trusted (its
 *   issuer, this person, this goal), unless the issuer revoked it.
 * - Weekly streak: each week (Monday to Sunday, in the person's zone) with hours logged, that
 *   follows a week which also had hours logged, earns 5.
 * Points fall in a window by when the hours were logged or the goal was completed.
 */
export const POINTS = {
  perHour: 1,
  dailyHourCap: 8,
  completionShareOfHours: 0.5,
  completionMinimum: 5,
  verifiedBonus: 10,
  streakWeek: 5,
} as const;

export interface Score {
  userId: number;
  /** Hours logged in the window, uncapped. */
  hours: number;
  completions: number;
  verified: number;
  /** Completions by how they are shown (shownState): ✓ verified, link only, unverified. */
  labels: CompletionLabels;
  streakWeeks: number;
  points: number;
}

export interface CompletionLabels {
  verified: number;
  linkOnly: number;
  unverified: number;
  /** The proven issuer domains of the ✓ verified ones, sorted. */
  issuers: string[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Hours per person in the window (capped per local day) and the weeks in a row with hours. */
function hourTables(from: Date, weekBefore: Date, to: Date) {
  return sql`events as (
      select p.user_id, p.time_zone, e.hours, e.occurred_at,
             e.occurred_at >= ${from} as in_window
      from people p
      join progress_events e on e.user_id = p.user_id
       and e.occurred_at >= ${weekBefore} and e.occurred_at < ${to}
    ),
    days as (
      select user_id, sum(hours) as hours,
             least(sum(hours), ${POINTS.dailyHourCap}) as capped
      from events where in_window
      group by user_id, (occurred_at at time zone time_zone)::date
    ),
    hours as (
      select user_id, sum(hours) as hours, sum(capped) as capped from days group by user_id
    ),
    weeks as (
      select user_id, date_trunc('week', occurred_at at time zone time_zone)::date as week,
             bool_or(in_window) as in_window
      from events group by 1, 2
    ),
    streaks as (
      select user_id, count(*) as weeks from (
        select user_id, week, in_window,
               lag(week) over (partition by user_id order by week) as previous
        from weeks
      ) w
      where in_window and previous = week - 7
      group by user_id
    )`;
}

/** Completions per person in the window, by label, with the points they earn. */
function doneTable(from: Date, to: Date) {
  return sql`done as (
      select g.user_id, count(*) as completions,
             count(*) filter (where c.verification_status = 'verified' and c.revoked_at is null
               and c.trusted) as verified,
             count(*) filter (where c.revoked_at is null and c.trusted
               and c.verification_status in ('verified', 'warning')) as shown_verified,
             array_agg(distinct c.issuer_domain order by c.issuer_domain)
               filter (where c.revoked_at is null and c.trusted and c.issuer_domain is not null
                 and c.verification_status in ('verified', 'warning')) as issuers,
             count(*) filter (where c.revoked_at is null
               and c.verification_status = 'link_only') as link_only,
             sum(greatest(round(coalesce(g.estimated_hours, 0) * ${POINTS.completionShareOfHours}),
                          ${POINTS.completionMinimum})
                 + case when c.verification_status = 'verified' and c.revoked_at is null
                         and c.trusted
                        then ${POINTS.verifiedBonus} else 0 end
             ) as points
      from people p
      join goals g on g.user_id = p.user_id and g.status = 'completed'
      join completions c on c.goal_id = g.id
      where c.completed_at >= ${from} and c.completed_at < ${to}
      group by g.user_id
    )`;
}

interface ScoreRow {
  user_id: number;
  hours: number;
  capped: number;
  completions: number;
  verified: number;
  shown_verified: number;
  issuers: string[] | null;
  link_only: number;
  completion_points: number;
  streak_weeks: number;
}

function scoreOf(r: ScoreRow): Score {
  return {
    userId: r.user_id,
    hours: round1(r.hours),
    completions: r.completions,
    verified: r.verified,
    labels: {
      verified: r.shown_verified,
      linkOnly: r.link_only,
      unverified: r.completions - r.shown_verified - r.link_only,
      issuers: r.issuers ?? [],
    },
    streakWeeks: r.streak_weeks,
    points: round1(
      r.capped * POINTS.perHour + r.completion_points + r.streak_weeks * POINTS.streakWeek,
    ),
  };
}

/** Scores of the given people over [from, to) in one query; people with nothing score 0. */
export async function scores(
  db: Kysely<Database>,
  userIds: readonly number[],
  from: Date,
  to: Date,
): Promise<Map<number, Score>> {
  const result = new Map<number, Score>();
  if (userIds.length === 0) return result;
  const weekBefore = new Date(from.getTime() - 8 * 24 * 3600 * 1000);
  const { rows } = await sql<ScoreRow>`
    with people as (
      select u.id as user_id, u.time_zone
      from users u where u.id = ${anyOf(userIds, "int")}
    ),
    ${hourTables(from, weekBefore, to)},
    ${doneTable(from, to)}
    select p.user_id,
           coalesce(h.hours, 0)::float8 as hours,
           coalesce(h.capped, 0)::float8 as capped,
           coalesce(d.completions, 0)::int as completions,
           coalesce(d.verified, 0)::int as verified,
           coalesce(d.shown_verified, 0)::int as shown_verified,
           d.issuers,
           coalesce(d.link_only, 0)::int as link_only,
           coalesce(d.points, 0)::float8 as completion_points,
           coalesce(s.weeks, 0)::int as streak_weeks
    from people p
    left join hours h on h.user_id = p.user_id
    left join done d on d.user_id = p.user_id
    left join streaks s on s.user_id = p.user_id
  `.execute(db);
  for (const r of rows) result.set(r.user_id, scoreOf(r));
  return result;
}
