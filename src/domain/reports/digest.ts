import { type Kysely, sql } from "kysely";
import { anyOf, arrayOf, columnOf } from "../../db/arrays.ts";
import type { Database, LeaderboardChoice } from "../../db/types.ts";
import { type LocalDate, resolveLocal } from "../../time/schedule.ts";
import type { TeamRow } from "../org/repository.ts";
import { scores } from "../scoring/points.ts";
import { sharesBetween } from "../sharing/shares.ts";
import { stackCompletionsBetween } from "../stacks/repository.ts";
import { anonymousIssuer, shownTitle } from "../verification/repository.ts";
import { type ShownVerification, shownVerified } from "../verification/service.ts";
import { plusDays } from "./pace.ts";
import { type ShownColumns, shownOfColumns } from "./report.ts";

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

interface CompletionRow extends ShownColumns {
  title: string;
  provider: string | null;
  catalog_url: string | null;
  evidence_url: string | null;
}

function completionOf(c: CompletionRow, person: string): DigestCompletion {
  const shown = shownOfColumns(c);
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

interface Window {
  id: number;
  /** Local midnights starting each charted week, then the digest date's. */
  bounds: Date[];
  users: Set<number>;
}

interface Member {
  team_id: number;
  id: number;
  display_name: string;
  leaderboard: LeaderboardChoice | null;
}

/** The digests asked for, with the week window each one falls in. */
interface Batch {
  items: { team: TeamRow; digestDate: LocalDate }[];
  teamIds: number[];
  /** By item: its window. */
  windowOf: Window[];
  /** Each distinct window (zone and date) once, by id. */
  windows: Window[];
  /** The earliest and latest instant of any digest's week. */
  lo: Date;
  hi: Date;
}

const weekFromOf = (w: Window) => w.bounds[CHART_WEEKS - 1]!;
const weekToOf = (w: Window) => w.bounds[CHART_WEEKS]!;

/** Week boundaries resolved once per distinct zone and digest date. */
function batchOf(items: { team: TeamRow; digestDate: LocalDate }[]): Batch {
  const byKey = new Map<string, Window>();
  const windowOf = items.map((i) => {
    const key = `${i.team.digest_time_zone}|${i.digestDate}`;
    let w = byKey.get(key);
    if (!w) {
      w = {
        id: byKey.size,
        bounds: weekBounds(i.digestDate, i.team.digest_time_zone),
        users: new Set(),
      };
      byKey.set(key, w);
    }
    return w;
  });
  const windows = [...byKey.values()];
  return {
    items,
    teamIds: items.map((i) => i.team.id),
    windowOf,
    windows,
    lo: new Date(Math.min(...windows.map((w) => weekFromOf(w).getTime()))),
    hi: new Date(Math.max(...windows.map((w) => weekToOf(w).getTime()))),
  };
}

/** `unnest(…) as t(team_id, week_from, week_to)`: each team with its digest's week. */
const teamsWeekOf = (b: Batch) =>
  sql`unnest(${arrayOf(b.teamIds, "int")}, ${columnOf(b.windowOf, "timestamptz", weekFromOf)}, ${columnOf(b.windowOf, "timestamptz", weekToOf)}) as t(team_id, week_from, week_to)`;

async function membersOf(db: Kysely<Database>, teamIds: number[]): Promise<Member[]> {
  const members = await sql<Member>`
    select m.team_id, u.id, u.display_name, p.leaderboard
    from team_members m
    join users u on u.id = m.user_id
    left join org_people p on p.user_id = u.id
    where m.team_id = ${anyOf(teamIds, "int")} and ${notHidden("u.id")}
  `.execute(db);
  return members.rows;
}

/** Team hours per charted week: each event put in its week by comparing instants with bounds. */
function weeklyHoursOf(db: Kysely<Database>, b: Batch) {
  // Window bounds as columns b0 … b8 (one array per column), so comparisons stay scalar.
  const windowIds = columnOf(b.windows, "int", (w) => w.id);
  const boundCols = Array.from({ length: CHART_WEEKS + 1 }, (_, j) =>
    columnOf(b.windows, "timestamptz", (w) => w.bounds[j]!),
  );
  const boundNames = sql.raw(Array.from({ length: CHART_WEEKS + 1 }, (_, j) => `b${j}`).join(", "));
  const weekCases = Array.from(
    { length: CHART_WEEKS - 1 },
    (_, j) => sql`when e.occurred_at < w.${sql.raw(`b${j + 1}`)} then ${sql.lit(j + 1)}`,
  );
  const teamWindows = columnOf(b.windowOf, "int", (w) => w.id);
  return sql<{ team_id: number; k: number; hours: number }>`
      with w as materialized (
        select * from unnest(${windowIds}, ${sql.join(boundCols)}) as w(id, ${boundNames})
      )
      select t.team_id, case ${sql.join(weekCases, sql` `)} else ${sql.lit(CHART_WEEKS)} end as k,
             sum(e.hours)::float8 as hours
      from unnest(${arrayOf(b.teamIds, "int")}, ${teamWindows}) as t(team_id, w)
      join w on w.id = t.w
      join team_members m on m.team_id = t.team_id and ${notHidden("m.user_id")}
      join progress_events e on e.user_id = m.user_id
       and e.occurred_at >= w.b0 and e.occurred_at < w.b${sql.raw(String(CHART_WEEKS))}
      group by 1, 2
    `.execute(db);
}

function completionsOf(db: Kysely<Database>, b: Batch) {
  return sql<CompletionRow & { team_id: number; user_id: number }>`
      select t.team_id, g.user_id, ${shownTitle("c", "g", "cr")} as title, pr.name as provider,
             cr.url as catalog_url, c.evidence_url, c.trusted, c.verification_status,
             c.revoked_at is not null as revoked, c.issuer_domain,
             ${anonymousIssuer("c")} as anonymous
      from completions c
      join goals g on g.id = c.goal_id and g.status = 'completed'
      join team_members m on m.user_id = g.user_id and ${notHidden("m.user_id")}
      join ${teamsWeekOf(b)} on t.team_id = m.team_id
       and c.completed_at >= t.week_from and c.completed_at < t.week_to
      left join credentials cr on cr.id = g.credential_id
      left join providers pr on pr.id = cr.provider_id
      where c.completed_at >= ${b.lo} and c.completed_at < ${b.hi}
      order by c.completed_at, g.id
    `.execute(db);
}

function newGoalsOf(db: Kysely<Database>, b: Batch) {
  return sql<{ team_id: number; user_id: number; title: string }>`
      select t.team_id, g.user_id, g.title
      from ${teamsWeekOf(b)}
      join team_members m on m.team_id = t.team_id and ${notHidden("m.user_id")}
      join goals g on g.user_id = m.user_id
       and g.created_at >= t.week_from and g.created_at < t.week_to
      order by g.created_at, g.id
    `.execute(db);
}

/** Everything the batch's digests are made of, each query once (scores once per window). */
async function loadWeek(db: Kysely<Database>, b: Batch, members: Member[], now: Date) {
  const memberIds = new Set(members.map((m) => m.id));
  const single = new Set(b.items.map((i) => i.team.workspace_id)).size === 1;
  const workspaceId = b.items[0]!.team.workspace_id;
  const [weekly, done, started, stacks, shares, scored] = await Promise.all([
    weeklyHoursOf(db, b),
    completionsOf(db, b),
    newGoalsOf(db, b),
    stackCompletionsBetween(db, { from: b.lo, to: b.hi, ...(single ? { workspaceId } : {}) }, now),
    sharesBetween(
      db,
      single
        ? { from: b.lo, to: b.hi, workspaceId }
        : { from: b.lo, to: b.hi, userIds: [...memberIds] },
    ),
    Promise.all(b.windows.map((w) => scores(db, [...w.users], weekFromOf(w), weekToOf(w)))),
  ]);
  const weeklyBy = new Map<string, number>();
  for (const r of weekly.rows) weeklyBy.set(`${r.team_id}:${r.k}`, r.hours);
  return {
    weeklyBy,
    doneBy: groupBy(done.rows, (r) => r.team_id),
    startedBy: groupBy(started.rows, (r) => r.team_id),
    stacksBy: groupBy(stacks, (r) => r.userId),
    sharesBy: groupBy(shares, (r) => r.userId),
    scored,
  };
}

type Week = Awaited<ReturnType<typeof loadWeek>>;

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
  const batch = batchOf(items);
  const members = await membersOf(db, batch.teamIds);
  const teamMembers = groupBy(members, (m) => m.team_id);
  items.forEach((item, i) => {
    for (const m of teamMembers.get(item.team.id) ?? []) batch.windowOf[i]!.users.add(m.id);
  });
  const week = await loadWeek(db, batch, members, now);
  return items.map((item, i) =>
    teamDigest(item, batch.windowOf[i]!, teamMembers.get(item.team.id) ?? [], week),
  );
}

function teamDigest(
  item: { team: TeamRow; digestDate: LocalDate },
  w: Window,
  list: Member[],
  week: Week,
): TeamDigest {
  const from = weekFromOf(w).getTime();
  const to = weekToOf(w).getTime();
  const inWeek = (at: Date) => at.getTime() >= from && at.getTime() < to;
  const byId = new Map(list.map((m) => [m.id, m]));
  const shownName = (userId: number) => {
    const m = byId.get(userId);
    return m && (m.leaderboard ?? "shown") === "shown" ? m.display_name : null;
  };
  // Charted weeks are numbered 1 (oldest) to CHART_WEEKS.
  const weeklyHours = Array.from({ length: CHART_WEEKS }, (_, j) =>
    round1(week.weeklyBy.get(`${item.team.id}:${j + 1}`) ?? 0),
  );
  const ofMembers = <T extends { userId: number }>(by: Map<number, T[]>) =>
    list.flatMap((m) => by.get(m.id) ?? []);
  const completions = named(
    week.doneBy.get(item.team.id) ?? [],
    shownName,
    (c) => c.user_id,
    completionOf,
  );
  const newGoals = named(
    week.startedBy.get(item.team.id) ?? [],
    shownName,
    (g) => g.user_id,
    (g, person) => ({ person, title: g.title }),
  );
  const stacks = named(
    ofMembers(week.stacksBy)
      .filter((s) => inWeek(s.completedAt))
      .sort((a, b) => a.completedAt.getTime() - b.completedAt.getTime() || a.userId - b.userId),
    shownName,
    (s) => s.userId,
    (s, person) => ({ person, stack: s.stackTitle }),
  );
  const shared = named(
    ofMembers(week.sharesBy)
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
    top: topLearners(list, shownName, week.scored[w.id]!),
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
}

/** The team's top learners by points, among those shown by name. */
function topLearners(
  list: Member[],
  shownName: (userId: number) => string | null,
  weekScores: Week["scored"][number],
): DigestLearner[] {
  return list
    .filter((m) => shownName(m.id) !== null)
    .map((m) => ({ m, s: weekScores.get(m.id) }))
    .filter((x) => x.s && x.s.points > 0)
    .sort((a, b2) => b2.s!.points - a.s!.points || a.m.id - b2.m.id)
    .slice(0, TOP_LEARNERS)
    .map(({ m, s }) => ({ name: m.display_name, points: s!.points, hours: s!.hours }));
}
