import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReport } from "../../src/domain/reports/report.ts";
import { currentWindow } from "../../src/domain/scoring/periods.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

const NOW = new Date("2026-10-26T08:00:00Z");
const DAY_MS = 86_400_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

describe("manager report: per-goal progress", () => {
  let t: TestDatabase;
  const users: number[] = [];
  const goals: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestDatabase("report_progress");
    const ws = await t.db
      .insertInto("workspaces")
      .values({ platform: "slack", external_id: "TREP", name: "Reports" })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const name of ["Ann", "Ben", "Cy"]) {
      const u = await t.db
        .insertInto("users")
        .values({
          workspace_id: ws.id,
          platform_user_id: `U${name}`,
          display_name: name,
          time_zone: "Europe/Berlin",
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      users.push(u.id);
    }
    const [ann, ben, cy] = users as [number, number, number];
    const goal = async (key: string, user: number, status: string, createdAt: Date) => {
      const g = await t.db
        .insertInto("goals")
        .values({
          user_id: user,
          title: key,
          status: status as "active",
          hours_per_week: 2,
          estimated_hours: 20,
          created_at: createdAt,
          updated_at: createdAt,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      goals[key] = g.id;
    };
    await goal("fresh", ann, "active", ago(30 * DAY_MS));
    await goal("edge", ann, "active", ago(30 * DAY_MS));
    await goal("quiet", ben, "active", ago(30 * DAY_MS));
    await goal("untouched", ben, "active", ago(3 * DAY_MS));
    await goal("paused", ben, "paused", ago(60 * DAY_MS));
    await goal("done", cy, "completed", ago(60 * DAY_MS));
    const log = (key: string, user: number, hours: number, at: Date | string) =>
      t.db
        .insertInto("progress_events")
        .values({ goal_id: goals[key]!, user_id: user, hours, occurred_at: at })
        .execute();
    await log("fresh", ann, 0.1, ago(20 * DAY_MS));
    await log("fresh", ann, 0.2, ago(2 * DAY_MS));
    await log("fresh", ann, 0.35, ago(1 * DAY_MS));
    // Last moved 14 days ago to the millisecond (not stalled), and 1 ms earlier.
    await log("edge", ann, 1, ago(14 * DAY_MS));
    await log("quiet", ben, 1.25, ago(40 * DAY_MS));
    await log("quiet", ben, 1.25, "2026-10-12T07:59:59.9995Z");
    await log("paused", ben, 3, ago(50 * DAY_MS));
    // Hours on a completed goal still count for the person, though the goal isn't listed.
    await log("done", cy, 4.5, ago(5 * DAY_MS));
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("sums each goal's whole history, and a person's hours in the window", async () => {
    const report = await buildReport(
      t.db,
      users,
      currentWindow("month", NOW, "Europe/Berlin"),
      NOW,
    );
    const byTitle = new Map(
      report.people.flatMap((p) => p.goals.map((g) => [g.title, { ...g, who: p.name }] as const)),
    );
    expect([...byTitle.keys()].sort()).toEqual(["edge", "fresh", "paused", "quiet", "untouched"]);
    expect(byTitle.get("fresh")).toMatchObject({
      who: "Ann",
      stalled: false,
      pace: { loggedHours: 0.7, state: "behind" },
    });
    expect(byTitle.get("quiet")?.pace.loggedHours).toBe(2.5);
    expect(byTitle.get("untouched")).toMatchObject({
      stalled: false,
      pace: { loggedHours: 0, state: "not started" },
    });
    expect(byTitle.get("paused")).toMatchObject({ stalled: false, pace: { loggedHours: 3 } });
    const hours = Object.fromEntries(report.people.map((p) => [p.name, p.hours]));
    // Ann: 0.1 + 0.2 + 0.35 + 1 this month (0.65 rounds up); Ben: only the 12 Oct log.
    expect(hours).toEqual({ Ann: 1.7, Ben: 1.3, Cy: 4.5 });
    expect(report.summary).toEqual({ people: 3, active: 3, hours: 7.5, completions: 0 });
  });

  it("calls a goal stalled only after 14 whole days without progress, to the millisecond", async () => {
    const window = currentWindow("month", NOW, "Europe/Berlin");
    const stalled = async () => {
      const report = await buildReport(t.db, users, window, NOW);
      return Object.fromEntries(
        report.people.flatMap((p) => p.goals.map((g) => [g.title, g.stalled] as const)),
      );
    };
    // The 12 Oct log is 14 days and 0.5 ms old: past the limit.
    expect(await stalled()).toMatchObject({ edge: false, quiet: true });
    await sql`update progress_events set occurred_at = occurred_at - interval '1 millisecond'
              where goal_id = ${goals.edge!}`.execute(t.db);
    expect(await stalled()).toMatchObject({ edge: true, quiet: true });
  });

  it("reads a person's events from the covering index alone", async () => {
    const plan = await t.db.connection().execute(async (db) => {
      await sql`set enable_seqscan = off`.execute(db);
      await sql`set enable_bitmapscan = off`.execute(db);
      await sql`vacuum analyze progress_events`.execute(db);
      const { rows } = await sql<{ "QUERY PLAN": string }>`
        explain select sum(e.hours), max(e.occurred_at), count(distinct e.goal_id)
        from progress_events e where e.user_id = any(${sql.val(users)}::int[])`.execute(db);
      await sql`reset enable_seqscan`.execute(db);
      await sql`reset enable_bitmapscan`.execute(db);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan).toContain("Index Only Scan using progress_events_user_time_cover_idx");
  });
});
