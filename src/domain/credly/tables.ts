import type { ColumnType, Kysely, Transaction } from "kysely";
import type { Database } from "../../db/types.ts";
import type { SourceColumns } from "../xapi/tables.ts";

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** What became of a badge seen on a profile. */
export type BadgeState = "completed" | "confirm" | "offered" | "added" | "dismissed";

export interface CredlyLinksTable {
  user_id: number;
  username: string;
  connected_at: Date;
  /** When the profile was last read as the person's; null until its owner is confirmed. */
  synced_at: Nullable<Date>;
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

// A type alias, not an interface: withTables needs an index-compatible record.
export type CredlyTables = SourceColumns & {
  credly_links: CredlyLinksTable;
  credly_badges: CredlyBadgesTable;
};

export type CredlyDatabase = Database & CredlyTables;
export type CredlyDb = Kysely<CredlyDatabase> | Transaction<CredlyDatabase>;

/** The same connection, typed with the Credly tables (migrations 020 and 022). */
export function credlyDb(db: Kysely<Database>): Kysely<CredlyDatabase> {
  return db.withTables<CredlyTables>();
}
