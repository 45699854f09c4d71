import { type Kysely, sql } from "kysely";
import type { Database, Platform } from "../../db/types.ts";
import { purgeWorkspace, workspacesDueForPurge } from "./erase.ts";

/** RETENTION_DAYS_AFTER_UNINSTALL's default. */
export const DEFAULT_RETENTION_DAYS = 30;

/** Purges every workspace uninstalled more than `days` days ago; returns how many. */
export async function purgeUninstalled(
  db: Kysely<Database>,
  now: Date,
  days: number,
): Promise<number> {
  let purged = 0;
  for (const id of await workspacesDueForPurge(db, now, days)) {
    if (await purgeWorkspace(db, id)) purged++;
  }
  return purged;
}

/**
 * Deletes xAPI statements kept unplaced past their expiry in every workspace. The statements
 * resource deletes them too, but only when its workspace next sends or reads; a workspace whose
 * LMS went quiet would keep them (often with an e-mail address) for ever.
 */
export async function purgeExpiredStatements(db: Kysely<Database>, now: Date): Promise<number> {
  const { numAffectedRows } = await sql`delete from xapi_statements
                                          where expires_at <= ${now}`.execute(db);
  return Number(numAffectedRows ?? 0);
}

/**
 * Notes when a workspace uninstalled Stackup (the first time only, so a repeated event does not
 * push the purge back), or clears it when Stackup is installed again.
 */
export async function markInstalled(
  db: Kysely<Database>,
  platform: Platform,
  externalId: string,
  installed: boolean,
  at: Date,
): Promise<void> {
  await db
    .updateTable("workspaces")
    .set({ uninstalled_at: installed ? null : at })
    .where("platform", "=", platform)
    .where("external_id", "=", externalId)
    .$if(!installed, (q) => q.where("uninstalled_at", "is", null))
    .execute();
}
