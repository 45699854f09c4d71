import { type Kysely, sql } from "kysely";
import type { Database, Db, LeaderboardChoice, Role, User } from "../../db/types.ts";

export interface TeamRow {
  id: number;
  workspace_id: number;
  name: string;
  channel_id: string | null;
  channel_name: string | null;
  digest_day: number;
  digest_time: string;
  digest_time_zone: string;
  /** The digest's language; null: the workspace's. */
  locale: string | null;
}

export interface RoleFacts {
  stored: Role | null;
  /** Installed Stackup in this Slack workspace. */
  installer: boolean;
  hasReports: boolean;
}

/** A person reference resolved within one workspace. */
export interface PersonLookup {
  platformIds: { id: string; label: string | null }[];
  emails: string[];
  names: string[];
}

/** Longest manager chain followed; deeper ones are cut rather than looping. */
export const MAX_CHAIN_DEPTH = 64;

/** SQL for the organisation: teams, people, the manager tree and the audit log. */
export class OrgRepository {
  constructor(readonly db: Kysely<Database>) {}

  async roleFacts(user: User): Promise<RoleFacts> {
    const row = await this.db
      .selectNoFrom((eb) => [
        eb.selectFrom("org_people").where("user_id", "=", user.id).select("role").as("stored"),
        sql<boolean>`exists (select 1 from slack_installations
                              where workspace_id = ${user.workspace_id}
                                and installer_user_id = ${user.platform_user_id})`.as("installer"),
        eb
          .exists(eb.selectFrom("org_people").where("manager_id", "=", user.id).select("user_id"))
          .as("has_reports"),
      ])
      .executeTakeFirstOrThrow();
    return {
      stored: (row.stored as Role | null) ?? null,
      installer: Boolean(row.installer),
      hasReports: Boolean(row.has_reports),
    };
  }

  /** How the person chose to appear to others: by name ("shown", the default), or not. */
  async choiceOf(userId: number): Promise<LeaderboardChoice> {
    const row = await this.db
      .selectFrom("org_people")
      .where("user_id", "=", userId)
      .select("leaderboard")
      .executeTakeFirst();
    return row?.leaderboard ?? "shown";
  }

  /** Ensures each person has an org row (defaults for the rest). */
  async ensurePeople(workspaceId: number, userIds: number[], db: Db = this.db): Promise<void> {
    if (userIds.length === 0) return;
    await db
      .insertInto("org_people")
      .values(userIds.map((user_id) => ({ user_id, workspace_id: workspaceId })))
      .onConflict((oc) => oc.column("user_id").doNothing())
      .execute();
  }

  async team(workspaceId: number, name: string, db: Db = this.db): Promise<TeamRow | undefined> {
    return db
      .selectFrom("teams")
      .where("workspace_id", "=", workspaceId)
      .where(sql`lower(name)`, "=", name.toLowerCase())
      .selectAll()
      .executeTakeFirst();
  }

  async teamsOf(userId: number): Promise<TeamRow[]> {
    return this.db
      .selectFrom("teams")
      .innerJoin("team_members", "team_members.team_id", "teams.id")
      .where("team_members.user_id", "=", userId)
      .selectAll("teams")
      .orderBy("teams.name")
      .execute();
  }

  async teamById(id: number): Promise<TeamRow | undefined> {
    return this.db.selectFrom("teams").where("id", "=", id).selectAll().executeTakeFirst();
  }

  /** Creates a team; undefined when the workspace already has one by that name. */
  async createTeam(
    workspaceId: number,
    name: string,
    channel: { id: string; name: string | null } | null,
    db: Db = this.db,
  ): Promise<TeamRow | undefined> {
    return db
      .insertInto("teams")
      .values({
        workspace_id: workspaceId,
        name,
        channel_id: channel?.id ?? null,
        channel_name: channel?.name ?? null,
      })
      .onConflict((oc) => oc.expression(sql`workspace_id, lower(name)`).doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  /** Points the team's digests and shares at another channel. */
  async setChannel(
    teamId: number,
    channel: { id: string; name: string | null },
    db: Db = this.db,
  ): Promise<void> {
    await db
      .updateTable("teams")
      .set({ channel_id: channel.id, channel_name: channel.name })
      .where("id", "=", teamId)
      .execute();
  }

  async memberIds(teamId: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom("team_members")
      .where("team_id", "=", teamId)
      .select("user_id")
      .execute();
    return rows.map((r) => r.user_id);
  }

  /** Adds people to a team; returns the ids of those who were not in it yet. */
  async addMembers(teamId: number, userIds: number[], db: Db = this.db): Promise<number[]> {
    if (userIds.length === 0) return [];
    const added = await db
      .insertInto("team_members")
      .values(userIds.map((user_id) => ({ team_id: teamId, user_id })))
      .onConflict((oc) => oc.columns(["team_id", "user_id"]).doNothing())
      .returning("user_id")
      .execute();
    return added.map((r) => r.user_id);
  }

  async setDigest(
    teamId: number,
    day: number,
    time: string,
    zone: string,
    db: Db = this.db,
  ): Promise<void> {
    await db
      .updateTable("teams")
      .set({ digest_day: day, digest_time: time, digest_time_zone: zone })
      .where("id", "=", teamId)
      .execute();
  }

  async setRole(workspaceId: number, userId: number, role: Role, db: Db = this.db): Promise<void> {
    await db
      .insertInto("org_people")
      .values({ user_id: userId, workspace_id: workspaceId, role })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ role }))
      .execute();
  }

  async setChoice(
    workspaceId: number,
    userId: number,
    choice: { leaderboard?: LeaderboardChoice; monthly_summary?: boolean },
  ): Promise<void> {
    await this.db
      .insertInto("org_people")
      .values({ user_id: userId, workspace_id: workspaceId, ...choice })
      .onConflict((oc) => oc.column("user_id").doUpdateSet(choice))
      .execute();
  }

  /** Everyone below a manager, through the whole chain, never leaving the workspace. */
  async chain(workspaceId: number, managerId: number, db: Db = this.db): Promise<number[]> {
    const { rows } = await sql<{ user_id: number }>`
      with recursive chain(user_id, depth) as (
        select user_id, 1 from org_people
        where manager_id = ${managerId} and workspace_id = ${workspaceId}
        union
        select p.user_id, c.depth + 1 from org_people p
        join chain c on p.manager_id = c.user_id
        where p.workspace_id = ${workspaceId} and c.depth < ${MAX_CHAIN_DEPTH}
      )
      select distinct user_id from chain where user_id <> ${managerId}
    `.execute(db);
    return rows.map((r) => r.user_id);
  }

  /** The current manager of each person in the workspace (for cycle checks on import). */
  async managers(workspaceId: number, db: Db = this.db): Promise<Map<number, number>> {
    const rows = await db
      .selectFrom("org_people")
      .where("workspace_id", "=", workspaceId)
      .where("manager_id", "is not", null)
      .select(["user_id", "manager_id"])
      .execute();
    return new Map(rows.map((r) => [r.user_id, r.manager_id!]));
  }

  async setManager(
    workspaceId: number,
    userId: number,
    managerId: number | null,
    db: Db = this.db,
  ): Promise<void> {
    await db
      .insertInto("org_people")
      .values({ user_id: userId, workspace_id: workspaceId, manager_id: managerId })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ manager_id: managerId }))
      .execute();
  }

  /**
   * Finds people in one workspace by platform id, email or display name, in one query.
   * With `createMentioned`, platform ids the workspace hasn't seen yet become users now (named
   * from the mention), so an admin can add someone before they first open Stackup.
   */
  async findPeople(
    workspaceId: number,
    createMentioned: boolean,
    lookup: PersonLookup,
  ): Promise<
    { id: number; platform_user_id: string; email: string | null; display_name: string }[]
  > {
    if (createMentioned && lookup.platformIds.length > 0) {
      await this.db
        .insertInto("users")
        .values(
          lookup.platformIds.map((p) => ({
            workspace_id: workspaceId,
            platform_user_id: p.id,
            display_name: (p.label?.trim() || p.id).slice(0, 80),
            // Never read from the platform yet: the first contact refreshes the profile.
            updated_at: new Date(0),
          })),
        )
        .onConflict((oc) => oc.columns(["workspace_id", "platform_user_id"]).doNothing())
        .execute();
    }
    const { platformIds, emails, names } = lookup;
    return this.db
      .selectFrom("users")
      .where("workspace_id", "=", workspaceId)
      .where((eb) =>
        eb.or([
          eb("platform_user_id", "=", eb.fn.any(eb.val(platformIds.map((p) => p.id)))),
          eb(sql`lower(email)`, "=", eb.fn.any(eb.val(emails))),
          eb(sql`lower(display_name)`, "=", eb.fn.any(eb.val(names.map((n) => n.toLowerCase())))),
        ]),
      )
      .select(["id", "platform_user_id", "email", "display_name"])
      .execute();
  }

  async audit(
    entry: {
      workspaceId: number;
      actorId: number | null;
      action: string;
      scope: string;
      subjectIds: number[];
      detail?: Record<string, unknown>;
      at: Date;
    },
    db: Db = this.db,
  ): Promise<void> {
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
}
