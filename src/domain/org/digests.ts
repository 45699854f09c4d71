import type { Kysely } from "kysely";
import { sql } from "kysely";
import type { Database } from "../../db/types.ts";
import type { NoData } from "../../ports.ts";
import {
  addDays,
  isoWeekStartDate,
  isValidTimeZone,
  type LocalDate,
  localDateOf,
  resolveLocal,
} from "../../time/schedule.ts";
import type { TeamRow } from "./repository.ts";

export interface DueDigest {
  key: string;
  teamId: number;
  /** Local date of this week's digest slot. */
  digestDate: LocalDate;
  weekStart: LocalDate;
}

export interface DueSummary {
  key: string;
  userId: number;
  /** Local first day of the month being summarised. */
  monthStart: LocalDate;
}

/** The digest jobs and their data. */
export interface DigestJobs {
  "digests.tick": NoData;
  "digests.team": DueDigest;
  "digests.summary": DueSummary;
}

/** One digest per team per ISO week (in the team's zone), whatever its schedule says later. */
export const digestKey = (teamId: number, weekStart: LocalDate) => `digest:${teamId}:${weekStart}`;
export const summaryKey = (userId: number, monthStart: LocalDate) =>
  `summary:${userId}:${monthStart.slice(0, 7)}`;

/** This week's slot of a team: due from its local day and time until the week ends. */
export function digestSlot(team: TeamRow, now: Date): DueDigest | null {
  const zone = isValidTimeZone(team.digest_time_zone) ? team.digest_time_zone : "UTC";
  const weekStart = isoWeekStartDate(now, zone);
  const digestDate = addDays(weekStart, team.digest_day - 1);
  const at = resolveLocal(digestDate, team.digest_time, zone);
  const weekEnd = resolveLocal(addDays(weekStart, 7), "00:00", zone);
  if (at.getTime() > now.getTime() || now.getTime() >= weekEnd.getTime()) return null;
  return { key: digestKey(team.id, weekStart), teamId: team.id, digestDate, weekStart };
}

/**
 * Monthly summaries go out from 09:00 local on the 1st, for a few days: a summary of last month
 * arriving weeks late (a new manager, a long outage) is noise, so it is skipped instead.
 */
export const SUMMARY_TIME = "09:00";
export const SUMMARY_WINDOW_DAYS = 3;

export function summarySlot(userId: number, zone: string, now: Date): DueSummary | null {
  const tz = isValidTimeZone(zone) ? zone : "UTC";
  const today = localDateOf(now, tz);
  const monthStart = `${today.slice(0, 8)}01`;
  if (resolveLocal(monthStart, SUMMARY_TIME, tz).getTime() > now.getTime()) return null;
  if (today >= addDays(monthStart, SUMMARY_WINDOW_DAYS)) return null;
  const previous = localDateOf(resolveLocal(addDays(monthStart, -1), "12:00", tz), tz);
  return { key: summaryKey(userId, monthStart), userId, monthStart: `${previous.slice(0, 8)}01` };
}

/** Digests and summaries due now and not yet sent: three queries in all. */
export async function dueWork(
  db: Kysely<Database>,
  now: Date,
): Promise<{ digests: DueDigest[]; summaries: DueSummary[] }> {
  const [teams, managers] = await Promise.all([
    db.selectFrom("teams").where("channel_id", "is not", null).selectAll().execute(),
    sql<{ user_id: number; time_zone: string }>`
      select p.user_id, u.time_zone from org_people p join users u on u.id = p.user_id
      where p.monthly_summary
        and (p.role = 'manager' or exists (select 1 from org_people r where r.manager_id = p.user_id))
    `.execute(db),
  ]);
  const digests = teams.flatMap((t) => digestSlot(t, now) ?? []);
  const summaries = managers.rows.flatMap((m) => summarySlot(m.user_id, m.time_zone, now) ?? []);
  const keys = [...digests.map((d) => d.key), ...summaries.map((s) => s.key)];
  if (keys.length === 0) return { digests, summaries };
  const sent = new Set(
    (
      await db
        .selectFrom("org_deliveries")
        .where("idempotency_key", "in", keys)
        .where("status", "=", "sent")
        .select("idempotency_key")
        .execute()
    ).map((r) => r.idempotency_key),
  );
  return {
    digests: digests.filter((d) => !sent.has(d.key)),
    summaries: summaries.filter((s) => !sent.has(s.key)),
  };
}
