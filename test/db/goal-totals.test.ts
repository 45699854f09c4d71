import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrateDown, migrateToLatest } from "../../src/db/migrate.ts";
import { GoalRepository } from "../../src/domain/goals/repository.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

const T = (s: string) => new Date(`2026-10-${s}Z`);

describe("goal totals kept by triggers on progress_events", () => {
  let t: TestDatabase;
  let user: number;
  let a: number;
  let b: number;

  const totals = async (goalId: number) => {
    const row = await t.db
      .selectFrom("goals")
      .where("id", "=", goalId)
      .select(["logged_hours", "last_progress_at"])
      .executeTakeFirstOrThrow();
    return { hours: row.logged_hours, last: row.last_progress_at?.toISOString() ?? null };
  };
  /** Goals whose stored totals differ from a fresh sum of their events. */
  const drifted = async () => {
    const { rows } = await sql<{ id: number }>`
      select g.id from goals g
      left join (
        select goal_id, sum(hours) as hours, max(occurred_at) as last_at
        from progress_events group by goal_id
      ) e on e.goal_id = g.id
      where g.logged_hours <> coalesce(e.hours, 0)
         or g.last_progress_at is distinct from e.last_at`.execute(t.db);
    return rows.map((r) => r.id);
  };
  const log = (goalId: number, hours: number, at: string) =>
    t.db
      .insertInto("progress_events")
      .values({ goal_id: goalId, user_id: user, hours, occurred_at: T(at) })
      .returning("id")
      .executeTakeFirstOrThrow()
      .then((r) => r.id);

  beforeAll(async () => {
    t = await createTestDatabase("goal_totals");
    const ws = await t.db
      .insertInto("workspaces")
      .values({ platform: "slack", external_id: "TTOT", name: "Totals" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const u = await t.db
      .insertInto("users")
      .values({ workspace_id: ws.id, platform_user_id: "UTOT", display_name: "Tot" })
      .returning("id")
      .executeTakeFirstOrThrow();
    user = u.id;
  });
  afterAll(async () => {
    await t?.drop();
  });
  beforeEach(async () => {
    await t.db.deleteFrom("progress_events").execute();
    await t.db.deleteFrom("goals").execute();
    const goal = (title: string) =>
      t.db
        .insertInto("goals")
        .values({ user_id: user, title, created_at: T("01T00:00:00") })
        .returning("id")
        .executeTakeFirstOrThrow()
        .then((g) => g.id);
    a = await goal("A");
    b = await goal("B");
  });

  it("start at zero hours and no progress", async () => {
    expect(await totals(a)).toEqual({ hours: 0, last: null });
  });

  it("add each insert's hours and keep the latest time, earlier events included", async () => {
    await log(a, 1.25, "10T09:00:00");
    expect(await totals(a)).toEqual({ hours: 1.25, last: "2026-10-10T09:00:00.000Z" });
    await log(a, 0.5, "05T09:00:00");
    expect(await totals(a)).toEqual({ hours: 1.75, last: "2026-10-10T09:00:00.000Z" });
    expect(await totals(b)).toEqual({ hours: 0, last: null });
  });

  it("add a multi-row insert to each of its goals", async () => {
    await t.db
      .insertInto("progress_events")
      .values([
        { goal_id: a, user_id: user, hours: 1, occurred_at: T("03T00:00:00") },
        { goal_id: b, user_id: user, hours: 2.5, occurred_at: T("04T00:00:00") },
        { goal_id: a, user_id: user, hours: 0.25, occurred_at: T("06T00:00:00") },
        { goal_id: b, user_id: user, hours: 0.1, occurred_at: T("02T00:00:00") },
      ])
      .execute();
    expect(await totals(a)).toEqual({ hours: 1.25, last: "2026-10-06T00:00:00.000Z" });
    expect(await totals(b)).toEqual({ hours: 2.6, last: "2026-10-04T00:00:00.000Z" });
  });

  it("follow an update of hours and a latest event moved earlier", async () => {
    const first = await log(a, 1, "03T00:00:00");
    const latest = await log(a, 2, "09T00:00:00");
    await t.db.updateTable("progress_events").set({ hours: 3.5 }).where("id", "=", first).execute();
    expect(await totals(a)).toEqual({ hours: 5.5, last: "2026-10-09T00:00:00.000Z" });
    await t.db
      .updateTable("progress_events")
      .set({ occurred_at: T("01T12:00:00") })
      .where("id", "=", latest)
      .execute();
    expect(await totals(a)).toEqual({ hours: 5.5, last: "2026-10-03T00:00:00.000Z" });
    // A change that touches no total leaves the totals as they are.
    await t.db.updateTable("progress_events").set({ note: "read" }).execute();
    expect(await totals(a)).toEqual({ hours: 5.5, last: "2026-10-03T00:00:00.000Z" });
  });

  it("move hours and latest time to another goal when an event changes goal", async () => {
    await log(a, 1, "03T00:00:00");
    const moved = await log(a, 2, "09T00:00:00");
    await log(b, 0.5, "05T00:00:00");
    await t.db.updateTable("progress_events").set({ goal_id: b }).where("id", "=", moved).execute();
    expect(await totals(a)).toEqual({ hours: 1, last: "2026-10-03T00:00:00.000Z" });
    expect(await totals(b)).toEqual({ hours: 2.5, last: "2026-10-09T00:00:00.000Z" });
    // Both goals' events moved at once, in one statement.
    await t.db
      .updateTable("progress_events")
      .set({ goal_id: sql`case when goal_id = ${a}::int then ${b}::int else ${a}::int end` })
      .execute();
    expect(await totals(a)).toEqual({ hours: 2.5, last: "2026-10-09T00:00:00.000Z" });
    expect(await totals(b)).toEqual({ hours: 1, last: "2026-10-03T00:00:00.000Z" });
  });

  it("take deleted events away, back to zero and no progress", async () => {
    const one = await log(a, 1, "03T00:00:00");
    await log(a, 2, "09T00:00:00");
    await t.db.deleteFrom("progress_events").where("occurred_at", ">", T("05T00:00:00")).execute();
    expect(await totals(a)).toEqual({ hours: 1, last: "2026-10-03T00:00:00.000Z" });
    await t.db.deleteFrom("progress_events").where("id", "=", one).execute();
    expect(await totals(a)).toEqual({ hours: 0, last: null });
  });

  it("change with the writer's transaction and roll back with it", async () => {
    const repo = new GoalRepository(t.db);
    await expect(
      repo.transaction(async (trx) => {
        await repo.addProgress(
          { goalId: a, userId: user, hours: 2, note: null, at: T("07T00:00:00") },
          trx,
        );
        const [inside] = await repo.listForUser(user, ["active"], trx);
        expect(inside).toMatchObject({ id: a, loggedHours: 2, lastProgressAt: T("07T00:00:00") });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await totals(a)).toEqual({ hours: 0, last: null });
    const [outside] = await repo.listForUser(user, ["active"]);
    expect(outside).toMatchObject({ id: a, loggedHours: 0, lastProgressAt: null });
  });

  it("count an add committed while a delete on the same goal waits for it", async () => {
    const old = await log(a, 1, "03T00:00:00");
    const adder = await t.pool.connect();
    const deleter = await t.pool.connect();
    try {
      await adder.query("begin");
      await adder.query(
        "insert into progress_events (goal_id, user_id, hours, occurred_at) values ($1, $2, 2, $3)",
        [a, user, T("08T00:00:00")],
      );
      await deleter.query("begin");
      // Blocks on the goal row the add has updated; its recount must then see the add.
      const deleting = deleter.query("delete from progress_events where id = $1", [old]);
      await new Promise((r) => setTimeout(r, 200));
      await adder.query("commit");
      await deleting;
      await deleter.query("commit");
    } finally {
      adder.release();
      deleter.release();
    }
    expect(await totals(a)).toEqual({ hours: 2, last: "2026-10-08T00:00:00.000Z" });
    expect(await drifted()).toEqual([]);
  });

  it("are backfilled from existing events when the migration runs", async () => {
    await log(a, 1.5, "03T00:00:00");
    await log(a, 0.25, "04T00:00:00");
    await log(b, 3, "02T00:00:00");
    // Later migrations are rolled back first, down to and including this one.
    const down: string[] = [];
    while (!down.includes("20261129_009_goal_totals")) {
      const step = await migrateDown(t.db, t.schema);
      expect(step).toHaveLength(1);
      down.push(...step);
    }
    await sql`insert into progress_events (goal_id, user_id, hours, occurred_at)
              values (${a}, ${user}, 2, ${T("09T00:00:00")})`.execute(t.db);
    expect(await migrateToLatest(t.db, t.schema)).toEqual([...down].reverse());
    expect(await totals(a)).toEqual({ hours: 3.75, last: "2026-10-09T00:00:00.000Z" });
    expect(await totals(b)).toEqual({ hours: 3, last: "2026-10-02T00:00:00.000Z" });
    expect(await drifted()).toEqual([]);
  });
});
