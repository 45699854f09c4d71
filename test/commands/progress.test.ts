import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { renderMessage } from "../../adapters/slack/blocks.ts";
import { renderCard } from "../../adapters/teams/cards.ts";
import type { Actor, Core } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { actor, buttons, text } from "./harness.ts";

const HOUR = 3600 * 1000;
// Monday 30 Nov 2026, 10:00 in New York.
const START = "2026-11-30T15:00:00Z";

describe("correcting logged progress", () => {
  let t: TestDatabase;
  let core: Core;
  const clock = new ManualClock(START);
  let n = 0;
  // Each test has people of its own, so entries and audit rows never mix between tests.
  let me: Actor;
  let other: Actor;

  beforeAll(async () => {
    t = await createTestDatabase("progress");
    core = createCore({ db: t.db, clock });
  });
  afterAll(async () => {
    await t?.drop();
  });
  beforeEach(() => {
    clock.set(START);
    n++;
    me = actor(`UME${n}`);
    other = actor(`UOTHER${n}`, "Europe/Berlin");
  });

  async function userId(a: Actor): Promise<number> {
    const row = await t.db
      .selectFrom("users")
      .where("platform_user_id", "=", a.userExternalId)
      .select("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }
  const entries = (uid: number) =>
    t.db
      .selectFrom("progress_events")
      .where("user_id", "=", uid)
      .select(["id", "goal_id", "hours", "note", "occurred_at"])
      .orderBy("id")
      .execute();
  const goalTotal = async (goalId: number) =>
    (
      await t.db
        .selectFrom("goals")
        .where("id", "=", goalId)
        .select(["logged_hours", "last_progress_at"])
        .executeTakeFirstOrThrow()
    ).logged_hours;
  const audits = (workspaceActor: number) =>
    t.db
      .selectFrom("audit_log")
      .where("actor_id", "=", workspaceActor)
      .select(["workspace_id", "actor_id", "action", "scope", "subject_ids", "detail", "at"])
      .orderBy("id")
      .execute();
  const workspaceOf = async (uid: number) =>
    (
      await t.db
        .selectFrom("users")
        .where("id", "=", uid)
        .select("workspace_id")
        .executeTakeFirstOrThrow()
    ).workspace_id;

  /** Two goals for `a`, with 1 h, 2 h and 0.5 h logged an hour apart (newest on Python). */
  async function seed(a: Actor) {
    await core.command(a, "goal Read the Rust book 4h/week");
    await core.command(a, "goal Python basics 2h/week");
    await core.command(a, "log 1 rust: chapter 1");
    clock.advance(HOUR);
    await core.command(a, "log 2 rust: chapter 2");
    clock.advance(HOUR);
    await core.command(a, "log 30m python: loops");
    const uid = await userId(a);
    const rows = await entries(uid);
    expect(rows.map((r) => r.hours)).toEqual([1, 2, 0.5]);
    return { uid, rows, rust: rows[0]!.goal_id, python: rows[2]!.goal_id };
  }

  it("lists history, undo and fix in help", async () => {
    const help = text(await core.command(me, "help"));
    expect(help).toContain("/learn history [goal]");
    expect(help).toContain("/learn undo");
    expect(help).toContain("/learn fix <hours>");
  });

  it("shows your own entries newest first, in your zone, with Undo and Change… on each", async () => {
    const { rows } = await seed(me);
    expect(text(await core.command(other, "goal Bake sourdough bread"))).toContain("Goal set");
    await core.command(other, "log 3 private note");

    const reply = await core.command(me, "history");
    const shown = text(reply);
    const lines = shown.split("\n").filter((l) => l.startsWith("Mon 30 Nov"));
    expect(lines).toEqual([
      "Mon 30 Nov, 12:00 · 0.5 h · Python basics — “loops”",
      "Mon 30 Nov, 11:00 · 2 h · Read the Rust book — “chapter 2”",
      "Mon 30 Nov, 10:00 · 1 h · Read the Rust book — “chapter 1”",
    ]);
    expect(shown).not.toContain("private note");
    expect(shown).not.toContain("3 h");
    const b = buttons(reply);
    expect(b.map((x) => x.label)).toEqual([
      "Undo",
      "Change…",
      "Undo",
      "Change…",
      "Undo",
      "Change…",
    ]);
    expect(b.map((x) => JSON.parse(x.value).e)).toEqual([
      rows[2]!.id,
      rows[2]!.id,
      rows[1]!.id,
      rows[1]!.id,
      rows[0]!.id,
      rows[0]!.id,
    ]);

    // In Berlin the same entries read six hours later.
    const berlin = text(await core.command(other, "history"));
    expect(berlin).toContain("Mon 30 Nov, 18:00 · 3 h · Bake sourdough bread — “private note”");
  });

  it("limits history to one goal matched like log, and to the last ten entries", async () => {
    const { rust } = await seed(me);
    const rustOnly = await core.command(me, "history rust");
    expect(text(rustOnly)).toContain("Your progress on Read the Rust book");
    expect(text(rustOnly)).not.toContain("Python");
    expect(buttons(rustOnly)).toHaveLength(4);
    expect(JSON.parse(buttons(rustOnly)[0]!.value)).toMatchObject({ f: rust });

    const unknown = await core.command(me, "history knitting");
    expect(text(unknown)).toContain("I couldn't find a goal matching “knitting”");
    const pick = buttons(unknown).find((x) => x.label === "Python basics")!;
    const picked = await core.action(me, pick.action, pick.value);
    expect(picked.kind).toBe("update");
    expect(text(picked)).toContain("Your progress on Python basics");
    expect(text(picked)).toContain("0.5 h · Python basics");

    for (let i = 0; i < 10; i++) {
      clock.advance(HOUR);
      await core.command(me, `log ${i + 1}m python: step ${i}`);
    }
    const all = text(await core.command(me, "history"));
    expect(all).toContain("step 9");
    expect(all).toContain("step 0");
    expect(all).not.toContain("chapter"); // the three seeded entries are older than the last ten
    expect(all.match(/ · Python basics/g)).toHaveLength(10);
  });

  it("undoes the latest entry, audits it, and lowers the goal's total", async () => {
    const { uid, rows, python, rust } = await seed(me);
    clock.advance(5 * 60 * 1000);
    const reply = text(await core.command(me, "undo"));
    expect(reply).toContain(
      "Removed 0.5 h on Python basics (logged Mon 30 Nov, 12:00). It now has 0 h logged.",
    );
    expect((await entries(uid)).map((r) => r.id)).toEqual([rows[0]!.id, rows[1]!.id]);
    expect(await goalTotal(python)).toBe(0);
    expect(await goalTotal(rust)).toBe(3);
    expect(await audits(uid)).toEqual([
      {
        workspace_id: await workspaceOf(uid),
        actor_id: uid,
        action: "progress.delete",
        scope: "progress",
        subject_ids: [uid],
        detail: {
          entry_id: rows[2]!.id,
          goal_id: python,
          old_hours: 0.5,
          new_hours: null,
          occurred_at: "2026-11-30T17:00:00.000Z",
          note: "loops",
        },
        at: new Date("2026-11-30T17:05:00Z"),
      },
    ]);

    // The next undo takes the next most recent.
    expect(text(await core.command(me, "undo"))).toContain(
      "Removed 2 h on Read the Rust book (logged Mon 30 Nov, 11:00). It now has 1 h logged.",
    );
    expect(await goalTotal(rust)).toBe(1);
    expect((await audits(uid)).map((a) => a.action)).toEqual([
      "progress.delete",
      "progress.delete",
    ]);
  });

  it("leaves entries older than seven days to history", async () => {
    const { uid } = await seed(me);
    clock.advance(8 * 24 * HOUR);
    const reply = text(await core.command(me, "undo"));
    expect(reply).toContain("You have no progress from the last 7 days");
    expect(reply).toContain("/learn history [goal]");
    expect(text(await core.command(me, "fix 1"))).toContain("no progress from the last 7 days");
    expect(await entries(uid)).toHaveLength(3);
    expect(await audits(uid)).toEqual([]);
  });

  it("fixes the latest entry's hours and audits old and new hours", async () => {
    const { uid, rows, rust } = await seed(me);
    clock.advance(HOUR);
    await core.command(me, "log 2 rust: chapter 3");
    const latest = (await entries(uid)).at(-1)!;
    clock.advance(60 * 1000);
    expect(text(await core.command(me, "fix 1h30"))).toContain(
      "Changed 2 h to 1.5 h on Read the Rust book (logged Mon 30 Nov, 13:00). It now has 4.5 h logged.",
    );
    expect((await entries(uid)).at(-1)).toMatchObject({ id: latest.id, hours: 1.5 });
    expect(await goalTotal(rust)).toBe(4.5);
    expect(await audits(uid)).toEqual([
      {
        workspace_id: await workspaceOf(uid),
        actor_id: uid,
        action: "progress.edit",
        scope: "progress",
        subject_ids: [uid],
        detail: {
          entry_id: latest.id,
          goal_id: rust,
          old_hours: 2,
          new_hours: 1.5,
          occurred_at: "2026-11-30T18:00:00.000Z",
        },
        at: new Date("2026-11-30T18:01:00Z"),
      },
    ]);
    // The same hours again change nothing and write nothing.
    expect(text(await core.command(me, "fix 1.5"))).toContain("That entry already has 1.5 h.");
    expect(await audits(uid)).toHaveLength(1);
    expect((await entries(uid)).slice(0, 3)).toEqual(rows);
  });

  it("refuses bad hours the way log does, changing nothing", async () => {
    const { uid, rows } = await seed(me);
    const cases: [string, string][] = [
      ["fix", "How many hours should it be?"],
      ["fix 0", "Log more than 0 hours."],
      ["fix 25", "25 h is more than a day; log at most 24 h at once."],
      ["fix lots", '"lots" isn\'t a number of hours.'],
      ["fix 2 rust", '"2 rust" isn\'t a number of hours.'],
      ["fix -1", '"-1" isn\'t a number of hours.'],
    ];
    for (const [command, message] of cases) {
      const reply = text(await core.command(me, command));
      expect(reply).toContain(message);
      expect(reply).toContain("Try: /learn fix <hours>");
    }
    expect(text(await core.command(me, "undo everything"))).toContain("Undo takes no words");
    expect(await entries(uid)).toEqual(rows);
    expect(await audits(uid)).toEqual([]);
  });

  it("undoes from a history row in place, and changes hours through the form", async () => {
    const { uid, rows, rust } = await seed(me);
    const list = await core.command(me, "history rust");
    const [undo, change] = buttons(list).filter((b) => JSON.parse(b.value).e === rows[1]!.id);
    expect(undo!.action).toBe("progress.undo");

    const after = await core.action(me, undo!.action, undo!.value);
    expect(after.kind).toBe("update");
    const shown = text(after);
    expect(shown).toContain(
      "Removed 2 h on Read the Rust book (logged Mon 30 Nov, 11:00). It now has 1 h logged.",
    );
    expect(shown).toContain("Your progress on Read the Rust book");
    expect(shown).not.toContain("chapter 2");
    expect(shown).toContain("chapter 1");
    expect(buttons(after)).toHaveLength(2);
    expect(await goalTotal(rust)).toBe(1);
    expect((await audits(uid)).map((a) => [a.action, a.detail.entry_id])).toEqual([
      ["progress.delete", rows[1]!.id],
    ]);

    // A second click on the same Undo finds nothing to remove.
    const again = await core.action(me, undo!.action, undo!.value);
    expect(text(again)).toContain("That entry isn't there any more");
    expect(await audits(uid)).toHaveLength(1);
    expect(change!.action).toBe("progress.change");

    const [, changeFirst] = buttons(after);
    const form = await core.action(me, changeFirst!.action, changeFirst!.value);
    if (form.kind !== "form") throw new Error(`got ${form.kind}`);
    expect(form.form.id).toBe("progress.fix");
    expect(form.form.inputs).toEqual([
      expect.objectContaining({ id: "hours", type: "number", initial: "1", max: 24 }),
    ]);

    const bad = await core.submit(me, form.form.id, form.form.state, { hours: "30" });
    expect(bad).toEqual({
      ok: false,
      errors: { hours: "30 h is more than a day; log at most 24 h at once." },
    });
    expect(await core.submit(me, form.form.id, form.form.state, { hours: "0" })).toEqual({
      ok: false,
      errors: { hours: "Log more than 0 hours." },
    });
    const saved = await core.submit(me, form.form.id, form.form.state, { hours: "0.75" });
    if (!saved.ok) throw new Error("form refused");
    expect(text(saved.reply)).toContain(
      "Changed 1 h to 0.75 h on Read the Rust book (logged Mon 30 Nov, 10:00). It now has 0.75 h logged.",
    );
    expect(await goalTotal(rust)).toBe(0.75);
    expect((await audits(uid)).at(-1)).toMatchObject({
      action: "progress.edit",
      detail: { entry_id: rows[0]!.id, goal_id: rust, old_hours: 1, new_hours: 0.75 },
    });
  });

  it("refuses to touch someone else's entry, whatever the button or form says", async () => {
    const { uid, rows } = await seed(me);
    await core.command(other, "goal Something of my own");
    const otherId = await userId(other);
    const forged = JSON.stringify({ e: rows[1]!.id });

    const undo = await core.action(other, "progress.undo", forged);
    expect(text(undo)).toContain("You can only change your own progress entries.");
    const change = await core.action(other, "progress.change", forged);
    expect(change.kind).toBe("update");
    expect(text(change)).toContain("You can only change your own progress entries.");
    const submitted = await core.submit(other, "progress.fix", forged, { hours: "9" });
    if (!submitted.ok) throw new Error("form refused");
    expect(text(submitted.reply)).toContain("You can only change your own progress entries.");

    expect(await entries(uid)).toEqual(rows);
    expect(await audits(otherId)).toEqual([]);
    expect(await audits(uid)).toEqual([]);
  });

  it("keeps a completed goal's entries as they are", async () => {
    const { uid, rows, python } = await seed(me);
    await core.command(me, "done python");
    const refusal = "Python basics is completed, so its logged hours stay as they are.";
    expect(text(await core.command(me, "undo"))).toContain(refusal);
    expect(text(await core.command(me, "fix 3"))).toContain(refusal);

    const list = await core.command(me, "history");
    expect(text(list)).toContain("Goal completed — its entries stay as they are.");
    const ids = buttons(list).map((b) => JSON.parse(b.value).e);
    expect(ids).not.toContain(rows[2]!.id);
    expect(ids).toContain(rows[1]!.id);

    const value = JSON.stringify({ e: rows[2]!.id });
    expect(text(await core.action(me, "progress.undo", value))).toContain(refusal);
    expect(text(await core.action(me, "progress.change", value))).toContain(refusal);
    const submitted = await core.submit(me, "progress.fix", value, { hours: "2" });
    if (!submitted.ok) throw new Error("form refused");
    expect(text(submitted.reply)).toContain(refusal);

    expect(await entries(uid)).toEqual(rows);
    expect(await goalTotal(python)).toBe(0.5);
    expect(await audits(uid)).toEqual([]);
  });

  it("moves the leaderboard after an undo", async () => {
    await seed(me);
    const before = text(await core.command(me, "leaderboard week"));
    expect(before).toContain(`Person ${me.userExternalId} — 3.5 pts · 3.5 h`);
    await core.command(me, "undo");
    const after = text(await core.command(me, "leaderboard week"));
    expect(after).toContain(`Person ${me.userExternalId} — 3 pts · 3 h`);
    expect(after).not.toContain(`Person ${me.userExternalId} — 3.5 pts`);
  });

  it("escapes what people typed when it is shown back", async () => {
    await core.command(me, "goal <!channel> *bold* goal");
    await core.command(me, "log 1 <!channel> *bold* goal: ping <@U123> <https://x.test|click>");
    const list = await core.command(me, "history");
    if (list.kind !== "message") throw new Error(`got ${list.kind}`);
    const rendered = JSON.stringify(renderMessage(list.message));
    expect(rendered).not.toContain("<!channel>");
    expect(rendered).not.toContain("<@U123>");
    expect(rendered).toContain("&lt;!channel&gt;");
    expect(rendered).toContain("&lt;@U123&gt;");
  });

  it("fits ten entries with the longest goal and notes in a Slack message and a Teams card", async () => {
    const title = `Own ${"long-title ".repeat(20)}`.slice(0, 200).trim();
    expect(text(await core.command(me, `goal ${title}`))).toContain("Goal set");
    for (let i = 0; i < 10; i++) {
      clock.advance(HOUR);
      await core.command(me, `log 1 ${title}: ${String(i).repeat(495)}`);
    }
    const list = await core.command(me, "history");
    if (list.kind !== "message") throw new Error(`got ${list.kind}`);
    expect(buttons(list)).toHaveLength(20);
    const slack = renderMessage(list.message);
    expect(JSON.stringify(slack)).toContain("Change…");
    const card = JSON.stringify(renderCard(list.message));
    expect(card).not.toContain("more not shown here");
    expect(card).toContain(`${"9".repeat(199)}…`);
  });
});
