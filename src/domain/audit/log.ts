import { type Kysely, sql } from "kysely";
import type { Database } from "../../db/types.ts";

/** Who did what to whose data; written in the transaction of the change it records. */
export interface AuditEntry {
  workspaceId: number;
  actorId: number | null;
  action: string;
  scope: string;
  subjectIds: number[];
  detail?: Record<string, unknown>;
  at: Date;
}

/** An entry as read back, with the actor's name when they still exist. */
export interface AuditRow {
  id: number;
  at: Date;
  action: string;
  scope: string;
  actorId: number | null;
  actorName: string | null;
  subjectIds: number[];
  detail: Record<string, unknown>;
}

export async function writeAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      workspace_id: entry.workspaceId,
      actor_id: entry.actorId,
      action: entry.action,
      scope: entry.scope,
      subject_ids: sql`${sql.val(entry.subjectIds)}::int[]`,
      detail: JSON.stringify(entry.detail ?? {}),
      at: entry.at,
    })
    .execute();
}

/** Entries of a workspace since `since`, newest first, optionally only those about `subjectId`. */
export async function readAudit(
  db: Kysely<Database>,
  workspaceId: number,
  options: { since: Date; subjectId?: number; actions?: string[]; limit?: number },
): Promise<AuditRow[]> {
  let q = db
    .selectFrom("audit_log as a")
    .leftJoin("users as u", "u.id", "a.actor_id")
    .where("a.workspace_id", "=", workspaceId)
    .where("a.at", ">=", options.since);
  if (options.subjectId !== undefined)
    q = q.where(sql<boolean>`${options.subjectId}::int = any(a.subject_ids)`);
  if (options.actions) q = q.where("a.action", "in", options.actions);
  const rows = await q
    .select([
      "a.id",
      "a.at",
      "a.action",
      "a.scope",
      "a.actor_id",
      "u.display_name",
      "a.subject_ids",
      "a.detail",
    ])
    .orderBy("a.at", "desc")
    .orderBy("a.id", "desc")
    .limit(options.limit ?? 1000)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: new Date(r.at),
    action: r.action,
    scope: r.scope,
    actorId: r.actor_id,
    actorName: r.display_name ?? null,
    subjectIds: (r.subject_ids as number[]) ?? [],
    detail: (r.detail as Record<string, unknown>) ?? {},
  }));
}
