import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Core } from "../../src/commands/core.ts";
import { orgFeature } from "../../src/commands/features/org.ts";
import { type CoreDeps, createCore } from "../../src/commands/router.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { actor, goal, log, text, userId } from "./seed.ts";

// Monday 7 Dec 2026, 09:00 in Berlin: the week has just begun.
const clock = new ManualClock("2026-12-07T08:00:00Z");
const ana = actor("U0A", "Ana");
const bo = actor("U0B", "Bo");

describe("the default leaderboard on a Monday morning", () => {
  let t: TestDatabase;
  let core: Core;

  beforeAll(async () => {
    t = await createTestDatabase("lbweek");
    core = createCore({ db: t.db, clock } as CoreDeps, [orgFeature]);
    for (const a of [ana, bo]) await core.command(a, "leaderboard");
    const id = await userId(t.db, "U0A");
    const g = await goal(t.db, id, "Cloud Basics", "2026-11-01T08:00:00Z");
    await log(t.db, id, g, 3, "2026-12-02T10:00:00Z"); // last Wednesday
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("shows last week while nobody has points this week", async () => {
    const board = text(await core.command(bo, "leaderboard"));
    expect(board).toContain("Leaderboard · everyone · 30 Nov – 6 Dec 2026");
    expect(board).toContain("1. Ana — 3 pts");
    // Other periods are never swapped: this month has Ana's hours already.
    expect(text(await core.command(bo, "leaderboard month"))).toContain("December 2026");
  });

  it("shows this week once someone has points in it", async () => {
    const id = await userId(t.db, "U0B");
    const g = await goal(t.db, id, "Rust book", "2026-12-01T08:00:00Z");
    await log(t.db, id, g, 1, "2026-12-07T07:30:00Z"); // this morning
    const board = text(await core.command(ana, "leaderboard"));
    expect(board).toContain("Leaderboard · everyone · 7 Dec – 13 Dec 2026");
    expect(board).toContain("1. Bo — 1 pt");
    expect(board).not.toContain("Ana —");
  });
});
