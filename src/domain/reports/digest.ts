import { type Kysely, sql } from "kysely";
import { anyOf, arrayOf, columnOf } from "../../db/arrays.ts";
import type { Database, LeaderboardChoice, VerificationStatus } from "../../db/types.ts";
import { type LocalDate, resolveLocal } from "../../time/schedule.ts";
import type { TeamRow } from "../org/repository.ts";
import { scores } from "../scoring/points.ts";
import { sharesBetween } from "../sharing/shares.ts";
import { stackCompletionsBetween } from "../stacks/repository.ts";
import { anonymousIssuer } from "../verification/repository.ts";
import { type ShownVerification, shownVerified } from "../verification/service.ts";
import { plusDays } from "./pace.ts";

/** Weeks shown in the digest's chart. */
export const CHART_WEEKS = 8;
export const TOP_LEARNERS = 3;

export interface DigestLearner {
  name: string;
  points: number;
  hours: number;
}

export interface DigestCompletion extends ShownVerification {
  person: string;
  credential: string;
  provider: string | null;
  url: string | null;
}

export interface DigestStack {
  person: string;
  stack: string;
}

export interface DigestShare {
  person: string;
  goal: string;
  text: string;
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
  newGoals: { person: string; title: string }[];
  /** Whole stacks someone finished this week. */
  stacks: DigestStack[];
  /** "What I learned", as people chose to share it this week. */
  shares: DigestShare[];
  /** What people who chose "anonymous" did: counted here, never listed or named. */
  unnamed: DigestCounts;
  members: number;
}

export interface DigestCounts {
  completions: number;
  newGoals: number;
  stacks: number;
  shares: number;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * A person who chose "hidden" is left out of everything a digest counts or lists, totals and
 * member counts included, so nothing in a channel can point at them (in a team of two, a total
 * would).
 */
const notHidden = (userColumn: string) =>
  sql`not exists (select 1 from org_people hp
                   where hp.user_id = ${sql.ref(userColumn)} and hp.leaderboard = 'hidden')`;

/** Named people's items are listed; those of people who chose "anonymous" are only counted. */
function named<T, R>(
  rows: T[],
  nameOf: (userId: number) => string | null,
  userOf: (row: T) => number,
  view: (row: T, name: string) => R,
): { listed: R[]; unnamed: number } {
  const listed: R[] = [];
  for (const r of rows) {
    const name = nameOf(userOf(r));
    if (name !== null) listed.push(view(r, name));
  }
  return { listed, unnamed: rows.length - listed.length };
}

interface CompletionRow {
  title: string;
  provider: string | null;
  catalog_url: string | null;
  evidence_url: string | null;
  trusted: boolean | null;
  verification_status: VerificationStatus;
  revoked: boolean;
  issuer_domain: string | null;
  anonymous: boolean;
}

function completionOf(c: CompletionRow, person: string): DigestCompletion {
  const shown: ShownVerification = {
    status: c.verification_status,
    revoked: c.revoked,
    trusted: c.trusted,
    issuerDomain: c.issuer_domain,
    anonymous: c.anonymous,
  };
  return {
    person,
    credential: c.title,
    provider: c.provider,
    // A person's own evidence (often a page with their name) only when the badge was verified
    // and trusted; the catalog's page is anyone's to see.
    url:
      c.catalog_url ??
      (c.verification_status === "verified" && shownVerified(shown) ? c.evidence_url : null),
    ...shown,
  };
}

/** Local midnights starting each charted week, oldest first, then the digest date's. */
function weekBounds(digestDate: LocalDate, zone: string): Date[] {
  return Array.from({ length: CHART_WEEKS + 1 }, (_, j) =>
    resolveLocal(plusDays(digestDate, -7 * (CHART_WEEKS - j)), "00:00", zone),
  );
}

function groupBy<T>(rows: readonly T[], key: (row: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

/**
 * The digests of many teams at once. Each covers the seven local days before its digest date,
 * in the team's zone; weeks are counted in local dates, so a DST week is still one week.
 * Week boundaries are resolved once per distinct zone and date, then compared as instants, so
 * the indexes on event and completion times do the filtering. Queries: members, weekly hours,
 * completions, new goals, stack completions and shares once each, and scores once per distinct
 * week window (teams sharing a zone and day share it).
 */
export async function buildDigests(
  db: Kysely<Database>,
  items: { team: TeamRow; digestDate: LocalDate }[],
  now: Date,
): Promise<TeamDigest[]> {
  if (items.length === 0) return [];
  const windows = new Map<string, { id: number; bounds: Date[]; users: Set<number> }>();
  const windowOf = items.map((i) => {
    const key = `${i.team.digest_time_zone}|${i.digestDate}`;
    let w = windows.get(key);
    if (!w) {
      w = {
        id: windows.size,
        bounds: weekBounds(i.digestDate, i.team.digest_time_zone),
        users: new Set(),
      };
      windows.set(key, w);
    }
    return w;
  });
  const teamIds = items.map((i) => i.team.id);
  const teamWindows = columnOf(windowOf, "int", (w) => w.id);
  const weekFrom = columnOf(windowOf, "timestamptz", (w) => w.bounds[CHART_WEEKS - 1]!);
  const weekTo = columnOf(windowOf, "timestamptz", (w) => w.bounds[CHART_WEEKS]!);
  const all = [...windows.values()];
  const lo = new Date(Math.min(...all.map((w) => w.bounds[CHART_WEEKS - 1]!.getTime())));
  const hi = new Date(Math.max(...all.map((w) => w.bounds[CHART_WEEKS]!.getTime())));
  // Window bounds as columns b0 … b8 (one array per column), so comparisons stay scalar.
  const windowIds = columnOf(all, "int", (w) => w.id);
  const boundCols = Array.from({ length: CHART_WEEKS + 1 }, (_, j) =>
    columnOf(all, "timestamptz", (w) => w.bounds[j]!),
  );
  const boundNames = sql.raw(Array.from({ length: CHART_WEEKS + 1 }, (_, j) => `b${j}`).join(", "));
  const weekCases = Array.from(
    { length: CHART_WEEKS - 1 },
    (_, j) => sql`when e.occurred_at < w.${sql.raw(`b${j + 1}`)} then ${sql.lit(j + 1)}`,
  );
  const teamsWeek = sql`unnest(${arrayOf(teamIds, "int")}, ${weekFrom}, ${weekTo}) as t(team_id, week_from, week_to)`;

  const members = await sql<{
    team_id: number;
    id: number;
    display_name: string;
    leaderboard: LeaderboardChoice | null;
  }>`
    select m.team_id, u.id, u.display_name, p.leaderboard
    from team_members m
    join users u on u.id = m.user_id
    left join org_people p on p.user_id = u.id
    where m.team_id = ${anyOf(teamIds, "int")} and ${notHidden("u.id")}
  `.execute(db);
  const teamMembers = groupBy(members.rows, (m) => m.team_id);
  const memberIds = new Set<number>();
  items.forEach((item, i) => {
    for (const m of teamMembers.get(item.team.id) ?? []) {
      windowOf[i]!.users.add(m.id);
      memberIds.add(m.id);
    }
  });
  const single = new Set(items.map((i) => i.team.workspace_id)).size === 1;

  const [weekly, done, started, stacks, shares, scored] = await Promise.all([
    // Each event is put in its charted week by comparing instants with the window's bounds.
    sql<{ team_id: number; k: number; hours: number }>`
      with w as materialized (
        select * from unnest(${windowIds}, ${sql.join(boundCols)}) as w(id, ${boundNames})
      )
      select t.team_id, case ${sql.join(weekCases, sql` `)} else ${sql.lit(CHART_WEEKS)} end as k,
             sum(e.hours)::float8 as hours
      from unnest(${arrayOf(teamIds, "int")}, ${teamWindows}) as t(team_id, w)
      join w on w.id = t.w
      join team_members m on m.team_id = t.team_id and ${notHidden("m.user_id")}
      join progress_events e on e.user_id = m.user_id
       and e.occurred_at >= w.b0 and e.occurred_at < w.b${sql.raw(String(CHART_WEEKS))}
      group by 1, 2
    `.execute(db),
    sql<{
      team_id: number;
      user_id: number;
      title: string;
      provider: string | null;
      catalog_url: string | null;
      evidence_url: string | null;
      trusted: boolean | null;
      verification_status: VerificationStatus;
      revoked: boolean;
      issuer_domain: string | null;
      anonymous: boolean;
    }>`
      select t.team_id, g.user_id, coalesce(cr.title, g.title) as title, pr.name as provider,
             cr.url as catalog_url, c.evidence_url, c.trusted, c.verification_status,
             c.revoked_at is not null as revoked, c.issuer_domain,
             ${anonymousIssuer("c")} as anonymous
      from completions c
      join goals g on g.id = c.goal_id and g.status = 'completed'
      join team_members m on m.user_id = g.user_id and ${notHidden("m.user_id")}
      join ${teamsWeek} on t.team_id = m.team_id
       and c.completed_at >= t.week_from and c.completed_at < t.week_to
      left join credentials cr on cr.id = g.credential_id
      left join providers pr on pr.id = cr.provider_id
      where c.completed_at >= ${lo} and c.completed_at < ${hi}
      order by c.completed_at, g.id
    `.execute(db),
    sql<{ team_id: number; user_id: number; title: string }>`
      select t.team_id, g.user_id, g.title
      from ${teamsWeek}
      join team_members m on m.team_id = t.team_id and ${notHidden("m.user_id")}
      join goals g on g.user_id = m.user_id
       and g.created_at >= t.week_from and g.created_at < t.week_to
      order by g.created_at, g.id
    `.execute(db),
    stackCompletionsBetween(
      db,
      { from: lo, to: hi, ...(single ? { workspaceId: items[0]!.team.workspace_id } : {}) },
      now,
    ),
    sharesBetween(
      db,
      single
        ? { from: lo, to: hi, workspaceId: items[0]!.team.workspace_id }
        : { from: lo, to: hi, userIds: [...memberIds] },
    ),
    Promise.all(
      all.map((w) => scores(db, [...w.users], w.bounds[CHART_WEEKS - 1]!, w.bounds[CHART_WEEKS]!)),
    ),
  ]);

  const weeklyBy = new Map<string, number>();
  for (const r of weekly.rows) weeklyBy.set(`${r.team_id}:${r.k}`, r.hours);
  const doneBy = groupBy(done.rows, (r) => r.team_id);
  const startedBy = groupBy(started.rows, (r) => r.team_id);
  const stacksBy = groupBy(stacks, (r) => r.userId);
  const sharesBy = groupBy(shares, (r) => r.userId);

  return items.map((item, i) => {
    const w = windowOf[i]!;
    const from = w.bounds[CHART_WEEKS - 1]!.getTime();
    const to = w.bounds[CHART_WEEKS]!.getTime();
    const inWeek = (at: Date) => at.getTime() >= from && at.getTime() < to;
    const list = teamMembers.get(item.team.id) ?? [];
    const byId = new Map(list.map((m) => [m.id, m]));
    const shownName = (userId: number) => {
      const m = byId.get(userId);
      return m && (m.leaderboard ?? "shown") === "shown" ? m.display_name : null;
    };
    const weekScores = scored[w.id]!;
    const top = list
      .filter((m) => shownName(m.id) !== null)
      .map((m) => ({ m, s: weekScores.get(m.id) }))
      .filter((x) => x.s && x.s.points > 0)
      .sort((a, b2) => b2.s!.points - a.s!.points || a.m.id - b2.m.id)
      .slice(0, TOP_LEARNERS)
      .map(({ m, s }) => ({ name: m.display_name, points: s!.points, hours: s!.hours }));
    // Charted weeks are numbered 1 (oldest) to CHART_WEEKS.
    const weeklyHours = Array.from({ length: CHART_WEEKS }, (_, j) =>
      round1(weeklyBy.get(`${item.team.id}:${j + 1}`) ?? 0),
    );
    const ofMembers = <T extends { userId: number }>(by: Map<number, T[]>) =>
      list.flatMap((m) => by.get(m.id) ?? []);
    const completions = named(
      doneBy.get(item.team.id) ?? [],
      shownName,
      (c) => c.user_id,
      completionOf,
    );
    const newGoals = named(
      startedBy.get(item.team.id) ?? [],
      shownName,
      (g) => g.user_id,
      (g, person) => ({ person, title: g.title }),
    );
    const stacks = named(
      ofMembers(stacksBy)
        .filter((s) => inWeek(s.completedAt))
        .sort((a, b) => a.completedAt.getTime() - b.completedAt.getTime() || a.userId - b.userId),
      shownName,
      (s) => s.userId,
      (s, person) => ({ person, stack: s.stackTitle }),
    );
    const shared = named(
      ofMembers(sharesBy)
        .filter((s) => inWeek(s.sharedAt))
        .sort((a, b) => a.sharedAt.getTime() - b.sharedAt.getTime() || a.shareId - b.shareId),
      shownName,
      (s) => s.userId,
      (s, person) => ({ person, goal: s.goalTitle, text: s.text }),
    );
    return {
      team: item.team,
      digestDate: item.digestDate,
      weekStarts: Array.from({ length: CHART_WEEKS }, (_, j) =>
        plusDays(item.digestDate, -7 * (CHART_WEEKS - j)),
      ),
      weeklyHours,
      hours: weeklyHours[CHART_WEEKS - 1]!,
      lastWeekHours: weeklyHours[CHART_WEEKS - 2]!,
      top,
      completions: completions.listed,
      newGoals: newGoals.listed,
      stacks: stacks.listed,
      shares: shared.listed,
      unnamed: {
        completions: completions.unnamed,
        newGoals: newGoals.unnamed,
        stacks: stacks.unnamed,
        shares: shared.unnamed,
      },
      members: list.length,
    };
  });
}
