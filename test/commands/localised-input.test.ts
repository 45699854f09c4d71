import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, Core } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { actor, text } from "./harness.ts";

/** A Slack person whose client speaks `locale`. */
function speaker(user: string, locale: string, tz = "Europe/Berlin"): Actor {
  const base = actor(user, tz);
  return {
    ...base,
    profile: async () => ({ ...(await base.profile()), locale }),
  };
}

describe("commands read and answered in the person's language", () => {
  let t: TestDatabase;
  let core: Core;
  // Monday 7 December 2026, 10:00 in Berlin.
  const clock = new ManualClock("2026-12-07T09:00:00Z");

  beforeAll(async () => {
    t = await createTestDatabase("localised_input");
    core = createCore({ db: t.db, clock });
  });
  afterAll(async () => {
    await t.drop();
  });

  it("sets a German goal's target from 'bis 31. März' and writes it", async () => {
    const de = speaker("U1", "de-DE");
    const reply = text(await core.command(de, "goal Kubernetes lernen bis 31. März 3h/week"));
    expect(reply).toContain("31. März 2027");
    const goal = await t.db
      .selectFrom("goals")
      .select(["title", "target_date"])
      .executeTakeFirstOrThrow();
    expect(goal.title).toBe("Kubernetes lernen");
    expect(goal.target_date).toBe("2027-03-31");
  });

  it("says what was wrong in German, with the usage line, and writes nothing", async () => {
    const de = speaker("U2", "de-DE");
    const before = await t.db.selectFrom("goals").select("id").execute();
    expect(text(await core.command(de, "goal Rust bis 1. März 2026"))).toContain(
      "1. März 2026 liegt nicht in der Zukunft",
    );
    expect(text(await core.command(de, "log viel"))).toContain("„viel“ ist keine Stundenzahl.");
    expect(text(await core.command(de, "frobnicate"))).toContain("„frobnicate“ kenne ich nicht.");
    expect(text(await core.command(de, "checkins funday 10:00"))).toContain(
      "„funday“ erkenne ich nicht als Tag.",
    );
    expect(text(await core.command(de, "checkins pause until gestern"))).toContain(
      "ist schon vorbei",
    );
    expect(text(await core.command(de, "undo this"))).toContain("Rückgängig braucht keine Worte");
    expect(text(await core.command(de, "fix 2"))).toContain(
      "Du hast in den letzten 7 Tagen nichts eingetragen.",
    );
    expect(await t.db.selectFrom("goals").select("id").execute()).toHaveLength(before.length);
  });

  it("takes the command words a language's catalogue adds, beside the English ones", async () => {
    const de = speaker("U1", "de-DE");
    const goals = text(await core.command(de, "goals"));
    expect(goals).toContain("Kubernetes lernen");
    expect(text(await core.command(de, "Ziele"))).toBe(goals);
    expect(text(await core.command(de, "eintragen 1,5"))).toContain("1,5 Std.");
    const ja = speaker("U5", "ja-JP", "Asia/Tokyo");
    expect(text(await core.command(ja, "目標 AWS認定 3月31日まで"))).toContain("AWS認定");
    expect(text(await core.command(ja, "目標一覧"))).toBe(text(await core.command(ja, "goals")));
    // Another language's words are not commands.
    expect(text(await core.command(actor("U6"), "ziele"))).toContain('I don\'t know "ziele".');
  });

  it("takes check-in days in the person's language", async () => {
    const de = speaker("U8", "de-DE");
    expect(text(await core.command(de, "checkins Di,Fr 9:30"))).toContain("9:30");
    const user = await t.db
      .selectFrom("users")
      .select("id")
      .where("platform_user_id", "=", "U8")
      .executeTakeFirstOrThrow();
    const schedule = await t.db
      .selectFrom("checkin_schedules")
      .select(["days", "local_time"])
      .where("user_id", "=", user.id)
      .executeTakeFirstOrThrow();
    expect(schedule).toMatchObject({ days: ["tue", "fri"], local_time: "09:30" });
  });

  it("answers a Japanese person's bad time in Japanese", async () => {
    const ja = speaker("U3", "ja-JP", "Asia/Tokyo");
    const reply = text(await core.command(ja, "checkins mon 25:00"));
    expect(reply).toContain("「25:00」を曜日として認識できませんでした。");
  });

  it("draws the new-goal form in the person's language", async () => {
    const reply = await core.action(speaker("U7", "de-DE"), "goal.new", "{}");
    expect(reply.kind === "form" && reply.form).toMatchObject({
      title: "Neues Lernziel",
      submitLabel: "Ziel setzen",
      inputs: expect.arrayContaining([expect.objectContaining({ label: "Zieldatum" })]),
    });
  });

  it("validates the new-goal form's date in French", async () => {
    const fr = speaker("U4", "fr-FR", "Europe/Paris");
    const bad = await core.submit(fr, "goal.new", undefined, {
      title: "Kubernetes",
      target: "le 31 févr.",
    });
    expect(bad).toMatchObject({
      ok: false,
      errors: { target: expect.stringContaining("Je n’ai pas pu lire « le 31 févr. »") },
    });
  });
});
