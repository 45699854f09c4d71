import type { ColumnType, Generated, Selectable } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** `date` columns are kept as ISO "YYYY-MM-DD" strings so no time zone can shift them. */
type DateOnly = string;

export type Platform = "slack" | "teams";
export type GoalStatus = "active" | "paused" | "completed" | "dropped";
export type VerificationStatus =
  | "unverified"
  | "pending"
  | "verified"
  | "warning"
  | "invalid"
  | "link_only";
export type Level = "beginner" | "intermediate" | "advanced";

export interface WorkspacesTable {
  id: Generated<number>;
  platform: Platform;
  external_id: string;
  name: string | null;
  created_at: CreatedAt;
  /** Set when Stackup is uninstalled; its data is purged a retention period later. */
  uninstalled_at: Generated<Date | null>;
}

export interface UsersTable {
  id: Generated<number>;
  workspace_id: number;
  platform_user_id: string;
  display_name: string;
  email: string | null;
  time_zone: Generated<string>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** The platform calls them an admin (Slack owner or admin), as of the last profile refresh. */
  platform_admin: Generated<boolean>;
}

export interface ProvidersTable {
  id: Generated<number>;
  name: string;
  url: string | null;
  /** Domains the provider really issues badges from (its own, Credly, …). */
  issuer_domains: Generated<string[]>;
}

export interface CredentialsTable {
  id: Generated<number>;
  provider_id: number;
  title: string;
  url: string | null;
  estimated_hours: number;
  skills: Generated<string[]>;
  cost_usd: number | null;
  level: Level;
  created_at: CreatedAt;
}

export interface StacksTable {
  id: Generated<number>;
  role: string;
  title: string;
  description: string | null;
}

export interface StackCredentialsTable {
  stack_id: number;
  position: number;
  credential_id: number;
}

export interface GoalsTable {
  id: Generated<number>;
  user_id: number;
  credential_id: number | null;
  title: string;
  target_date: DateOnly | null;
  hours_per_week: number | null;
  estimated_hours: number | null;
  status: Generated<GoalStatus>;
  created_at: Timestamp;
  updated_at: Timestamp;
  completed_at: Date | null;
  /** Sum of the goal's progress_events hours; kept by triggers on progress_events, never written here. */
  logged_hours: ColumnType<number, never, never>;
  /** Latest occurred_at of the goal's progress_events; kept by the same triggers. */
  last_progress_at: ColumnType<Date | null, never, never>;
}

export interface ProgressEventsTable {
  id: Generated<number>;
  goal_id: number;
  user_id: number;
  hours: number;
  note: string | null;
  occurred_at: Timestamp;
  created_at: CreatedAt;
}

export interface CompletionsTable {
  id: Generated<number>;
  goal_id: number;
  evidence_url: string | null;
  verification_status: Generated<VerificationStatus>;
  completed_at: Timestamp;
  verdict: Generated<"valid" | "warning" | "invalid" | null>;
  credential_kind: Generated<"ob2" | "ob3" | "link_only" | "unknown" | null>;
  /** Verifier reasons ({ code, message, severity }[]); written as JSON text. */
  reasons: ColumnType<unknown[], string | undefined, string>;
  issuer_name: Generated<string | null>;
  issuer_id: Generated<string | null>;
  issuer_url: Generated<string | null>;
  achievement_name: Generated<string | null>;
  issued_on: Generated<Date | null>;
  expires_at: Generated<Date | null>;
  recipient_match: Generated<boolean | null>;
  /** The credential as received (object, or the JWS text as a JSON string); written as JSON text. */
  raw_credential: ColumnType<unknown, string | null | undefined, string | null>;
  checked_at: Generated<Date | null>;
  revoked_at: Generated<Date | null>;
  /** The badge is bound to an issuer identified by a domain; null when not checked so. */
  trusted: Generated<boolean | null>;
  /** The proven issuer domain, when the badge is trusted. */
  issuer_domain: Generated<string | null>;
  /** Why the badge is not trusted ({ code, message, severity }[]); written as JSON text. */
  trust_reasons: ColumnType<unknown[], string | undefined, string>;
  /** The badge certifies the goal's credential (catalog match or the person's confirmation). */
  matches_credential: Generated<boolean | null>;
  /** When the person confirmed that the badge is what their free-text goal was about. */
  badge_confirmed_at: Generated<Date | null>;
  /** When the badge check was last queued; a pending check older than that is lost and re-queued. */
  check_queued_at: Generated<Date | null>;
  /** Shown as verified before the trust rules; re-checked once under them. */
  trust_recheck_due: Generated<boolean>;
}

export interface VerificationDeliveriesTable {
  id: Generated<number>;
  completion_id: number;
  kind: "result" | "expiry_30" | "expiry_7" | "revoked" | "unverified";
  key: Generated<string>;
  sent_at: Timestamp;
}

export interface Database {
  workspaces: WorkspacesTable;
  users: UsersTable;
  providers: ProvidersTable;
  credentials: CredentialsTable;
  stacks: StacksTable;
  stack_credentials: StackCredentialsTable;
  goals: GoalsTable;
  progress_events: ProgressEventsTable;
  completions: CompletionsTable;
  verification_deliveries: VerificationDeliveriesTable;
}

export type User = Selectable<UsersTable>;
export type Goal = Selectable<GoalsTable>;
export type Credential = Selectable<CredentialsTable>;
