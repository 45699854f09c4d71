import { sql } from "kysely";
import type { Db } from "../../db/types.ts";

/** Per-person limits on what makes work or messages for others; more waits, nothing changes. */
export const LIMITS = {
  /** Shares submitted (each may post to a channel or a colleague's DM). */
  share: { max: 5, windowMs: 60 * 60_000 },
  /** Manager and admin reports (each reads a whole chain or team). */
  report: { max: 10, windowMs: 10 * 60_000 },
  /** Copies of one's data (each reads every table). */
  export: { max: 3, windowMs: 60 * 60_000 },
  /** Reading one's Credly profile on demand (each fetches from Credly). */
  sync: { max: 3, windowMs: 10 * 60_000 },
} as const;

export type LimitedAction = keyof typeof LIMITS;

export type LimitResult =
  | { ok: true }
  | { ok: false; max: number; windowMs: number; retryAfterMs: number };

/**
 * Counts one use of `action` by the person, or says how long until one is free. Uses are
 * counted under a per-person, per-action lock, so two at once cannot both take the last one.
 */
export async function takeLimit(
  db: Db,
  userId: number,
  action: LimitedAction,
  now: Date,
): Promise<LimitResult> {
  const { max, windowMs } = LIMITS[action];
  const since = new Date(now.getTime() - windowMs);
  const run = async (trx: Db): Promise<LimitResult> => {
    await sql`select pg_advisory_xact_lock(hashtext(${`rate:${action}`}), ${userId})`.execute(trx);
    await trx
      .deleteFrom("rate_limit_hits")
      .where("user_id", "=", userId)
      .where("action", "=", action)
      .where("at", "<=", since)
      .execute();
    const used = await trx
      .selectFrom("rate_limit_hits")
      .where("user_id", "=", userId)
      .where("action", "=", action)
      .select("at")
      .orderBy("at")
      .execute();
    if (used.length >= max) {
      const freeAt = new Date(used[used.length - max]!.at).getTime() + windowMs;
      return { ok: false, max, windowMs, retryAfterMs: Math.max(freeAt - now.getTime(), 1000) };
    }
    await trx.insertInto("rate_limit_hits").values({ user_id: userId, action, at: now }).execute();
    return { ok: true };
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}
