import { type Kysely, type RawBuilder, sql } from "kysely";
import { anyOf } from "../../db/arrays.ts";
import type { Database, GoalStatus, VerificationStatus } from "../../db/types.ts";
import type { GoalPace } from "../goals/pace.ts";
import type { Window } from "../scoring/periods.ts";
import { anonymousIssuer, shownTitle } from "../verification/repository.ts";
import { type ShownVerification, shownVerified } from "../verification/service.ts";
import { PaceCalculator } from "./pace.ts";

/** A goal with no progress for this long is stalled. */
export const STALLED_AFTER_DAYS = 14;

export interface ReportGoal {
  title: string;
  status: GoalStatus;
  pace: GoalPace;
  stalled: boolean;
}

export interface ReportCompletion extends ShownVerification {
  credential: string;
  provider: string | null;
  completedAt: Date;
  /** Shown as ✓ verified: a trusted, verified (or verified-with-warning) badge not revoked since. */
  verified: boolean;
}

export interface PersonReport {
  userId: number;
  name: string;
  email: string | null;
  timeZone: string;
  hours: number;
  goals: ReportGoal[];
  completions: ReportCompletion[];
}

export interface Report {
  window: Window;
  people: PersonReport[];
  summary: { people: number; active: number; hours: number; completions: number };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const DAY_MS = 24 * 3600 * 1000;

/** An instant as whole epoch milliseconds, which the client reads far faster than a timestamp. */
const epochMs = (instant: RawBuilder<unknown>) =>
  sql<number>`trunc(extract(epoch from ${instant}) * 1000)::float8`;

interface GoalRow {
  id: number;
  user_id: number;
  title: string;
  status: GoalStatus;
  created_ms: number;
  target_date: string | null;
  hours_per_week: number | null;
  estimated_hours: number | null;
  logged_hours: number;
  last_ms: number | null;
}

/** The columns the report and digest queries select for how a completion is shown. */
export interface ShownColumns {
  verification_status: VerificationStatus;
  revoked: boolean;
  trusted: boolean | null;
  issuer_domain: string | null;
  anonymous: boolean;
}

export function shownOfColumns(c: ShownColumns): ShownVerification {
  return {
    status: c.verification_status,
    revoked: c.revoked,
    trusted: c.trusted,
    issuerDomain: c.issuer_domain,
    anonymous: c.anonymous,
  };
}

interface CompletionRow extends ShownColumns {
  user_id: number;
  title: string;
  provider: string | null;
  completed_at: Date;
}

/** The people, with the hours they logged in the window summed from their events. */
function peopleOf(db: Kysely<Database>, userIds: number[], window: Window) {
  return sql<{
    id: number;
    display_name: string;
    email: string | null;
    time_zone: string;
    hours: number;
  }>`
      select u.id, u.display_name, u.email, u.time_zone, coalesce(h.hours, 0)::float8 as hours
      from users u
      left join (
        select e.user_id, sum(e.hours) as hours from progress_events e
        where e.user_id = ${anyOf(userIds, "int")}
          and e.occurred_at >= ${window.from} and e.occurred_at < ${window.to}
        group by e.user_id
      ) h on h.user_id = u.id
      where u.id = ${anyOf(userIds, "int")}
      order by lower(u.display_name), u.id
    `.execute(db);
}

/** Open goals, with the totals the triggers keep on the goal row. */
function openGoalsOf(db: Kysely<Database>, userIds: number[]) {
  return sql<GoalRow>`
      select g.id, g.user_id, g.title, g.status, ${epochMs(sql`g.created_at`)} as created_ms,
             g.target_date::text as target_date, g.hours_per_week::float8 as hours_per_week,
             g.estimated_hours::float8 as estimated_hours, g.logged_hours::float8 as logged_hours,
             ${epochMs(sql`g.last_progress_at`)} as last_ms
      from goals g
      where g.user_id = ${anyOf(userIds, "int")} and g.status in ('active', 'paused')
      order by g.created_at, g.id
    `.execute(db);
}

function completionsOf(db: Kysely<Database>, userIds: number[], window: Window) {
  return sql<CompletionRow>`
      select g.user_id, ${shownTitle("c", "g", "cr")} as title, pr.name as provider,
             c.completed_at, c.verification_status, c.revoked_at is not null as revoked,
             c.trusted, c.issuer_domain, ${anonymousIssuer("c")} as anonymous
      from goals g
      join completions c on c.goal_id = g.id
      left join credentials cr on cr.id = g.credential_id
      left join providers pr on pr.id = cr.provider_id
      where g.user_id = ${anyOf(userIds, "int")} and g.status = 'completed'
        and c.completed_at >= ${window.from} and c.completed_at < ${window.to}
      order by c.completed_at, g.id
    `.execute(db);
}

function reportGoal(g: GoalRow, timeZone: string, paces: PaceCalculator, now: Date): ReportGoal {
  const lastMove = g.last_ms ?? g.created_ms;
  return {
    title: g.title,
    status: g.status,
    pace: paces.pace(
      {
        createdAt: new Date(g.created_ms),
        targetDate: g.target_date,
        hoursPerWeek: g.hours_per_week,
        estimatedHours: g.estimated_hours,
        loggedHours: g.logged_hours,
        status: g.status,
      },
      timeZone,
    ),
    stalled: g.status === "active" && now.getTime() - lastMove > STALLED_AFTER_DAYS * DAY_MS,
  };
}

function reportCompletion(c: CompletionRow): ReportCompletion {
  const shown = shownOfColumns(c);
  return {
    credential: c.title,
    provider: c.provider,
    completedAt: c.completed_at,
    verified: shownVerified(shown),
    ...shown,
  };
}

/**
 * Everything a manager report shows for `userIds` over `window`, in three queries. Each goal's
 * logged hours and last progress are read from the goal row (kept by triggers on
 * progress_events); only the window's hours are summed from events, in one grouped pass over the
 * people's index ranges. Pace needs luxon only once per time zone.
 */
export async function buildReport(
  db: Kysely<Database>,
  userIds: number[],
  window: Window,
  now: Date,
): Promise<Report> {
  if (userIds.length === 0) {
    return { window, people: [], summary: { people: 0, active: 0, hours: 0, completions: 0 } };
  }
  const [people, goals, completions] = await Promise.all([
    peopleOf(db, userIds, window),
    openGoalsOf(db, userIds),
    completionsOf(db, userIds, window),
  ]);
  const paces = new PaceCalculator(now);
  const byUser = new Map<number, PersonReport>();
  for (const u of people.rows) {
    byUser.set(u.id, {
      userId: u.id,
      name: u.display_name,
      email: u.email,
      timeZone: u.time_zone,
      hours: round1(u.hours),
      goals: [],
      completions: [],
    });
  }
  for (const g of goals.rows) {
    const person = byUser.get(g.user_id);
    if (person) person.goals.push(reportGoal(g, person.timeZone, paces, now));
  }
  for (const c of completions.rows) byUser.get(c.user_id)?.completions.push(reportCompletion(c));
  const list = [...byUser.values()];
  return {
    window,
    people: list,
    summary: {
      people: list.length,
      active: list.filter((p) => p.hours > 0 || p.completions.length > 0).length,
      hours: round1(list.reduce((s, p) => s + p.hours, 0)),
      completions: list.reduce((s, p) => s + p.completions.length, 0),
    },
  };
}
