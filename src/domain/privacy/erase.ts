import { createHash } from "node:crypto";
import { type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import type { Database } from "../../db/types.ts";
import { type AuditEntry, writeAudit } from "../audit/log.ts";
import { looseWorkspaceTables, userColumns } from "./catalog.ts";

// biome-ignore lint/suspicious/noExplicitAny: erasure walks tables the typed schema doesn't name
type AnyTrx = Transaction<any>;

/**
 * Tables that know people by their platform id rather than a user id: Teams conversation
 * references and pending file offers (tenant + AAD object id). Checked by the erasure test, which
 * searches every row of every table for the person's platform id, name and email.
 */
async function erasePlatformIds(trx: AnyTrx, userIds: number[]): Promise<void> {
  const people = await trx
    .selectFrom("users")
    .innerJoin("workspaces", "workspaces.id", "users.workspace_id")
    .where("users.id", "in", userIds)
    .select([
      "workspaces.platform",
      "workspaces.external_id as tenant",
      "users.workspace_id",
      "users.platform_user_id",
    ])
    .execute();
  for (const p of people) {
    if (p.platform === "teams") {
      await sql`delete from teams_conversation_references
                 where tenant_id = ${p.tenant} and kind = 'personal' and key = ${p.platform_user_id}`.execute(
        trx,
      );
      await sql`delete from teams_file_offers
                 where tenant_id = ${p.tenant} and aad_object_id = ${p.platform_user_id}`.execute(
        trx,
      );
    } else {
      // The installation stays (the workspace still uses Stackup); who installed it is forgotten.
      await sql`update slack_installations set installer_user_id = ''
                 where installer_user_id = ${p.platform_user_id}
                   and workspace_id = ${p.workspace_id}`.execute(trx);
    }
  }
}

/**
 * xAPI statements an LMS sent about someone Stackup could not place keep the actor as sent (an
 * e-mail, its SHA-1, or an account name) with no user id. They are found by those identifiers,
 * as exact JSON strings, within the person's workspace.
 */
export function statementsAbout(p: {
  workspace_id: number;
  platform_user_id: string;
  email: string | null;
}): RawBuilder<boolean> {
  const needles = [p.platform_user_id, ...(p.email ? [p.email] : [])].map(
    (x) => `"${x.toLowerCase()}"`,
  );
  if (p.email) {
    const email = p.email.toLowerCase();
    needles.push(`"mailto:${email}"`);
    needles.push(`"${createHash("sha1").update(`mailto:${email}`).digest("hex")}"`);
  }
  const patterns = needles.map((n) => `%${n.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return sql<boolean>`(workspace_id = ${p.workspace_id}
    and lower(statement::text) like any(${sql.val(patterns)}::text[]))`;
}

async function eraseStatementsAbout(trx: AnyTrx, userIds: number[]): Promise<void> {
  const people = await trx
    .selectFrom("users")
    .where("id", "in", userIds)
    .select(["workspace_id", "platform_user_id", "email"])
    .execute();
  for (const p of people)
    await sql`delete from xapi_statements where ${statementsAbout(p)}`.execute(trx);
}

/**
 * Removes people and everything theirs inside `trx`: rows they own (a `user_id` column) go, with
 * what hangs off them by cascade (goals, progress, completions, pending deliveries); rows that only
 * mention them (a manager, a share's colleague, an audit entry's subject) lose the mention.
 */
export async function erasePeople(trx: AnyTrx, userIds: number[]): Promise<number> {
  if (userIds.length === 0) return 0;
  const ids = sql`${sql.val(userIds)}::int[]`;
  const columns = await userColumns(trx);
  for (const c of columns.filter((c) => c.owner)) {
    await sql`delete from ${sql.table(c.table)} where ${sql.ref(c.column)} = any(${ids})`.execute(
      trx,
    );
  }
  for (const c of columns.filter((c) => !c.owner)) {
    const col = sql.ref(c.column);
    const table = sql.table(c.table);
    if (c.array) {
      await sql`update ${table} set ${col} = array(select x from unnest(${col}) x where x <> all(${ids}))
                 where ${col} && ${ids}`.execute(trx);
    } else if (c.nullable) {
      await sql`update ${table} set ${col} = null where ${col} = any(${ids})`.execute(trx);
    } else {
      await sql`delete from ${table} where ${col} = any(${ids})`.execute(trx);
    }
  }
  await erasePlatformIds(trx, userIds);
  await eraseStatementsAbout(trx, userIds);
  const gone = await trx.deleteFrom("users").where("id", "in", userIds).executeTakeFirst();
  return Number(gone.numDeletedRows);
}

/** Erases one person in one transaction, with its audit entry written in the same one. */
export async function erasePerson(
  db: Kysely<Database>,
  userId: number,
  audit: Omit<AuditEntry, "subjectIds">,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const removed = await erasePeople(trx as AnyTrx, [userId]);
    if (removed === 0) return false;
    // The entry names no one: the person it was about no longer exists here.
    const actorId = audit.actorId === userId ? null : audit.actorId;
    await writeAudit(trx, { ...audit, actorId, subjectIds: [] });
    return true;
  });
}

/** Removes a workspace and everything in it, people first, in one transaction. */
export async function purgeWorkspace(db: Kysely<Database>, workspaceId: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const ws = await trx
      .selectFrom("workspaces")
      .where("id", "=", workspaceId)
      .select(["platform", "external_id"])
      .forUpdate()
      .executeTakeFirst();
    if (!ws) return false;
    const people = await trx
      .selectFrom("users")
      .where("workspace_id", "=", workspaceId)
      .select("id")
      .execute();
    await erasePeople(
      trx as AnyTrx,
      people.map((p) => p.id),
    );
    for (const table of await looseWorkspaceTables(trx)) {
      await sql`delete from ${sql.table(table)} where workspace_id = ${workspaceId}`.execute(trx);
    }
    if (ws.platform === "teams") {
      await sql`delete from teams_conversation_references where tenant_id = ${ws.external_id}`.execute(
        trx,
      );
      await sql`delete from teams_file_offers where tenant_id = ${ws.external_id}`.execute(trx);
      await sql`delete from teams_images where tenant_id = ${ws.external_id}`.execute(trx);
    }
    await trx.deleteFrom("workspaces").where("id", "=", workspaceId).execute();
    return true;
  });
}

/** Workspaces uninstalled more than `days` days before `now`. */
export async function workspacesDueForPurge(
  db: Kysely<Database>,
  now: Date,
  days: number,
): Promise<number[]> {
  const before = new Date(now.getTime() - days * 86_400_000);
  const rows = await db
    .selectFrom("workspaces")
    .where("uninstalled_at", "is not", null)
    .where("uninstalled_at", "<", before)
    .select("id")
    .execute();
  return rows.map((r) => r.id);
}
