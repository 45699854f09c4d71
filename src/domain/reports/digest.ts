import { type Kysely, sql } from "kysely";
import type { Database } from "../../db/types.ts";
import { addDays, type LocalDate, resolveLocal } from "../../time/schedule.ts";
import type { TeamRow } from "../org/repository.ts";
import { orgDb } from "../org/tables.ts";
import { scores } from "../scoring/points.ts";

/** Weeks shown in the digest's chart. */
export const CHART_WEEKS = 8;
export const TOP_LEARNERS = 3;

export interface DigestLearner {
  /** Null: the person appears as "a teammate". */
  name: string | null;
  points: number;
  hours: number;
}

export interface DigestCompletion {
  person: string | null;
  credential: string;
  provider: string | null;
  url: string | null;
}

export interface TeamDigest {
  team: TeamRow;
  /** Local date the digest belongs to; the week it covers ends the day before. */
  digestDate: LocalDate;
  /** Local first day of each charted week, oldest first; the last is the week just ended. */
  weekStarts: LocalDate[];
  /** Team hours per charted week, oldest first. */
  weeklyHours: number[];
  hours: number;
  lastWeekHours: number;
  top: DigestLearner[];
  completions: DigestCompletion[];
  newGoals: { person: string | null; title: string }[];
  members: number;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The digests of many teams at once. Each covers the seven local days before its digest date,
 * in the team's zone; weeks are counted in local dates, so a DST week is still one week.
 * Queries: members, weekly hours, completions and new goals once each, and scores once per
 * distinct week window (teams sharing a zone and day share it).
 */
export async function buildDigests(
  db: Kysely<Database>,
  items: { team: TeamRow; digestDate: LocalDate }[],
): Promise<TeamDigest[]> {
  if (items.length === 0) return [];
  const odb = orgDb(db);
  const teamIds = items.map((i) => i.team.id);
  const zones = items.map((i) => i.team.digest_time_zone);
  const dates = items.map((i) => i.digestDate);
  const bounds = items.map((i) => ({
    from: resolveLocal(addDays(i.digestDate, -7), "00:00", i.team.digest_time_zone),
    to: resolveLocal(i.digestDate, "00:00", i.team.digest_time_zone),
    chartFrom: resolveLocal(
      addDays(i.digestDate, -7 * CHART_WEEKS),
      "00:00",
      i.team.digest_time_zone,
    ),
  }));
  // A coarse instant range for the index; the exact week comes from local dates below.
  const lo = new Date(Math.min(...bounds.map((b) => b.chartFrom.getTime())) - 86_400_000);
  const hi = new Date(Math.max(...bounds.map((b) => b.to.getTime())) + 86_400_000);
  const teamsSql = sql`unnest(${sql.val(teamIds)}::int[], ${sql.val(zones)}::text[], ${sql.val(dates)}::date[]) as t(team_id, tz, digest_date)`;

  const [members, weekly, done, started] = await Promise.all([
    odb
      .selectFrom("team_members")
      .innerJoin("users", "users.id", "team_members.user_id")
      .leftJoin("org_people", "org_people.user_id", "users.id")
      .where("team_members.team_id", "in", teamIds)
      .select(["team_members.team_id", "users.id", "users.display_name", "org_people.leaderboard"])
      .execute(),
    sql<{ team_id: number; k: number; hours: number }>`
      select x.team_id, x.k, sum(x.hours)::float8 as hours from (
        select t.team_id, (t.digest_date - (e.occurred_at at time zone t.tz)::date - 1) / 7 as k,
               e.hours
        from ${teamsSql}
        join team_members m on m.team_id = t.team_id
        join progress_events e on e.user_id = m.user_id
         and e.occurred_at >= ${lo} and e.occurred_at < ${hi}
        where (e.occurred_at at time zone t.tz)::date < t.digest_date
          and (e.occurred_at at time zone t.tz)::date >= t.digest_date - ${7 * CHART_WEEKS}::int
      ) x group by x.team_id, x.k
    `.execute(db),
    sql<{
      team_id: number;
      user_id: number;
      title: string;
      provider: string | null;
      url: string | null;
    }>`
      select t.team_id, g.user_id, coalesce(cr.title, g.title) as title, pr.name as provider,
             coalesce(cr.url, c.evidence_url) as url
      from ${teamsSql}
      join team_members m on m.team_id = t.team_id
      join goals g on g.user_id = m.user_id and g.status = 'completed'
      join completions c on c.goal_id = g.id
      left join credentials cr on cr.id = g.credential_id
      left join providers pr on pr.id = cr.provider_id
      where (c.completed_at at time zone t.tz)::date < t.digest_date
        and (c.completed_at at time zone t.tz)::date >= t.digest_date - 7
      order by c.completed_at, g.id
    `.execute(db),
    sql<{ team_id: number; user_id: number; title: string }>`
      select t.team_id, g.user_id, g.title
      from ${teamsSql}
      join team_members m on m.team_id = t.team_id
      join goals g on g.user_id = m.user_id
      where g.created_at >= ${lo} and g.created_at < ${hi}
        and (g.created_at at time zone t.tz)::date < t.digest_date
        and (g.created_at at time zone t.tz)::date >= t.digest_date - 7
      order by g.created_at, g.id
    `.execute(db),
  ]);

  // Scores: one query per distinct week window.
  const windows = new Map<string, { from: Date; to: Date; users: Set<number> }>();
  const teamMembers = new Map<number, typeof members>();
  for (const m of members) {
    const list = teamMembers.get(m.team_id) ?? [];
    list.push(m);
    teamMembers.set(m.team_id, list);
  }
  items.forEach((item, i) => {
    const b = bounds[i]!;
    const key = `${b.from.toISOString()}/${b.to.toISOString()}`;
    const w = windows.get(key) ?? { from: b.from, to: b.to, users: new Set<number>() };
    for (const m of teamMembers.get(item.team.id) ?? []) w.users.add(m.id);
    windows.set(key, w);
  });
  const scored = new Map<string, Awaited<ReturnType<typeof scores>>>();
  await Promise.all(
    [...windows].map(async ([key, w]) => {
      scored.set(key, await scores(db, [...w.users], w.from, w.to));
    }),
  );

  const weeklyBy = new Map<string, number>();
  for (const r of weekly.rows) weeklyBy.set(`${r.team_id}:${r.k}`, r.hours);

  return items.map((item, i) => {
    const b = bounds[i]!;
    const list = teamMembers.get(item.team.id) ?? [];
    const shownName = (userId: number) => {
      const m = list.find((x) => x.id === userId);
      return m && (m.leaderboard ?? "shown") === "shown" ? m.display_name : null;
    };
    const weekScores = scored.get(`${b.from.toISOString()}/${b.to.toISOString()}`)!;
    const top = list
      .filter((m) => (m.leaderboard ?? "shown") !== "hidden")
      .map((m) => ({ m, s: weekScores.get(m.id) }))
      .filter((x) => x.s && x.s.points > 0)
      .sort((a, b2) => b2.s!.points - a.s!.points || a.m.id - b2.m.id)
      .slice(0, TOP_LEARNERS)
      .map(({ m, s }) => ({ name: shownName(m.id), points: s!.points, hours: s!.hours }));
    const weeklyHours = Array.from({ length: CHART_WEEKS }, (_, j) =>
      round1(weeklyBy.get(`${item.team.id}:${CHART_WEEKS - 1 - j}`) ?? 0),
    );
    return {
      team: item.team,
      digestDate: item.digestDate,
      weekStarts: Array.from({ length: CHART_WEEKS }, (_, j) =>
        addDays(item.digestDate, -7 * (CHART_WEEKS - j)),
      ),
      weeklyHours,
      hours: weeklyHours[CHART_WEEKS - 1]!,
      lastWeekHours: weeklyHours[CHART_WEEKS - 2]!,
      top,
      completions: done.rows
        .filter((c) => c.team_id === item.team.id)
        .map((c) => ({
          person: shownName(c.user_id),
          credential: c.title,
          provider: c.provider,
          url: c.url,
        })),
      newGoals: started.rows
        .filter((g) => g.team_id === item.team.id)
        .map((g) => ({ person: shownName(g.user_id), title: g.title })),
      members: list.length,
    };
  });
}
