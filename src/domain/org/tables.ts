import type { ColumnType, Generated, Kysely, Transaction } from "kysely";
import type { Database } from "../../db/types.ts";

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type Role = "member" | "manager" | "admin";
export type LeaderboardChoice = "shown" | "anonymous" | "hidden";

export interface TeamsTable {
  id: Generated<number>;
  workspace_id: number;
  name: string;
  channel_id: string | null;
  channel_name: string | null;
  /** ISO weekday, 1 = Monday. */
  digest_day: Generated<number>;
  /** Local "HH:MM". */
  digest_time: Generated<string>;
  digest_time_zone: Generated<string>;
  created_at: CreatedAt;
}

export interface TeamMembersTable {
  team_id: number;
  user_id: number;
}

export interface OrgPeopleTable {
  user_id: number;
  workspace_id: number;
  /** Null: not set (a member, unless the platform or STACKUP_ADMINS says admin). */
  role: Role | null;
  manager_id: number | null;
  leaderboard: Generated<LeaderboardChoice>;
  monthly_summary: Generated<boolean>;
}

export interface AuditLogTable {
  id: Generated<number>;
  workspace_id: number;
  actor_id: number | null;
  action: string;
  scope: string;
  subject_ids: Generated<number[]>;
  detail: Generated<Record<string, unknown>>;
  at: Date;
}

export interface OrgDeliveriesTable {
  idempotency_key: string;
  kind: "digest" | "summary";
  workspace_id: number;
  team_id: number | null;
  user_id: number | null;
  period_start: string;
  status: Generated<"pending" | "sent" | "failed">;
  ref: string | null;
  created_at: Date;
  sent_at: Date | null;
}

// A type alias, not an interface: withTables needs an index-compatible record.
export type OrgTables = {
  teams: TeamsTable;
  team_members: TeamMembersTable;
  org_people: OrgPeopleTable;
  audit_log: AuditLogTable;
  org_deliveries: OrgDeliveriesTable;
};

export type OrgDatabase = Database & OrgTables;
export type OrgDb = Kysely<OrgDatabase> | Transaction<OrgDatabase>;

/** The same connection, typed with the organisation's tables (migration 005). */
export function orgDb(db: Kysely<Database>): Kysely<OrgDatabase> {
  return db.withTables<OrgTables>();
}
