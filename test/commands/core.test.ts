import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Core } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { actor, buttons, text } from "./harness.ts";

describe("core learning loop", () => {
  let t: TestDatabase;
  let core: Core;
  const clock = new ManualClock("2026-11-30T15:00:00Z"); // Monday 10:00 in New York

  beforeAll(async () => {
    t = await createTestDatabase("core");
    core = createCore({ db: t.db, clock });
  });
  afterAll(async () => {
    await t.drop();
  });

  it("declares a goal, logs 2 h and shows it with pace and projected finish", async () => {
    const me = actor("U1");
    const created = text(
      await core.command(me, "goal Google Project Management Certificate by March 31 5h/week"),
    );
    expect(created).toContain("Goal set: Google Project Management Certificate — 5 h/week");
    expect(created).toContain("runs past your target"); // 140 h at 5 h/week ends in June 2027

    expect(text(await core.command(me, "log 2"))).toContain(
      "Logged 2 h on Google Project Management Certificate",
    );

    const goals = text(await core.command(me, "goals"));
    expect(goals).toContain(
      "Google Project Management Certificate · Google Career Certificates 2 h of 140 h, 1%",
    );
    expect(goals).toContain("2 h of 140 h");
    expect(goals).toContain("2 h ahead of plan · pace 2 h/week");
    // 138 h left at 2 h/week = 69 weeks from 30 Nov 2026.
    expect(goals).toContain("finishes 27 Mar 2028 at this pace");
    expect(goals).toContain("target 31 Mar 2027");

    const user = await t.db
      .selectFrom("users")
      .selectAll()
      .where("platform_user_id", "=", "U1")
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({
      display_name: "Person U1",
      email: "u1@example.com",
      time_zone: "America/New_York",
    });
    const events = await t.db.selectFrom("progress_events").select(["hours", "user_id"]).execute();
    expect(events).toEqual([{ hours: 2, user_id: user.id }]);
  });

  it("refuses a second open goal for the same credential", async () => {
    const reply = text(
      await core.command(actor("U1"), "goal Google Project Management Certificate"),
    );
    expect(reply).toContain("You already have a goal for Google Project Management Certificate");
    const count = await t.db
      .selectFrom("goals")
      .select((e) => e.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
  });

  it("offers buttons when a name is ambiguous, and a free-text goal when nothing matches", async () => {
    const me = actor("U2");
    const typo = await core.command(me, "goal Google Projct Managment");
    expect(text(typo)).toContain("Which one did you mean");
    const pick = buttons(typo).find((b) => b.label === "This one")!;
    expect(JSON.parse(pick.value)).toMatchObject({ d: null, h: null });
    expect(text(await core.action(me, pick.action, pick.value))).toContain(
      "Goal set: Google Project Management Certificate — 3 h/week",
    );

    const own = text(await core.command(me, "goal Read the Rust book in 8 weeks 4h/week"));
    expect(own).toContain("Goal set: Read the Rust book — 4 h/week");
    expect(own).toContain("0 h of 32 h");
  });

  it("logs to the goal named in the words, with the rest as a note", async () => {
    const me = actor("U2");
    expect(text(await core.command(me, "log 1.5 rust book chapter 3 done"))).toContain(
      "Logged 1.5 h on Read the Rust book",
    );
    const event = await t.db
      .selectFrom("progress_events")
      .select(["note", "hours"])
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(event).toEqual({ note: "chapter 3 done", hours: 1.5 });

    const ask = await core.command(me, "log 1");
    expect(text(ask)).toContain("Which goal?");
    expect(buttons(ask)).toHaveLength(2);
  });

  it("pauses, resumes by logging, completes with evidence, and refuses to log on a finished goal", async () => {
    const me = actor("U2");
    expect(text(await core.command(me, "pause rust"))).toContain("Paused Read the Rust book");
    expect(text(await core.command(me, "log 1 rust"))).toContain("Welcome back");
    const done = text(await core.command(me, "done rust https://example.com/cert/1"));
    expect(done).toContain("Congratulations on completing Read the Rust book");
    const completion = await t.db
      .selectFrom("completions")
      .innerJoin("goals", "goals.id", "completions.goal_id")
      .select(["goals.status", "completions.evidence_url", "completions.verification_status"])
      .where("goals.title", "=", "Read the Rust book")
      .executeTakeFirstOrThrow();
    expect(completion).toEqual({
      status: "completed",
      evidence_url: "https://example.com/cert/1",
      verification_status: "unverified",
    });
    const goal = await t.db
      .selectFrom("goals")
      .select("id")
      .where("title", "=", "Read the Rust book")
      .executeTakeFirstOrThrow();
    const again = text(await core.action(me, "goal.log", JSON.stringify({ g: goal.id, h: 1 })));
    expect(again).toContain("is completed");
  });

  it("never touches another person's goal through a forged button", async () => {
    const goal = await t.db
      .selectFrom("goals")
      .select("id")
      .where("title", "=", "Read the Rust book")
      .executeTakeFirstOrThrow();
    const before = await t.db.selectFrom("progress_events").select("id").execute();
    const reply = text(
      await core.action(actor("U3"), "goal.log", JSON.stringify({ g: goal.id, h: 5 })),
    );
    expect(reply).toContain("couldn't find that goal");
    expect(await t.db.selectFrom("progress_events").select("id").execute()).toHaveLength(
      before.length,
    );
  });

  it("answers bad input with a friendly problem and writes nothing", async () => {
    const me = actor("U4");
    const before = await t.db.selectFrom("goals").select("id").execute();
    expect(text(await core.command(me, "goal AI for Everyone by 2020-01-01"))).toContain(
      "not in the future",
    );
    expect(text(await core.command(me, "log 30"))).toContain("at most 24 h");
    expect(text(await core.command(me, "log 2"))).toContain("You have no open goals yet");
    expect(text(await core.command(me, "wat"))).toContain("help");
    expect(await t.db.selectFrom("goals").select("id").execute()).toHaveLength(before.length);
  });

  it("answers nothing, help and ? with help, listing the goal loop first, in order", async () => {
    const me = actor("U4");
    const help = text(await core.command(me, "help"));
    expect(text(await core.command(me, "  "))).toBe(help);
    expect(text(await core.command(me, "?"))).toBe(help);
    const words = ["help", "goal <", "goals", "log <", "done <", "catalog", "pause", "resume"];
    const at = words.map((w) => help.indexOf(`/learn ${w}`));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(help.indexOf("/learn drop")).toBeLessThan(help.indexOf("/learn history"));
  });

  it("refuses unknown words and overlong commands before reading them", async () => {
    const me = actor("U4");
    expect(text(await core.command(me, "Frobnicate now"))).toContain('I don\'t know "frobnicate".');
    const long = text(await core.command(me, `goals ${"x".repeat(2001)}`));
    expect(long).toContain("more than I can read at once (2,000 max)");
    expect(text(await core.command(me, "LIST"))).toBe(text(await core.command(me, "goals")));
  });

  it("validates the new-goal form field by field", async () => {
    const me = actor("U4");
    const form = await core.action(me, "goal.new", "{}");
    expect(form.kind).toBe("form");
    const bad = await core.submit(me, "goal.new", undefined, { target: "2001-01-01", hours: "-3" });
    expect(bad).toEqual({
      ok: false,
      errors: {
        title: "Pick a credential or describe your goal.",
        target: expect.stringContaining("not in the future"),
        hours: expect.stringContaining("between 0.5 and 80"),
      },
    });
    const good = await core.submit(me, "goal.new", undefined, {
      title: "Learn SQL window functions",
      hours: "2",
    });
    expect(good.ok && text(good.reply)).toContain(
      "Goal set: Learn SQL window functions — 2 h/week",
    );
  });

  it("searches the catalog by typo, provider and skill", async () => {
    expect(text(await core.command(actor("U5"), "catalog powr bi"))).toContain(
      "Microsoft Power BI Data Analyst (PL-300)",
    );
    expect(text(await core.command(actor("U5"), "catalog Vanderbilt"))).toContain(
      "Prompt Engineering for ChatGPT",
    );
    expect(text(await core.command(actor("U5"), "catalog knitting"))).toContain(
      "Nothing in the catalog matches",
    );
  });
});

describe("features plugged into the core", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("features");
  });
  afterAll(async () => {
    await t.drop();
  });

  it("route their commands, actions and forms, and appear in help", async () => {
    const seen: string[] = [];
    const core = createCore({ db: t.db, clock: new ManualClock("2026-11-30T15:00:00Z") }, [
      () => ({
        name: "echo",
        commands: [
          {
            name: "echo",
            aliases: ["say"],
            usage: "echo <words>",
            description: "Repeat after me",
            run: async (s, args) => {
              seen.push(`${s.user.display_name}:${args}`);
              return {
                kind: "message",
                visibility: "private",
                message: { summary: args, blocks: [] },
              };
            },
          },
        ],
        actions: {
          "echo.click": async (_s, p) => {
            seen.push(`click:${String(p.n)}`);
            return { kind: "none" };
          },
        },
        forms: {
          "echo.form": async (_s, state, values) => ({
            ok: false,
            errors: { a: `${state}/${values.a}` },
          }),
        },
      }),
    ]);
    await core.command(actor("U9"), "say hello there");
    expect(seen).toEqual(["Person U9:hello there"]);
    await core.action(actor("U9"), "echo.click", JSON.stringify({ n: 7 }));
    expect(seen).toContain("click:7");
    expect(await core.submit(actor("U9"), "echo.form", "st", { a: "x" })).toEqual({
      ok: false,
      errors: { a: "st/x" },
    });
    expect(text(await core.command(actor("U9"), "help"))).toContain(
      "/learn echo <words>: Repeat after me",
    );
  });
});
