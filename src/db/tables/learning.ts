// Tables of the learning sources (xAPI statements from an LMS, Credly profiles); part of the
// Database type in ../types.ts.
import type { ColumnType, Generated } from "kysely";

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

export type XapiOutcome =
  | "progress"
  | "completed"
  | "voiding"
  | "ignored"
  | "no_goal"
  | "unknown_actor"
  | "unknown_activity";

export interface XapiCredentialsTable {
  id: Generated<number>;
  workspace_id: number;
  name: string;
  key: string;
  secret_hash: string;
  created_by: number | null;
  created_at: Date;
  revoked_at: Nullable<Date>;
}

export interface XapiStatementsTable {
  workspace_id: number;
  id: string;
  credential_id: number;
  /** The statement as stored (with id, stored, authority, version); written as JSON text. */
  statement: ColumnType<unknown, string, string>;
  fingerprint: string;
  verb: string;
  activity_id: string | null;
  voids: string | null;
  voided: Generated<boolean>;
  user_id: number | null;
  goal_id: number | null;
  progress_event_id: number | null;
  outcome: XapiOutcome;
  stored_at: Date;
  expires_at: Nullable<Date>;
  /** When the person was told an LMS completed their goal. */
  notified_at: Nullable<Date>;
}

/** What became of a badge seen on a Credly profile. */
export type BadgeState = "completed" | "confirm" | "offered" | "added" | "dismissed";

export interface CredlyLinksTable {
  user_id: number;
  username: string;
  connected_at: Date;
  /** When the profile was last read as the person's; null until its owner is confirmed. */
  synced_at: Nullable<Date>;
  /**
   * Its badges named the person at the last read. A profile the person only said was theirs is
   * not proven: its badges never stand in for a recipient check.
   */
  owner_proven: Generated<boolean>;
}

export interface CredlyBadgesTable {
  user_id: number;
  badge_id: string;
  name: string;
  template_id: string | null;
  evidence_url: string;
  state: BadgeState;
  goal_id: number | null;
  seen_at: Date;
}
