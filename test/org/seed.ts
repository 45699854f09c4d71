import type { Kysely } from "kysely";
import type { Actor } from "../../src/commands/core.ts";
import type { Database } from "../../src/db/types.ts";
import { messageText, type Reply } from "../../src/messages/model.ts";

export function actor(
  user: string,
  name: string,
  options: { workspace?: string; tz?: string; email?: string; admin?: boolean } = {},
): Actor {
  return {
    platform: "slack",
    workspaceExternalId: options.workspace ?? "T1",
    userExternalId: user,
    profile: async () => ({
      displayName: name,
      email: options.email ?? `${user.toLowerCase()}@example.test`,
      timeZone: options.tz ?? "Europe/Berlin",
      // What Slack's users.info says of a workspace owner or admin.
      isAdmin: options.admin ?? false,
    }),
  };
}

export const text = (reply: Reply) => {
  if (reply.kind !== "message" && reply.kind !== "update") throw new Error(`got ${reply.kind}`);
  return messageText(reply.message);
};

export async function userId(db: Kysely<Database>, platformId: string, workspace = "T1") {
  const row = await db
    .selectFrom("users")
    .innerJoin("workspaces", "workspaces.id", "users.workspace_id")
    .where("users.platform_user_id", "=", platformId)
    .where("workspaces.external_id", "=", workspace)
    .select("users.id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A goal for a person, optionally on a credential; returns its id. */
export async function goal(
  db: Kysely<Database>,
  userId: number,
  title: string,
  createdAt: string,
  extra: { credentialId?: number; estimatedHours?: number; hoursPerWeek?: number } = {},
): Promise<number> {
  const row = await db
    .insertInto("goals")
    .values({
      user_id: userId,
      title,
      credential_id: extra.credentialId ?? null,
      estimated_hours: extra.estimatedHours ?? null,
      hours_per_week: extra.hoursPerWeek ?? 3,
      target_date: null,
      created_at: createdAt,
      updated_at: createdAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function log(
  db: Kysely<Database>,
  userId: number,
  goalId: number,
  hours: number,
  at: string,
) {
  await db
    .insertInto("progress_events")
    .values({ user_id: userId, goal_id: goalId, hours, note: null, occurred_at: at })
    .execute();
}

export async function complete(
  db: Kysely<Database>,
  goalId: number,
  at: string,
  verified: boolean,
) {
  await db
    .updateTable("goals")
    .set({ status: "completed", completed_at: new Date(at) })
    .where("id", "=", goalId)
    .execute();
  await db
    .insertInto("completions")
    .values({
      goal_id: goalId,
      evidence_url: null,
      verification_status: verified ? "verified" : "unverified",
      // a verified completion's badge passed the trust rules and names its issuer's domain
      trusted: verified,
      issuer_domain: verified ? "acme.example" : null,
      completed_at: at,
    })
    .execute();
}

export async function credential(
  db: Kysely<Database>,
  title: string,
  provider: string,
  hours: number,
  url: string,
): Promise<number> {
  const p = await db
    .insertInto("providers")
    .values({ name: provider, url: null })
    .onConflict((oc) => oc.column("name").doUpdateSet({ name: provider }))
    .returning("id")
    .executeTakeFirstOrThrow();
  const c = await db
    .insertInto("credentials")
    .values({
      provider_id: p.id,
      title,
      url,
      estimated_hours: hours,
      cost_usd: 0,
      level: "beginner",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return c.id;
}
