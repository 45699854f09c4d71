import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeliveryRepository } from "../../src/domain/checkins/deliveries.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { SLOT_UTC, seedDue, statusCounts } from "./harness.ts";

describe("the delivery ledger", () => {
  let t: TestDatabase;
  const PEOPLE = 9_000;

  beforeAll(async () => {
    t = await createTestDatabase("checkin_ledger");
    await seedDue(t.db, PEOPLE, 3);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("records a batch bigger than PostgreSQL's parameter limit would allow row by row, once", async () => {
    const ledger = new DeliveryRepository(t.db);
    const now = new Date(new Date(SLOT_UTC).getTime() + 30_000);
    // Eight columns a row: 72,000 parameters if each value were one.
    const due = await ledger.takeDue("checkin", now, PEOPLE);
    expect(due).toHaveLength(PEOPLE);
    expect(new Set(due.map((d) => d.key)).size).toBe(PEOPLE);
    expect(due[0]?.key).toMatch(/^checkin:\d+:2026-11-30:10:00$/);
    expect(await statusCounts(t.db)).toEqual({ pending: PEOPLE });
    // The schedules moved on: a second tick finds nothing due.
    expect(await ledger.takeDue("checkin", now, PEOPLE)).toEqual([]);
  });

  it("claims a chunk once, records it sent once, and moves each person's state on", async () => {
    const ledger = new DeliveryRepository(t.db);
    const now = new Date(new Date(SLOT_UTC).getTime() + 60_000);
    const keys = (
      await t.db
        .selectFrom("checkin_deliveries" as never)
        .select("key" as never)
        .orderBy("id" as never)
        .limit(100)
        .execute()
    ).map((r) => (r as { key: string }).key);
    const first = await ledger.claimMany(keys, now, 120_000);
    expect([...first.values()].every((c) => c.state === "claimed")).toBe(true);
    // A second claim within the lease finds them busy, not free.
    const second = await ledger.claimMany(keys, now, 120_000);
    expect([...second.values()].every((c) => c.state === "busy")).toBe(true);
    const sent = [...first.values()].flatMap((c) =>
      c.state === "claimed"
        ? [
            {
              delivery: c.delivery,
              result: {
                ref: `D1:${c.delivery.key}`,
                messageKind: "checkin",
                goalId: null,
                at: now,
              },
              state: {
                ignored_in_row: 1,
                last_checkin_at: now,
                streak_celebrated: 3,
                streak_celebrated_at: now,
              },
            },
          ]
        : [],
    );
    expect((await ledger.markSentMany(sent)).size).toBe(100);
    // Recording again changes nothing: they are no longer being sent.
    expect((await ledger.markSentMany(sent)).size).toBe(0);
    const third = await ledger.claimMany(keys, now, 120_000);
    expect([...third.values()].every((c) => c.state === "done")).toBe(true);
    const states = await t.db
      .selectFrom("checkin_schedules" as never)
      .where("ignored_in_row" as never, "=", 1 as never)
      .select(["last_checkin_at", "streak_celebrated", "streak_celebrated_at"] as never[])
      .execute();
    expect(states).toHaveLength(100);
    for (const state of states as {
      last_checkin_at: Date;
      streak_celebrated: number;
      streak_celebrated_at: Date | null;
    }[]) {
      expect(state.last_checkin_at.getTime()).toBe(now.getTime());
      expect(state.streak_celebrated).toBe(3);
      expect(state.streak_celebrated_at?.getTime()).toBe(now.getTime());
    }
  });
  it("claims without writing any index (heap-only updates), so a claim costs one row write", async () => {
    const now = new Date(new Date(SLOT_UTC).getTime() + 90_000);
    const keys = (
      await t.db
        .selectFrom("checkin_deliveries" as never)
        .where("status" as never, "=", "pending" as never)
        .select("key" as never)
        .orderBy("id" as never)
        .limit(500)
        .execute()
    ).map((r) => (r as { key: string }).key);
    // This connection's statistics not yet reported, before and after: how many were heap-only.
    const counts = await t.db.transaction().execute(async (trx) => {
      const stats = async () =>
        (
          await sql<{ upd: number; hot: number }>`
            select n_tup_upd::int as upd, n_tup_hot_upd::int as hot from pg_stat_xact_user_tables
            where relid = 'checkin_deliveries'::regclass`.execute(trx)
        ).rows[0]!;
      const before = await stats();
      const claims = await new DeliveryRepository(trx).claimMany(keys, now, 120_000);
      expect([...claims.values()].filter((c) => c.state === "claimed")).toHaveLength(500);
      const after = await stats();
      return { upd: after.upd - before.upd, hot: after.hot - before.hot };
    });
    expect(counts.upd).toBe(500);
    // The ledger leaves room on each page; a row or two at a page's end may not fit.
    expect(counts.hot).toBeGreaterThanOrEqual(450);
  });

  it("lets only a claim's holder close or release it once another worker has taken it over", async () => {
    const ledger = new DeliveryRepository(t.db);
    const key = (
      (await t.db
        .selectFrom("checkin_deliveries" as never)
        .where("status" as never, "=", "pending" as never)
        .select("key" as never)
        .executeTakeFirstOrThrow()) as { key: string }
    ).key;
    const t0 = new Date(new Date(SLOT_UTC).getTime() + 120_000);
    const first = (await ledger.claimMany([key], t0, 1_000)).get(key);
    expect(first?.state).toBe("claimed");
    // The lease ran out: a second worker takes the delivery over.
    const t1 = new Date(t0.getTime() + 5_000);
    const second = (await ledger.claimMany([key], t1, 1_000)).get(key);
    expect(second?.state).toBe("claimed");
    if (first?.state !== "claimed" || second?.state !== "claimed") return;
    expect(second.delivery.uncertain).toBe(true);
    // The first worker, late, gives its claim back or fails it: the second's claim stands.
    await ledger.release(first.delivery, false, "late");
    await ledger.markFailed(first.delivery, "late", t1);
    const record = (claimed: typeof first.delivery) => ({
      delivery: claimed,
      result: { ref: `D1:${key}`, messageKind: "checkin", goalId: null, at: t1 },
      state: {},
    });
    expect((await ledger.markSentMany([record(first.delivery)])).size).toBe(0);
    expect((await ledger.markSentMany([record(second.delivery)])).has(key)).toBe(true);
  });

  it("forgets a person's deliveries with them, and only theirs", async () => {
    const count = async (userId: number) =>
      (
        await sql<{ n: number }>`
          select count(*)::int as n from checkin_deliveries where user_id = ${userId}`.execute(t.db)
      ).rows[0]!.n;
    expect(await count(5)).toBeGreaterThan(0);
    const others = (
      await sql<{ n: number }>`select count(*)::int as n from checkin_deliveries`.execute(t.db)
    ).rows[0]!.n;
    await sql`delete from users where id in (5, 6)`.execute(t.db);
    expect(await count(5)).toBe(0);
    expect(await count(6)).toBe(0);
    const left = (
      await sql<{ n: number }>`select count(*)::int as n from checkin_deliveries`.execute(t.db)
    ).rows[0]!.n;
    expect(left).toBe(others - 2);
  });
});

describe("a tick's batch of people on different schedules", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("checkin_advance");
    await seedDue(t.db, 4, 1);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("moves each person to the next slot of their own schedule, snoozes included", async () => {
    // 1: the default (Mon, Thu 10:00 Berlin); 2: 17:30; 3: Tuesdays; 4: snoozed until 12:00 today.
    await sql`update checkin_schedules set local_time = '17:30' where user_id = 2`.execute(t.db);
    await sql`update checkin_schedules set days = '{tue}' where user_id = 3`.execute(t.db);
    await sql`update checkin_schedules set snoozed_until = '2026-11-30T11:00:00Z'
      where user_id = 4`.execute(t.db);
    const now = new Date(new Date(SLOT_UTC).getTime() + 30_000);
    expect(await new DeliveryRepository(t.db).takeDue("checkin", now, 10)).toHaveLength(4);
    const { rows } = await sql<{
      user_id: number;
      next_checkin_at: Date;
      snoozed_until: Date | null;
    }>`
      select user_id, next_checkin_at, snoozed_until from checkin_schedules order by user_id`.execute(
      t.db,
    );
    expect(rows.map((r) => [r.user_id, r.next_checkin_at.toISOString()])).toEqual([
      [1, "2026-12-03T09:00:00.000Z"],
      [2, "2026-11-30T16:30:00.000Z"],
      [3, "2026-12-01T09:00:00.000Z"],
      [4, "2026-11-30T11:00:00.000Z"],
    ]);
    expect(rows[3]!.snoozed_until?.toISOString()).toBe("2026-11-30T11:00:00.000Z");
  });
});
