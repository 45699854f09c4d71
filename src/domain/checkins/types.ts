import type { ColumnType, Generated, Kysely, Selectable, Transaction } from "kysely";
import type { Database } from "../../db/types.ts";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DateOnly = string;

export interface CheckinSchedulesTable {
  user_id: number;
  enabled: Generated<boolean>;
  days: Generated<string[]>;
  local_time: Generated<string>;
  quiet_start: string | null;
  quiet_end: string | null;
  weekends_off: Generated<boolean>;
  paused_until: DateOnly | null;
  snoozed_until: Timestamp | null;
  time_zone: string;
  next_checkin_at: Timestamp | null;
  next_checkin_date: DateOnly | null;
  next_checkin_slot: string | null;
  next_nudge_at: Timestamp | null;
  next_nudge_date: DateOnly | null;
  next_nudge_slot: string | null;
  ignored_in_row: Generated<number>;
  quiet_since: Timestamp | null;
  last_checkin_at: Timestamp | null;
  last_acted_at: Timestamp | null;
  streak_celebrated: Generated<number>;
  /** When `streak_celebrated` was celebrated; null before anything was. */
  streak_celebrated_at: Timestamp | null;
  updated_at: Timestamp;
}

export type DeliveryKind = "checkin" | "nudge";
export type DeliveryStatus = "pending" | "sending" | "sent" | "skipped" | "failed";

export interface CheckinDeliveriesTable {
  id: Generated<number>;
  key: string;
  user_id: number;
  workspace_id: number;
  kind: DeliveryKind;
  local_date: DateOnly;
  slot: string;
  due_at: Timestamp;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  requeues: Generated<number>;
  uncertain: Generated<boolean>;
  enqueued_at: Timestamp;
  claimed_at: Timestamp | null;
  sent_at: Timestamp | null;
  /** When it was sent, skipped or failed; null while open (pending or sending). */
  closed_at: Timestamp | null;
  message_kind: string | null;
  goal_id: number | null;
  message_ref: string | null;
  error: string | null;
}

/** The tables this feature adds; the core's Database type stays as it is. */
export interface CheckinTables {
  checkin_schedules: CheckinSchedulesTable;
  checkin_deliveries: CheckinDeliveriesTable;
}

export type CheckinDatabase = Database & CheckinTables;
export type CheckinDb = Kysely<CheckinDatabase>;
export type CheckinTx = CheckinDb | Transaction<CheckinDatabase>;
export type ScheduleRow = Selectable<CheckinSchedulesTable>;
export type DeliveryRow = Selectable<CheckinDeliveriesTable>;

export function checkinDb(db: Kysely<Database>): CheckinDb {
  // Same connection; the type only learns about the tables this feature adds.
  return db as unknown as CheckinDb;
}
