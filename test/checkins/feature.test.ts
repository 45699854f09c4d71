import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, Core } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import { type Message, messageText, type Reply } from "../../src/messages/model.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

const actor: Actor = {
  platform: "slack",
  workspaceExternalId: "T1",
  userExternalId: "U1",
  profile: async () => ({ displayName: "Ada", email: null, timeZone: "Asia/Kolkata" }),
};

const text = (r: Reply) => {
  if (r.kind !== "message" && r.kind !== "update") throw new Error(`got ${r.kind}`);
  return messageText(r.message);
};

describe("check-in settings and check-in buttons", () => {
  let t: TestDatabase;
  let core: Core;
  // Monday 30 Nov 2026, 09:50 in Kolkata (+5:30).
  const clock = new ManualClock("2026-11-30T04:20:00Z");
  const schedule = () => t.db.selectFrom("checkin_schedules").selectAll().executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await createTestDatabase("checkin_feature");
    core = createCore({ db: t.db, clock });
    await core.command(actor, "goal Learn Rust 3h/week");
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("sets days and a local time a few minutes ahead, which fires today", async () => {
    const reply = await core.command(actor, "checkins mon,thu 10:00");
    expect(text(reply)).toContain("Check-ins Mon, Thu at 10:00 (Asia/Kolkata)");
    expect((await schedule()).next_checkin_at?.toISOString()).toBe("2026-11-30T04:30:00.000Z");
    expect(text(reply)).toContain("Next: Mon 30 Nov, 10:00");
  });

  it("explains a bad day or time and changes nothing", async () => {
    const reply = await core.command(actor, "checkins funday 10:00");
    expect(text(reply)).toContain('I didn\'t recognise "funday" as a day');
    expect((await schedule()).days).toEqual(["mon", "thu"]);
  });

  it("snoozes the next check-in until tomorrow at the check-in time", async () => {
    const reply = await core.command(actor, "snooze tomorrow");
    expect(text(reply)).toContain("Snoozed until Tue 1 Dec, 10:00");
    expect((await schedule()).next_checkin_at?.toISOString()).toBe("2026-12-01T04:30:00.000Z");
  });

  it("pauses until a date and turns check-ins off", async () => {
    const paused = await core.command(actor, "checkins pause until 2026-12-10");
    expect(text(paused)).toContain("Paused until Thu 10 Dec.");
    expect((await schedule()).next_checkin_at?.toISOString()).toBe("2026-12-10T04:30:00.000Z");
    expect(text(await core.command(actor, "checkins off"))).toContain("Check-ins are off.");
    expect((await schedule()).next_checkin_at).toBeNull();
    await core.command(actor, "checkins on");
    expect((await schedule()).enabled).toBe(true);
  });

  it("opens the settings modal and saves it, with errors per field", async () => {
    const reply = await core.command(actor, "settings");
    expect(reply.kind).toBe("form");
    if (reply.kind !== "form") return;
    expect(reply.form.id).toBe("settings.save");
    const bad = await core.submit(actor, "settings.save", undefined, {
      days: "mon",
      time: "25:00",
    });
    expect(bad).toMatchObject({ ok: false, errors: { time: expect.stringContaining("25:00") } });
    const good = await core.submit(actor, "settings.save", undefined, {
      enabled: "on",
      days: "weekdays",
      time: "9am",
      quiet: "21:00-07:00",
      weekends: "off",
    });
    expect(good.ok).toBe(true);
    const row = await schedule();
    expect(row).toMatchObject({ days: ["mon", "tue", "wed", "thu", "fri"], local_time: "09:00" });
    expect(row).toMatchObject({ quiet_start: "21:00", quiet_end: "07:00" });
  });

  it("logs 30 min from a check-in button and redraws the same message", async () => {
    const goal = await t.db.selectFrom("goals").select("id").executeTakeFirstOrThrow();
    await t.db.updateTable("checkin_schedules").set({ ignored_in_row: 2 }).execute();
    const reply = await core.action(
      actor,
      "checkin.log",
      JSON.stringify({ g: goal.id, h: 0.5, k: "checkin:1:2026-11-30:10:00" }),
    );
    expect(reply.kind).toBe("update");
    expect(text(reply)).toContain("✅ Logged 0.5 h on Learn Rust.");
    expect(text(reply)).toContain("[Log 1 h]");
    const buttons = (reply as { message: Message }).message.blocks.flatMap((b) =>
      b.type === "actions" ? b.buttons : [],
    );
    expect(buttons.every((b) => b.value.includes("checkin:1:2026-11-30:10:00"))).toBe(true);
    expect((await schedule()).ignored_in_row).toBe(0);
  });

  it("opens a form for Other… and logs what it says", async () => {
    const goal = await t.db.selectFrom("goals").select("id").executeTakeFirstOrThrow();
    const form = await core.action(actor, "checkin.other", JSON.stringify({ g: goal.id }));
    expect(form.kind).toBe("form");
    if (form.kind !== "form") return;
    const result = await core.submit(actor, "checkin.log", form.form.state, { hours: "1.5" });
    expect(result.ok && text(result.reply)).toContain("Logged 1.5 h on Learn Rust");
  });

  it("snoozes and pauses the goal from the check-in in place", async () => {
    const goal = await t.db.selectFrom("goals").select("id").executeTakeFirstOrThrow();
    const snoozed = await core.action(actor, "checkin.snooze", JSON.stringify({ s: "1h" }));
    expect(snoozed.kind).toBe("update");
    expect(text(snoozed)).toContain("Snoozed until Mon 30 Nov, 10:50");
    const paused = await core.action(actor, "checkin.pause", JSON.stringify({ g: goal.id }));
    expect(paused.kind).toBe("update");
    expect(text(paused)).toContain("Paused Learn Rust");
    expect(text(paused)).toContain("That's everything for this check-in");
  });
});
