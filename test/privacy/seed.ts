import { createHash } from "node:crypto";
import { type Kysely, sql } from "kysely";
import type { Database } from "../../src/db/types.ts";

// biome-ignore lint/suspicious/noExplicitAny: seeds every table, typed or not
type AnyDb = Kysely<any>;

export interface Seeded {
  id: number;
  platformId: string;
  name: string;
  email: string;
  goalId: number;
}

let n = 0;
const AT = "2026-11-02T10:00:00Z";

export async function workspace(
  db: Kysely<Database>,
  platform: "slack" | "teams",
  externalId: string,
): Promise<number> {
  const ws = await db
    .insertInto("workspaces")
    .values({ platform, external_id: externalId, name: externalId })
    .returning("id")
    .executeTakeFirstOrThrow();
  return ws.id;
}

/**
 * A person with a row in every table that can hold one, the way the features write them: the
 * privacy tests require that each table referring to people has rows here, so a new table must be
 * seeded (and so is checked by erase and export) before they pass.
 */
export async function seedPerson(
  db: Kysely<Database>,
  workspaceId: number,
  tag: string,
  others: { colleagueId?: number; managerId?: number; teamId?: number } = {},
): Promise<Seeded> {
  const d = db as AnyDb;
  n++;
  const platformId = `U${tag.toUpperCase()}PID${n}`;
  const name = `${tag} Person${n}`;
  const email = `${tag.toLowerCase()}${n}@mail${n}.example`;
  const { id } = await d
    .insertInto("users")
    .values({ workspace_id: workspaceId, platform_user_id: platformId, display_name: name, email })
    .returning("id")
    .executeTakeFirstOrThrow();
  const ws = await d
    .selectFrom("workspaces")
    .where("id", "=", workspaceId)
    .select(["platform", "external_id"])
    .executeTakeFirstOrThrow();
  const goal = await d
    .insertInto("goals")
    .values({ user_id: id, title: `${tag} goal ${n}`, hours_per_week: 2 })
    .returning("id")
    .executeTakeFirstOrThrow();
  const event = await d
    .insertInto("progress_events")
    .values({ goal_id: goal.id, user_id: id, hours: 1.5, note: `${tag} note`, occurred_at: AT })
    .returning("id")
    .executeTakeFirstOrThrow();
  const completion = await d
    .insertInto("completions")
    .values({
      goal_id: goal.id,
      evidence_url: `https://badges.example/${tag}${n}`,
      completed_at: AT,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await d
    .insertInto("verification_deliveries")
    .values({ completion_id: completion.id, kind: "result", sent_at: AT })
    .execute();
  await d.insertInto("checkin_schedules").values({ user_id: id, time_zone: "UTC" }).execute();
  await d
    .insertInto("checkin_deliveries")
    .values({
      key: `checkin:${id}:${n}`,
      user_id: id,
      workspace_id: workspaceId,
      kind: "checkin",
      local_date: "2026-11-02",
      slot: "10:00",
      due_at: AT,
      enqueued_at: AT,
    })
    .execute();
  const stack = await d.selectFrom("stacks").select("id").executeTakeFirstOrThrow();
  await d
    .insertInto("stack_completions")
    .values({ user_id: id, stack_id: stack.id, completed_at: AT, recorded_at: AT })
    .execute();
  await d
    .insertInto("study_blocks")
    .values({ user_id: id, weekday: 1, local_time: "09:00", minutes: 30, updated_at: AT })
    .execute();
  await d
    .insertInto("shares")
    .values({
      user_id: id,
      workspace_id: workspaceId,
      goal_id: goal.id,
      text: `${tag} shares`,
      audience: others.colleagueId ? "colleague" : "digest",
      colleague_id: others.colleagueId ?? null,
      created_at: AT,
    })
    .execute();
  await d
    .insertInto("org_people")
    .values({ user_id: id, workspace_id: workspaceId, manager_id: others.managerId ?? null })
    .execute();
  if (others.teamId)
    await d.insertInto("team_members").values({ team_id: others.teamId, user_id: id }).execute();
  await d
    .insertInto("org_deliveries")
    .values({
      idempotency_key: `summary:${id}`,
      kind: "summary",
      workspace_id: workspaceId,
      user_id: id,
      period_start: "2026-10-01",
      created_at: AT,
    })
    .execute();
  await d
    .insertInto("audit_log")
    .values({
      workspace_id: workspaceId,
      actor_id: others.managerId ?? null,
      action: "report.view",
      scope: "team",
      subject_ids: sql`array[${id}]::int[]`,
      at: AT,
    })
    .execute();
  await d.insertInto("rate_limit_hits").values({ user_id: id, action: "share", at: AT }).execute();
  await d
    .insertInto("credly_links")
    .values({ user_id: id, username: `${tag.toLowerCase()}-credly-${n}`, connected_at: AT })
    .execute();
  await d
    .insertInto("credly_badges")
    .values({
      user_id: id,
      badge_id: `badge-${n}`,
      name: `${tag} badge`,
      evidence_url: `https://credly.example/${tag}${n}`,
      state: "completed",
      goal_id: goal.id,
      seen_at: AT,
    })
    .execute();
  const cred = await d
    .insertInto("xapi_credentials")
    .values({
      workspace_id: workspaceId,
      name: `lms ${n}`,
      key: `key-${n}-${tag}`,
      secret_hash: "x",
      created_by: id,
      created_at: AT,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await d
    .insertInto("xapi_statements")
    .values({
      workspace_id: workspaceId,
      id: sql`gen_random_uuid()`,
      credential_id: cred.id,
      statement: JSON.stringify({ actor: { mbox: `mailto:${email}` } }),
      fingerprint: `f${n}`,
      verb: "completed",
      user_id: id,
      goal_id: goal.id,
      progress_event_id: event.id,
      outcome: "progress",
      stored_at: AT,
    })
    .execute();
  // Statements an LMS sent that matched no one: the actor as sent, by e-mail (in another case),
  // its SHA-1 and an account name, with no user id.
  const actors = [
    { mbox: `mailto:${email.toUpperCase()}` },
    { mbox_sha1sum: createHash("sha1").update(`mailto:${email}`).digest("hex") },
    { account: { homePage: "https://lms.example", name: platformId } },
  ];
  for (const [i, actor] of actors.entries()) {
    await d
      .insertInto("xapi_statements")
      .values({
        workspace_id: workspaceId,
        id: sql`gen_random_uuid()`,
        credential_id: cred.id,
        statement: JSON.stringify({ actor, verb: { id: "completed" } }),
        fingerprint: `u${n}-${i}`,
        verb: "completed",
        outcome: "unknown_actor",
        stored_at: AT,
        expires_at: "2026-12-02T10:00:00Z",
      })
      .execute();
  }
  if (ws.platform === "teams") {
    await d
      .insertInto("teams_conversation_references")
      .values({
        tenant_id: ws.external_id,
        kind: "personal",
        key: platformId,
        reference: JSON.stringify({ user: { aadObjectId: platformId, name } }),
      })
      .execute();
    await d
      .insertInto("teams_file_offers")
      .values({
        id: `offer-${n}`,
        tenant_id: ws.external_id,
        aad_object_id: platformId,
        filename: "report.csv",
        content_type: "text/csv",
        data: Buffer.from("x"),
      })
      .execute();
    await d
      .insertInto("teams_images")
      .values({
        id: `image-${n}`,
        tenant_id: ws.external_id,
        content_type: "image/png",
        data: Buffer.from("x"),
      })
      .execute();
  } else {
    await d
      .insertInto("slack_installations")
      .values({
        installation_key: `${ws.external_id}-${n}`,
        team_id: `${ws.external_id}-${n}`,
        workspace_id: workspaceId,
        bot_token_encrypted: Buffer.from("x"),
        token_key_id: "k",
        bot_user_id: "UBOT",
        bot_id: "BBOT",
        installer_user_id: platformId,
      })
      .execute();
  }
  return { id, platformId, name, email, goalId: goal.id };
}

/** Tables (with how many rows) whose row text contains any of `needles`. */
export async function tablesMentioning(
  db: Kysely<Database>,
  needles: string[],
): Promise<Record<string, number>> {
  const { rows: tables } = await sql<{ table: string }>`
    select table_name as "table" from information_schema.tables
     where table_schema = current_schema() and table_type = 'BASE TABLE'
       and table_name not like 'kysely_%'`.execute(db);
  const found: Record<string, number> = {};
  for (const { table } of tables) {
    const { rows } = await sql<{ n: string }>`
      select count(*) as n from ${sql.table(table)} t
       where ${sql.join(
         needles.map((x) => sql`position(${x} in row_to_json(t)::text) > 0`),
         sql` or `,
       )}`.execute(db);
    if (Number(rows[0]!.n) > 0) found[table] = Number(rows[0]!.n);
  }
  return found;
}
