import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Db, GoalStatus } from "../../db/types.ts";
import type { Actor } from "./schema.ts";

/** A person an actor names, by one of the identifiers xAPI gives an agent. */
export type ActorKey =
  | { kind: "email"; value: string }
  | { kind: "sha1"; value: string }
  | { kind: "account"; value: string };

/** How Stackup could know the actor; null for groups and OpenID agents. */
export function actorKey(actor: Actor): ActorKey | null {
  if (actor.objectType === "Group") return null;
  if (actor.mbox) return { kind: "email", value: actor.mbox.slice("mailto:".length).toLowerCase() };
  if (actor.mbox_sha1sum) return { kind: "sha1", value: actor.mbox_sha1sum.toLowerCase() };
  if (actor.account) return { kind: "account", value: actor.account.name };
  return null;
}

const keyString = (k: ActorKey) => `${k.kind}:${k.value}`;

const sha1 = (email: string) => createHash("sha1").update(`mailto:${email}`).digest("hex");

/** People of one workspace by actor key, found in one query. */
export async function findPeople(
  db: Db,
  workspaceId: number,
  keys: ActorKey[],
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (keys.length === 0) return found;
  const emails = keys.filter((k) => k.kind === "email").map((k) => k.value);
  const sums = keys.filter((k) => k.kind === "sha1").map((k) => k.value);
  const accounts = keys.filter((k) => k.kind === "account").map((k) => k.value);
  const rows = await db
    .selectFrom("users")
    .where("workspace_id", "=", workspaceId)
    .select(["id", "platform_user_id", sql<string | null>`lower(email)`.as("email")])
    .where((eb) =>
      eb.or([
        ...(emails.length ? [eb(eb.fn("lower", ["email"]), "in", emails)] : []),
        // PostgreSQL has no built-in SHA-1: hashes are compared here, over those with an e-mail.
        ...(sums.length ? [eb("email", "is not", null)] : []),
        ...(accounts.length
          ? [
              eb("platform_user_id", "in", accounts),
              eb(
                eb.fn("lower", ["email"]),
                "in",
                accounts.map((a) => a.toLowerCase()),
              ),
            ]
          : []),
      ]),
    )
    .orderBy("id")
    .execute();
  for (const row of rows) {
    const candidates: ActorKey[] = [
      ...(row.email ? [{ kind: "email", value: row.email } as const] : []),
      ...(row.email && sums.length ? [{ kind: "sha1", value: sha1(row.email) } as const] : []),
      { kind: "account", value: row.platform_user_id },
      ...(row.email ? [{ kind: "account", value: row.email } as const] : []),
    ];
    for (const k of candidates) if (!found.has(keyString(k))) found.set(keyString(k), row.id);
  }
  // An LMS account name may be an e-mail written in another case.
  for (const k of keys) {
    if (k.kind === "account" && !found.has(keyString(k))) {
      const id = found.get(`account:${k.value.toLowerCase()}`);
      if (id !== undefined) found.set(keyString(k), id);
    }
  }
  return found;
}

export const personFor = (people: Map<string, number>, key: ActorKey | null) =>
  key ? people.get(keyString(key)) : undefined;

/** A catalog credential and the activity ids or prefixes mapped to it. */
export interface ActivityMapping {
  credentialId: number;
  title: string;
  patterns: string[];
}

/** Every catalog credential with xAPI activities mapped to it. */
export async function activityMappings(db: Db): Promise<ActivityMapping[]> {
  const rows = await db
    .selectFrom("credentials")
    .where("xapi_activities", "is not", null)
    .select(["id", "title", "xapi_activities"])
    .execute();
  return rows.map((r) => ({
    credentialId: r.id,
    title: r.title,
    patterns: r.xapi_activities ?? [],
  }));
}

/**
 * The credential an activity id maps to: an exact id first, else the longest prefix (a pattern
 * ending in "*"). Ids compare as xAPI compares IRIs, exactly.
 */
export function credentialFor(
  mappings: ActivityMapping[],
  activityId: string,
): ActivityMapping | undefined {
  let best: { mapping: ActivityMapping; length: number } | undefined;
  for (const mapping of mappings) {
    for (const pattern of mapping.patterns) {
      if (pattern === activityId) return mapping;
      if (pattern.endsWith("*")) {
        const prefix = pattern.slice(0, -1);
        if (activityId.startsWith(prefix) && (!best || prefix.length > best.length))
          best = { mapping, length: prefix.length };
      }
    }
  }
  return best?.mapping;
}

export interface OpenGoal {
  id: number;
  userId: number;
  credentialId: number;
  status: GoalStatus;
}

/** The open goals of these people for these credentials, keyed "user:credential". */
export async function openGoals(
  db: Db,
  userIds: number[],
  credentialIds: number[],
): Promise<Map<string, OpenGoal>> {
  const goals = new Map<string, OpenGoal>();
  if (userIds.length === 0 || credentialIds.length === 0) return goals;
  const rows = await db
    .selectFrom("goals")
    .where("user_id", "in", userIds)
    .where("credential_id", "in", credentialIds)
    .where("status", "in", ["active", "paused"])
    .select(["id", "user_id", "credential_id", "status"])
    .execute();
  for (const r of rows) {
    goals.set(`${r.user_id}:${r.credential_id}`, {
      id: r.id,
      userId: r.user_id,
      credentialId: r.credential_id!,
      status: r.status,
    });
  }
  return goals;
}
