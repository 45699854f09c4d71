import type { Kysely } from "kysely";
import type { Database, Db, LeaderboardChoice, Role, User } from "../../db/types.ts";
import type { Clock } from "../../time/clock.ts";
import { OrgRepository, type TeamRow } from "./repository.ts";

/** Who made a change, for its audit entry; null when it came from the command line. */
export type AuditActor = { id: number } | null;

/** A person as typed in a command, already parsed from the platform's mention syntax. */
export type PersonRef =
  | { kind: "platform"; id: string; label: string | null }
  | { kind: "email"; email: string }
  | { kind: "name"; name: string };

export interface Person {
  id: number;
  displayName: string;
}

export type Resolved =
  | { ok: true; people: Person[] }
  | { ok: false; unknown: PersonRef[]; ambiguous: PersonRef[] };

/** Organisation rules: who is admin or manager, teams, the manager tree without cycles. */
export class OrgService {
  readonly repo: OrgRepository;

  constructor(
    db: Kysely<Database>,
    readonly clock: Clock,
    /** STACKUP_ADMINS: emails or platform user ids of people who are always admins. */
    private readonly admins: readonly string[] = [],
  ) {
    this.repo = new OrgRepository(db);
  }

  /**
   * Admin: listed in STACKUP_ADMINS (emails or platform ids, e.g. Teams AAD object ids), an owner
   * or admin of the Slack workspace (as of the last profile refresh), the person who installed
   * Stackup in Slack, or given the role by an admin. Being first to use Stackup makes no one
   * admin. Manager: set as manager, or anyone with direct reports. Else member.
   */
  async roleOf(user: User): Promise<Role> {
    const listed = this.admins.some(
      (a) =>
        a.toLowerCase() === user.email?.toLowerCase() ||
        a.toLowerCase() === user.platform_user_id.toLowerCase(),
    );
    if (listed || user.platform_admin) return "admin";
    const facts = await this.repo.roleFacts(user);
    if (facts.stored === "admin" || facts.installer) return "admin";
    if (facts.stored === "manager" || facts.hasReports) return "manager";
    return "member";
  }

  /**
   * Resolves every reference or names those it couldn't, in one query. With `createMentioned`
   * (admin set-up), a platform mention of someone who never used Stackup creates their user.
   */
  async resolve(
    workspaceId: number,
    refs: PersonRef[],
    options: { createMentioned?: boolean } = {},
  ): Promise<Resolved> {
    const rows = await this.repo.findPeople(workspaceId, options.createMentioned ?? false, {
      platformIds: refs.flatMap((r) =>
        r.kind === "platform" ? [{ id: r.id, label: r.label }] : [],
      ),
      emails: refs.flatMap((r) => (r.kind === "email" ? [r.email.toLowerCase()] : [])),
      names: refs.flatMap((r) => (r.kind === "name" ? [r.name] : [])),
    });
    const people: Person[] = [];
    const unknown: PersonRef[] = [];
    const ambiguous: PersonRef[] = [];
    for (const ref of refs) {
      const hits = rows.filter((u) =>
        ref.kind === "platform"
          ? u.platform_user_id === ref.id
          : ref.kind === "email"
            ? u.email?.toLowerCase() === ref.email.toLowerCase()
            : u.display_name.toLowerCase() === ref.name.toLowerCase(),
      );
      if (hits.length === 0) unknown.push(ref);
      else if (hits.length > 1) ambiguous.push(ref);
      else if (!people.some((p) => p.id === hits[0]!.id))
        people.push({ id: hits[0]!.id, displayName: hits[0]!.display_name });
    }
    if (unknown.length > 0 || ambiguous.length > 0) return { ok: false, unknown, ambiguous };
    return { ok: true, people };
  }

  /**
   * Creates a team, audited in the same transaction: the entry exists exactly when the team does.
   */
  async createTeam(
    workspaceId: number,
    name: string,
    channel: { id: string; name: string | null } | null,
    by: AuditActor,
  ): Promise<TeamRow | { error: "duplicate" }> {
    return this.repo.db.transaction().execute(async (trx) => {
      const team = await this.repo.createTeam(workspaceId, name, channel, trx);
      if (!team) return { error: "duplicate" } as const;
      await this.record(trx, by, workspaceId, "org.team.create", team.name, [], {
        team: team.id,
        channel: team.channel_id,
      });
      return team;
    });
  }

  /** Adds people to a team; the audit entry names those added, and is written only if any were. */
  async addMembers(
    workspaceId: number,
    team: TeamRow,
    people: Person[],
    by: AuditActor,
  ): Promise<number> {
    const ids = people.map((p) => p.id);
    return this.repo.db.transaction().execute(async (trx) => {
      await this.repo.ensurePeople(workspaceId, ids, trx);
      const added = await this.repo.addMembers(team.id, ids, trx);
      if (added.length > 0)
        await this.record(trx, by, workspaceId, "org.team.add", team.name, added, {
          team: team.id,
        });
      return added.length;
    });
  }

  /** Sets a manager unless it would make someone their own (indirect) manager. */
  async setManager(
    workspaceId: number,
    person: Person,
    manager: Person | null,
    by: AuditActor,
  ): Promise<{ ok: true } | { error: "cycle" }> {
    if (manager && manager.id === person.id) return { error: "cycle" };
    return this.repo.db.transaction().execute(async (trx) => {
      // Serialises manager changes per workspace so two concurrent edits can't form a loop.
      await trx
        .selectFrom("workspaces")
        .where("id", "=", workspaceId)
        .select("id")
        .forUpdate()
        .execute();
      if (manager) {
        const below = await this.repo.chain(workspaceId, person.id, trx);
        if (below.includes(manager.id)) return { error: "cycle" } as const;
        await this.repo.ensurePeople(workspaceId, [manager.id], trx);
      }
      await this.repo.setManager(workspaceId, person.id, manager?.id ?? null, trx);
      await this.record(trx, by, workspaceId, "org.manager", "manager", [person.id], {
        manager: manager?.id ?? null,
      });
      return { ok: true } as const;
    });
  }

  async setRole(workspaceId: number, person: Person, role: Role, by: AuditActor): Promise<void> {
    await this.repo.db.transaction().execute(async (trx) => {
      await this.repo.setRole(workspaceId, person.id, role, trx);
      await this.record(trx, by, workspaceId, "org.role", "role", [person.id], { role });
    });
  }

  /** Changes when a team's digest goes out, audited in the same transaction. */
  async setDigest(
    team: TeamRow,
    schedule: { day: number; time: string; timeZone: string },
    by: AuditActor,
  ): Promise<void> {
    await this.repo.db.transaction().execute(async (trx) => {
      await this.repo.setDigest(team.id, schedule.day, schedule.time, schedule.timeZone, trx);
      await this.record(trx, by, team.workspace_id, "org.digest", team.name, [], {
        team: team.id,
        before: { day: team.digest_day, time: team.digest_time, timeZone: team.digest_time_zone },
        after: schedule,
      });
    });
  }

  /** Sets the language of a team's digest (null: the workspace's), audited in the same transaction. */
  async setTeamLocale(team: TeamRow, locale: string | null, by: AuditActor): Promise<void> {
    await this.repo.db.transaction().execute(async (trx) => {
      await trx.updateTable("teams").set({ locale }).where("id", "=", team.id).execute();
      await this.record(trx, by, team.workspace_id, "org.team.language", team.name, [], {
        team: team.id,
        before: team.locale,
        after: locale,
      });
    });
  }

  /** Points a team's digests and shares at another channel, audited in the same transaction. */
  async setChannel(
    team: TeamRow,
    channel: { id: string; name: string | null },
    by: AuditActor,
  ): Promise<void> {
    await this.repo.db.transaction().execute(async (trx) => {
      await this.repo.setChannel(team.id, channel, trx);
      await this.record(trx, by, team.workspace_id, "org.channel", team.name, [], {
        team: team.id,
        before: team.channel_id,
        after: channel.id,
      });
    });
  }

  private async record(
    trx: Db,
    by: AuditActor,
    workspaceId: number,
    action: string,
    scope: string,
    subjectIds: number[],
    detail: Record<string, unknown>,
  ): Promise<void> {
    await this.repo.audit(
      {
        workspaceId,
        actorId: by?.id ?? null,
        action,
        scope,
        subjectIds,
        detail,
        at: this.clock.now(),
      },
      trx,
    );
  }

  async setLeaderboardChoice(user: User, choice: LeaderboardChoice): Promise<void> {
    await this.repo.setChoice(user.workspace_id, user.id, { leaderboard: choice });
  }

  /** Whether the monthly summary job picks this person: a manager, or anyone with reports. */
  async getsSummaries(user: User): Promise<boolean> {
    const facts = await this.repo.roleFacts(user);
    return facts.stored === "manager" || facts.hasReports;
  }

  async setMonthlySummary(user: User, on: boolean): Promise<void> {
    await this.repo.setChoice(user.workspace_id, user.id, { monthly_summary: on });
  }

  /** Records who saw or changed whose data. */
  async audit(
    actor: User | null,
    workspaceId: number,
    action: string,
    scope: string,
    subjectIds: number[],
    detail: Record<string, unknown> = {},
  ): Promise<void> {
    await this.repo.audit({
      workspaceId,
      actorId: actor?.id ?? null,
      action,
      scope,
      subjectIds,
      detail,
      at: this.clock.now(),
    });
  }
}
