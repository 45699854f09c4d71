import type { ColumnType, Generated, Kysely, Transaction } from "kysely";
import type { Database } from "../../db/types.ts";

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
}

// Type aliases, not interfaces: withTables needs an index-compatible record.
/** Columns the learning sources add to catalog credentials and completions. */
export type SourceColumns = {
  credentials: {
    xapi_activities: Nullable<string[]>;
    credly_templates: Nullable<string[]>;
  };
  completions: {
    reported_by: Nullable<string>;
  };
};

export type XapiTables = SourceColumns & {
  xapi_credentials: XapiCredentialsTable;
  xapi_statements: XapiStatementsTable;
};

export type XapiDatabase = Database & XapiTables;
export type XapiDb = Kysely<XapiDatabase> | Transaction<XapiDatabase>;

/** The same connection, typed with the xAPI tables (migrations 020 and 021). */
export function xapiDb(db: Kysely<Database>): Kysely<XapiDatabase> {
  return db.withTables<XapiTables>();
}
