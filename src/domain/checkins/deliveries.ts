import { type Kysely, sql } from "kysely";
import { anyOf, columnOf, type ElementType } from "../../db/arrays.ts";
import type { Database } from "../../db/types.ts";
import { type NextCheckin, nextCheckinAt } from "../../time/schedule.ts";
import {
  deliveryKey,
  nudgeSchedule,
  SCHEDULE_COLUMNS,
  type ScheduleColumns,
  scheduleOf,
} from "./slots.ts";
import type { DeliveryKind, DeliveryRow, ScheduleRow } from "./types.ts";

/** A delivery to hand to the queue. */
export interface DueDelivery {
  key: string;
  userId: number;
  workspaceId: number;
  kind: DeliveryKind;
  /** Bumped each time the delivery is re-enqueued, so the queue sees a new job. */
  requeues: number;
}

export type StateChange = Partial<
  Pick<
    ScheduleRow,
    | "ignored_in_row"
    | "quiet_since"
    | "last_checkin_at"
    | "streak_celebrated"
    | "streak_celebrated_at"
  >
>;

/** A claim as it was taken: only its holder may close or release it. */
export type HeldClaim = Pick<DeliveryRow, "key" | "claimed_at">;

/** What a sender needs of a claimed delivery. */
const CLAIMED = ["key", "user_id", "kind", "due_at", "claimed_at", "uncertain"] as const;
export type ClaimedDelivery = Pick<DeliveryRow, (typeof CLAIMED)[number]>;

export type Claim =
  | { state: "claimed"; delivery: ClaimedDelivery }
  | { state: "done" }
  | { state: "busy"; until: Date };

const AT = { checkin: "next_checkin_at", nudge: "next_nudge_at" } as const;

/**
 * The delivery ledger. A slot becomes a `pending` row in the same transaction that advances the
 * schedule past it, so a slot is either still due or recorded, never both and never neither.
 * Sending goes pending → sending (a lease) → sent; a lease that runs out is taken over.
 */
export class DeliveryRepository {
  constructor(readonly db: Kysely<Database>) {}

  /**
   * Records up to `limit` due slots of one kind and moves their schedules on, in one transaction
   * with one select; rows locked by a concurrent tick are skipped, not waited for.
   */
  async takeDue(kind: DeliveryKind, now: Date, limit: number): Promise<DueDelivery[]> {
    const at = AT[kind];
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom("checkin_schedules as s")
        .innerJoin("users as u", "u.id", "s.user_id")
        .where(`s.${at}`, "<=", now)
        .orderBy(`s.${at}`)
        .orderBy("s.user_id")
        .limit(limit)
        .forUpdate("s")
        .skipLocked()
        // Only what the slots are computed from: every other column would be parsed for nothing.
        .select(SCHEDULE_COLUMNS.map((c) => `s.${c}` as const))
        .select([
          "s.user_id",
          `s.${at}`,
          `s.next_${kind}_date`,
          `s.next_${kind}_slot`,
          "u.workspace_id",
          "u.time_zone as user_zone",
        ])
        .execute();
      if (rows.length === 0) return [];
      const due: DueDelivery[] = [];
      const deliveries: {
        key: string;
        user_id: number;
        workspace_id: number;
        kind: DeliveryKind;
        local_date: string;
        slot: string;
        due_at: Date;
        enqueued_at: Date;
      }[] = [];
      const updates: ReturnType<typeof advance>[] = [];
      const memo = new Map<string, NextCheckin | null>();
      for (const row of rows) {
        const date = row[`next_${kind}_date`];
        const slot = row[`next_${kind}_slot`];
        const dueAt = row[at];
        if (date && slot && dueAt) {
          const key = deliveryKey(kind, row.user_id, date, slot);
          deliveries.push({
            key,
            user_id: row.user_id,
            workspace_id: row.workspace_id,
            kind,
            local_date: date,
            slot,
            due_at: dueAt,
            enqueued_at: now,
          });
          due.push({ key, userId: row.user_id, workspaceId: row.workspace_id, kind, requeues: 0 });
        }
        updates.push(advance(row, row.user_zone, kind, now, memo));
      }
      // The slots recorded and the schedules moved past them in one statement: a round trip fewer
      // for each batch, which counts when the worker's event loop is busy sending. Columns as
      // arrays: thirteen parameters for any batch, far below PostgreSQL's 65,535.
      const col = (type: ElementType, pick: (d: (typeof deliveries)[number]) => unknown) =>
        columnOf(deliveries, type, pick);
      await sql`
        with advanced as (${advanceStatement(kind, updates)})
        insert into checkin_deliveries
          (key, user_id, workspace_id, kind, local_date, slot, due_at, enqueued_at)
        select * from unnest(
          ${col("text", (d) => d.key)}, ${col("int", (d) => d.user_id)},
          ${col("int", (d) => d.workspace_id)}, ${col("text", (d) => d.kind)},
          ${col("date", (d) => d.local_date)}, ${col("text", (d) => d.slot)},
          ${col("timestamptz", (d) => d.due_at.toISOString())},
          ${col("timestamptz", (d) => d.enqueued_at.toISOString())})
        on conflict (key) do nothing`.execute(trx);
      return due;
    });
  }

  /**
   * Re-enqueues what the queue may have lost: pending rows not picked up in time (Redis lost its
   * jobs, or a job gave up) and claims whose lease ran out (the worker died). One statement.
   */
  async takeStale(
    now: Date,
    options: { requeueAfterMs: number; leaseMs: number; limit: number },
  ): Promise<DueDelivery[]> {
    const pendingBefore = new Date(now.getTime() - options.requeueAfterMs);
    const leaseBefore = new Date(now.getTime() - options.leaseMs);
    const rows = await sql<{
      key: string;
      user_id: number;
      workspace_id: number;
      kind: DeliveryKind;
      requeues: number;
    }>`
      update checkin_deliveries d set requeues = d.requeues + 1, enqueued_at = ${now}
      where d.key in (
        select key from checkin_deliveries
        where closed_at is null and enqueued_at < ${pendingBefore}
          and (status = 'pending' or (status = 'sending' and claimed_at < ${leaseBefore}))
        order by enqueued_at
        limit ${options.limit}
        for update skip locked)
      returning d.key, d.user_id, d.workspace_id, d.kind, d.requeues`.execute(this.db);
    return rows.rows.map((r) => ({
      key: r.key,
      userId: r.user_id,
      workspaceId: r.workspace_id,
      kind: r.kind,
      requeues: r.requeues,
    }));
  }

  /**
   * Marks pending deliveries as just enqueued (they wait in a delayed job for their workspace's
   * budget), so the sweep doesn't enqueue them again meanwhile.
   */
  async touch(keys: string[], now: Date): Promise<void> {
    if (keys.length === 0) return;
    await this.db
      .updateTable("checkin_deliveries")
      .set({ enqueued_at: now })
      .where("key", "=", anyOf(keys, "text"))
      .where(sql<boolean>`case when status = 'pending' then true else false end`)
      .execute();
  }

  /**
   * Takes deliveries for sending: pending rows, or ones whose previous claim outlived its lease
   * (marked uncertain: that attempt may have reached the platform). One statement for all keys,
   * and a second only for keys not taken, so concurrent jobs share a round trip.
   */
  async claimMany(keys: string[], now: Date, leaseMs: number): Promise<Map<string, Claim>> {
    const leaseBefore = new Date(now.getTime() - leaseMs);
    const claims = new Map<string, Claim>();
    if (keys.length === 0) return claims;
    // Keys as one array parameter: a chunk's statement is then parsed and bound at the cost of one.
    const claimed = await this.db
      .updateTable("checkin_deliveries")
      .set((eb) => ({
        status: "sending",
        claimed_at: now,
        attempts: eb("attempts", "+", 1),
        uncertain: sql<boolean>`uncertain or status = 'sending'`,
      }))
      .where("key", "=", anyOf(keys, "text"))
      // As a CASE, which the planner can't match to the open-deliveries index: with statistics a
      // burst of new rows has outdated, it would otherwise read every open row for a few keys.
      .where(
        sql<boolean>`case when status = 'pending' then true
          when status = 'sending' then claimed_at < ${leaseBefore} else false end`,
      )
      .returning(CLAIMED)
      .execute();
    for (const row of claimed) claims.set(row.key, { state: "claimed", delivery: row });
    const rest = keys.filter((k) => !claims.has(k));
    if (rest.length > 0) {
      const rows = await this.db
        .selectFrom("checkin_deliveries")
        .where("key", "=", anyOf(rest, "text"))
        .select(["key", "status", "claimed_at"])
        .execute();
      const byKey = new Map(rows.map((r) => [r.key, r]));
      for (const key of rest) {
        const row = byKey.get(key);
        claims.set(
          key,
          row?.status === "sending" && row.claimed_at
            ? { state: "busy", until: new Date(row.claimed_at.getTime() + leaseMs) }
            : { state: "done" },
        );
      }
    }
    return claims;
  }

  /**
   * Sent, for many deliveries in one statement: each still-claimed row becomes sent and each
   * person's state moves on (the message went out either way). Returns the keys recorded.
   */
  async markSentMany(
    sent: {
      delivery: Pick<DeliveryRow, "key" | "user_id" | "claimed_at">;
      result: { ref: string; messageKind: string; goalId: number | null; at: Date };
      state: StateChange;
    }[],
  ): Promise<Set<string>> {
    if (sent.length === 0) return new Set();
    // Columns as arrays, unnested: a few parameters however many rows.
    const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
    // One row per person (a check-in and a nudge may share a batch); later changes win.
    const merged = new Map<number, StateChange>();
    for (const { delivery, state } of sent) {
      if (Object.keys(state).length > 0)
        merged.set(delivery.user_id, { ...merged.get(delivery.user_id), ...state });
    }
    const has = (s: StateChange, k: keyof StateChange) => Object.hasOwn(s, k);
    const states = [...merged];
    const scheduleUpdate =
      states.length === 0
        ? sql``
        : sql`, s as (
            update checkin_schedules s set
              ignored_in_row = case when w.has_ignored then w.ignored else s.ignored_in_row end,
              quiet_since = case when w.has_quiet then w.quiet else s.quiet_since end,
              last_checkin_at = case when w.has_last then w.last else s.last_checkin_at end,
              streak_celebrated = case when w.has_streak then w.streak else s.streak_celebrated end,
              streak_celebrated_at =
                case when w.has_streak_at then w.streak_at else s.streak_celebrated_at end
            from unnest(
              ${columnOf(states, "int", ([id]) => id)},
              ${columnOf(states, "boolean", ([, s]) => has(s, "ignored_in_row"))},
              ${columnOf(states, "int", ([, s]) => s.ignored_in_row ?? null)},
              ${columnOf(states, "boolean", ([, s]) => has(s, "quiet_since"))},
              ${columnOf(states, "timestamptz", ([, s]) => iso(s.quiet_since))},
              ${columnOf(states, "boolean", ([, s]) => has(s, "last_checkin_at"))},
              ${columnOf(states, "timestamptz", ([, s]) => iso(s.last_checkin_at))},
              ${columnOf(states, "boolean", ([, s]) => has(s, "streak_celebrated"))},
              ${columnOf(states, "int", ([, s]) => s.streak_celebrated ?? null)},
              ${columnOf(states, "boolean", ([, s]) => has(s, "streak_celebrated_at"))},
              ${columnOf(states, "timestamptz", ([, s]) => iso(s.streak_celebrated_at))})
              as w(user_id, has_ignored, ignored, has_quiet, quiet, has_last, last, has_streak, streak,
                has_streak_at, streak_at)
            where s.user_id = w.user_id)`;
    const done = await sql<{ key: string }>`
      with d as (
        update checkin_deliveries c set status = 'sent', sent_at = v.at, closed_at = v.at,
          message_ref = v.ref,
          message_kind = v.kind, goal_id = v.goal_id, uncertain = false, error = null
        from unnest(
          ${columnOf(sent, "text", (r) => r.delivery.key)},
          ${columnOf(sent, "text", (r) => r.result.ref)},
          ${columnOf(sent, "text", (r) => r.result.messageKind)},
          ${columnOf(sent, "int", (r) => r.result.goalId)},
          ${columnOf(sent, "timestamptz", (r) => iso(r.result.at))},
          ${columnOf(sent, "timestamptz", (r) => iso(r.delivery.claimed_at))})
          as v(key, ref, kind, goal_id, at, claimed_at)
        where c.key = v.key and c.claimed_at = v.claimed_at
          and (case when c.status = 'sending' then true else false end)
        returning c.key)${scheduleUpdate}
      select key from d`.execute(this.db);
    return new Set(done.rows.map((r) => r.key));
  }

  /** Nothing to say (no active goals, quiet, capped): closed without a message. */
  async markSkipped(
    claim: HeldClaim,
    reason: string,
    at: Date,
    state: Partial<Pick<ScheduleRow, "ignored_in_row" | "quiet_since">> = {},
    userId?: number,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("checkin_deliveries")
        .set({ status: "skipped", error: reason, closed_at: at })
        .where("key", "=", claim.key)
        .where("claimed_at", "=", claim.claimed_at)
        .where("status", "=", "sending")
        .execute();
      if (userId !== undefined && Object.keys(state).length > 0) {
        await trx
          .updateTable("checkin_schedules")
          .set(state)
          .where("user_id", "=", userId)
          .execute();
      }
    });
  }

  async markFailed(claim: HeldClaim, reason: string, at: Date): Promise<void> {
    await this.db
      .updateTable("checkin_deliveries")
      .set({ status: "failed", error: reason.slice(0, 500), closed_at: at })
      .where("key", "=", claim.key)
      .where("claimed_at", "=", claim.claimed_at)
      .where("status", "=", "sending")
      .execute();
  }

  /**
   * Keeps a claim whose send got no answer (timed out, connection lost), re-stamped to `now`: the
   * platform may still be acting on the request, so no one looks for it there, or sends again,
   * until a whole lease has passed since it was given up. The sweep then queues it again.
   */
  async hold(claim: HeldClaim, reason: string, now: Date): Promise<void> {
    await this.db
      .updateTable("checkin_deliveries")
      .set({ claimed_at: now, uncertain: true, error: reason.slice(0, 500) })
      .where("key", "=", claim.key)
      .where("claimed_at", "=", claim.claimed_at)
      .where("status", "=", "sending")
      .execute();
  }

  /** Gives the claim back after a failed attempt; `uncertain` when it may have been delivered. */
  async release(claim: HeldClaim, uncertain: boolean, reason: string): Promise<void> {
    await this.db
      .updateTable("checkin_deliveries")
      .set({
        status: "pending",
        claimed_at: null,
        uncertain: sql<boolean>`uncertain or ${uncertain}::boolean`,
        error: reason.slice(0, 500),
      })
      .where("key", "=", claim.key)
      .where("claimed_at", "=", claim.claimed_at)
      .where("status", "=", "sending")
      .execute();
  }
}

/**
 * The slot after `now` for one kind. Most people share a few schedules (the default one in a
 * handful of zones), so each distinct schedule is computed once per batch, keyed by the stored
 * fields it is made of before any object is built for it.
 */
function advance(
  row: ScheduleColumns & Pick<ScheduleRow, "user_id">,
  zone: string,
  kind: DeliveryKind,
  now: Date,
  memo: Map<string, NextCheckin | null>,
) {
  // A snooze whose instant has passed is dropped; nudges ignore snoozes.
  const snoozed =
    row.snoozed_until && row.snoozed_until.getTime() > now.getTime() ? row.snoozed_until : null;
  const held = kind === "checkin" ? (snoozed?.getTime() ?? "") : "";
  const id = `${row.days}|${row.local_time}|${zone}|${row.weekends_off}|${row.enabled}|${row.quiet_start}|${row.quiet_end}|${row.paused_until}|${held}`;
  let slot = memo.get(id);
  if (slot === undefined) {
    const schedule = scheduleOf(row, zone);
    if (snoozed) schedule.snoozedUntil = snoozed;
    else delete schedule.snoozedUntil;
    slot = nextCheckinAt(kind === "checkin" ? schedule : nudgeSchedule(schedule), now);
    memo.set(id, slot);
  }
  return {
    user_id: row.user_id,
    at: slot?.at ?? null,
    date: slot?.localDate ?? null,
    slot: slot?.slot ?? null,
    snoozed_until: kind === "checkin" ? snoozed : (row.snoozed_until ?? null),
  };
}

/** Moves each schedule of a batch on to its next slot of one kind. */
function advanceStatement(kind: DeliveryKind, updates: ReturnType<typeof advance>[]) {
  const col = (type: ElementType, pick: (u: ReturnType<typeof advance>) => unknown) =>
    columnOf(updates, type, pick);
  const values = sql`unnest(
    ${col("int", (u) => u.user_id)}, ${col("timestamptz", (u) => u.at?.toISOString() ?? null)},
    ${col("date", (u) => u.date)}, ${col("text", (u) => u.slot)},
    ${col("timestamptz", (u) => u.snoozed_until?.toISOString() ?? null)})`;
  const cols =
    kind === "checkin"
      ? sql`next_checkin_at = v.at, next_checkin_date = v.date, next_checkin_slot = v.slot`
      : sql`next_nudge_at = v.at, next_nudge_date = v.date, next_nudge_slot = v.slot`;
  return sql`
    update checkin_schedules s set ${cols}, snoozed_until = v.snoozed_until
    from ${values} as v(user_id, at, date, slot, snoozed_until)
    where s.user_id = v.user_id`;
}
