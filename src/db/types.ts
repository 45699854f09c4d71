import type { ColumnType, Generated, Kysely, Selectable, Transaction } from "kysely";
import type {
  BadgeState,
  CredlyBadgesTable,
  CredlyLinksTable,
  XapiCredentialsTable,
  XapiOutcome,
  XapiStatementsTable,
} from "./tables/learning.ts";
import type {
  SlackInstallationsTable,
  TeamsConversationReferencesTable,
  TeamsFileOffersTable,
  TeamsImagesTable,
} from "./tables/platforms.ts";

export type {
  BadgeState,
  CredlyBadgesTable,
  CredlyLinksTable,
  SlackInstallationsTable,
  TeamsConversationReferencesTable,
  TeamsFileOffersTable,
  TeamsImagesTable,
  XapiCredentialsTable,
  XapiOutcome,
  XapiStatementsTable,
};

/**
 * Every table the migrations create, in one type: `Database`. The tables only the adapters and
 * the learning sources read are written in ./tables/ and re-exported here, so everything is
 * imported from this module. A test (test/db/schema-types.test.ts) compares `Database` with a
 * migrated schema, table by table and column by column.
 */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A timestamp every insert must give. */
type Moment = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** `date` columns are kept as ISO "YYYY-MM-DD" strings so no time zone can shift them. */
type DateOnly = string;
type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

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
  /** Slack: the Enterprise Grid organisation the workspace is in. */
  enterprise_id: string | null;
  /** The language for people whose platform names none, and for channel messages (BCP 47). */
  locale: Generated<string | null>;
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
  /** The locale their platform reports (BCP 47), as of the last profile refresh. */
  platform_locale: Generated<string | null>;
  /** The language they chose with `settings language`; wins over the platform's. */
  locale: Generated<string | null>;
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
  /** xAPI activity ids whose completion completes this credential. */
  xapi_activities: Nullable<string[]>;
  /** Credly badge template ids that certify this credential. */
  credly_templates: Nullable<string[]>;
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
  /** A shared badge file, kept until its check stores a result (a lost check can run again). */
  badge_file: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  /** Shown as verified before the trust rules; re-checked once under them. */
  trust_recheck_due: Generated<boolean>;
  /** The learning system that reported the completion (never shown as a verified badge). */
  reported_by: Nullable<string>;
}

export interface VerificationDeliveriesTable {
  id: Generated<number>;
  completion_id: number;
  kind: "result" | "expiry_30" | "expiry_7" | "revoked" | "unverified";
  key: Generated<string>;
  sent_at: Timestamp;
}

/** A badge check under way: one per completion across workers, until `expires_at`. */
export interface VerificationClaimsTable {
  completion_id: number;
  /** Which badge is being checked (a file's hash, the link, or the stored credential). */
  evidence: string;
  owner: string;
  expires_at: Date;
}

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
  /** The language of its digest (BCP 47); null: the workspace's. */
  locale: string | null;
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
  /** Written as JSON text. */
  detail: ColumnType<Record<string, unknown>, string | undefined, string>;
  at: Date;
}

/** One use of a per-person limited action (see src/domain/privacy/limits.ts). */
export interface RateLimitHitsTable {
  user_id: number;
  action: string;
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

export interface CheckinSchedulesTable {
  user_id: number;
  enabled: Generated<boolean>;
  days: Generated<string[]>;
  local_time: Generated<string>;
  quiet_start: string | null;
  quiet_end: string | null;
  weekends_off: Generated<boolean>;
  paused_until: DateOnly | null;
  snoozed_until: Moment | null;
  time_zone: string;
  next_checkin_at: Moment | null;
  next_checkin_date: DateOnly | null;
  next_checkin_slot: string | null;
  next_nudge_at: Moment | null;
  next_nudge_date: DateOnly | null;
  next_nudge_slot: string | null;
  ignored_in_row: Generated<number>;
  quiet_since: Moment | null;
  last_checkin_at: Moment | null;
  last_acted_at: Moment | null;
  streak_celebrated: Generated<number>;
  /** When `streak_celebrated` was celebrated; null before anything was. */
  streak_celebrated_at: Moment | null;
  updated_at: Moment;
}

export type CheckinDeliveryKind = "checkin" | "nudge";
export type CheckinDeliveryStatus = "pending" | "sending" | "sent" | "skipped" | "failed";

export interface CheckinDeliveriesTable {
  id: Generated<number>;
  key: string;
  user_id: number;
  workspace_id: number;
  kind: CheckinDeliveryKind;
  local_date: DateOnly;
  slot: string;
  due_at: Moment;
  status: Generated<CheckinDeliveryStatus>;
  attempts: Generated<number>;
  requeues: Generated<number>;
  uncertain: Generated<boolean>;
  enqueued_at: Moment;
  claimed_at: Moment | null;
  sent_at: Moment | null;
  /** When it was sent, skipped or failed; null while open (pending or sending). */
  closed_at: Moment | null;
  message_kind: string | null;
  goal_id: number | null;
  message_ref: string | null;
  error: string | null;
}

export interface StackCompletionsTable {
  user_id: number;
  stack_id: number;
  completed_at: Date;
  recorded_at: Date;
}

export interface StudyBlocksTable {
  user_id: number;
  weekday: number;
  local_time: string;
  minutes: number;
  updated_at: Date;
}

export type ShareAudience = "digest" | "team" | "colleague";
export type ShareDeliveryState = "none" | "pending" | "sending" | "sent" | "failed";

export interface SharesTable {
  id: Generated<number>;
  user_id: number;
  workspace_id: number;
  goal_id: number;
  text: string;
  audience: ShareAudience;
  team_channel_id: string | null;
  colleague_id: number | null;
  delivery: Generated<ShareDeliveryState>;
  delivery_ref: string | null;
  created_at: Date;
  delivered_at: Date | null;
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
  verification_claims: VerificationClaimsTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  org_people: OrgPeopleTable;
  audit_log: AuditLogTable;
  rate_limit_hits: RateLimitHitsTable;
  org_deliveries: OrgDeliveriesTable;
  checkin_schedules: CheckinSchedulesTable;
  checkin_deliveries: CheckinDeliveriesTable;
  stack_completions: StackCompletionsTable;
  study_blocks: StudyBlocksTable;
  shares: SharesTable;
  xapi_credentials: XapiCredentialsTable;
  xapi_statements: XapiStatementsTable;
  credly_links: CredlyLinksTable;
  credly_badges: CredlyBadgesTable;
  slack_installations: SlackInstallationsTable;
  teams_conversation_references: TeamsConversationReferencesTable;
  teams_file_offers: TeamsFileOffersTable;
  teams_images: TeamsImagesTable;
}

/** A connection or a transaction: what repositories take so a caller can run them inside one. */
export type Db = Kysely<Database> | Transaction<Database>;

export type User = Selectable<UsersTable>;
export type Goal = Selectable<GoalsTable>;
export type Credential = Selectable<CredentialsTable>;
