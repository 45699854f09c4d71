import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, Core } from "../../src/commands/core.ts";
import { planFeature } from "../../src/commands/features/plan.ts";
import { recommendFeature } from "../../src/commands/features/recommend.ts";
import { shareFeature } from "../../src/commands/features/share.ts";
import { stackFeature } from "../../src/commands/features/stack.ts";
import { createCore } from "../../src/commands/router.ts";
import { deliverShare, sharesBetween } from "../../src/domain/sharing/shares.ts";
import { stackCompletionsBetween } from "../../src/domain/stacks/repository.ts";
import { type Button, messageText, type Reply } from "../../src/messages/model.ts";
import { sharedLearningMessage } from "../../src/messages/share.ts";
import type { Destination, JobQueue, Messenger } from "../../src/ports.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

function actor(user: string, tz = "America/New_York"): Actor {
  return {
    platform: "slack",
    workspaceExternalId: "T1",
    userExternalId: user,
    profile: async () => ({ displayName: `Person ${user}`, email: null, timeZone: tz }),
  };
}

const messageOf = (reply: Reply) => {
  if (reply.kind !== "message" && reply.kind !== "update") throw new Error(`got ${reply.kind}`);
  return reply.message;
};
const text = (reply: Reply) => messageText(messageOf(reply));
const buttons = (reply: Reply): Button[] =>
  messageOf(reply).blocks.flatMap((b) => (b.type === "actions" ? b.buttons : []));
const button = (reply: Reply, label: string | RegExp) => {
  const found = buttons(reply).find((b) =>
    typeof label === "string" ? b.label === label : label.test(b.label),
  );
  if (!found) throw new Error(`no button ${label} in ${buttons(reply).map((b) => b.label)}`);
  return found;
};

describe("recommend, stacks, plan and share through the core", () => {
  let t: TestDatabase;
  let core: Core;
  const enqueued: { job: string; data: Record<string, unknown> }[] = [];
  const jobs: JobQueue = {
    async enqueue(job, data) {
      enqueued.push({ job, data });
    },
  };
  const clock = new ManualClock("2026-11-30T15:00:00Z"); // Monday 10:00 in New York

  beforeAll(async () => {
    t = await createTestDatabase("recommend_features");
    core = createCore({ db: t.db, clock, jobs, admins: ["R1"] }, [
      recommendFeature,
      stackFeature,
      planFeature,
      shareFeature,
    ]);
  });
  afterAll(async () => {
    await t.drop();
  });

  it("recommends with reasons, cost band and a working Set as goal button", async () => {
    const reply = await core.command(actor("R1"), "recommend accountant");
    const body = text(reply);
    expect(body).toContain("Microsoft Power BI Data Analyst (PL-300) · Microsoft");
    expect(body).toContain("Covers Power BI, dashboards, data visualization · 40 h · $100 or more");
    const set = button(reply, "Set as goal");
    expect(set.action).toBe("goal.create");
    expect(text(await core.action(actor("R1"), set.action, set.value))).toContain(
      "Goal set: Microsoft Power BI Data Analyst (PL-300)",
    );
    const empty = await core.command(actor("R1"), "recommend");
    expect(empty.kind).toBe("form");
    const honest = text(await core.command(actor("R1"), "recommend astronaut"));
    expect(honest).toContain("I couldn't match “astronaut” to any credential");
    expect(honest).toContain("View stack:");
  });

  it("starts a stack: goals in order, dates spread by weekly hours, later ones waiting", async () => {
    const me = actor("S1");
    const shown = await core.command(me, "stack PM 5h/week");
    expect(text(shown)).toContain("Project manager with AI");
    expect(text(shown)).toContain("0 of 3 credentials");
    const start = button(shown, "Start this stack");
    expect(JSON.parse(start.value)).toMatchObject({ h: 5 });
    const started = text(await core.action(me, start.action, start.value));
    expect(started).toContain("Stack started: Project manager with AI — 5 h/week");

    const goals = await t.db
      .selectFrom("goals")
      .innerJoin("users", "users.id", "goals.user_id")
      .where("users.platform_user_id", "=", "S1")
      .select(["goals.title", "goals.target_date", "goals.hours_per_week", "goals.status"])
      .orderBy("goals.id")
      .execute();
    // 140 h at 5 h/week = 196 days, then 12 h = 17 days, then 5 h = 7 days, from 30 Nov 2026.
    expect(goals).toEqual([
      {
        title: "Google Project Management Certificate",
        target_date: "2027-06-14",
        hours_per_week: 5,
        status: "active",
      },
      {
        title: "Microsoft Power Platform Fundamentals (PL-900)",
        target_date: "2027-07-01",
        hours_per_week: 5,
        status: "paused",
      },
      {
        title: "AI in Project Management",
        target_date: "2027-07-08",
        hours_per_week: 5,
        status: "paused",
      },
    ]);

    // Starting again creates nothing new.
    const again = text(await core.action(me, start.action, start.value));
    expect(again).toContain("Nothing new to start");
    const count = await t.db
      .selectFrom("goals")
      .select((e) => e.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(4); // three here, one from the recommend test
  });

  it("records a completed stack once, for the digest to celebrate", async () => {
    const me = actor("S1");
    const from = clock.now();
    for (const name of [
      "Google Project Management",
      "Power Platform",
      "AI in Project Management",
    ]) {
      clock.advance(3_600_000);
      const done = await core.command(me, `done ${name}`);
      expect(text(done)).toContain("Congratulations");
      expect(button(done, "Share what I learned").action).toBe("share.start");
    }
    const shown = text(await core.command(me, "stack project manager"));
    expect(shown).toContain("3 of 3 credentials");
    expect(shown).toContain("completed the whole stack");
    const window = { from, to: new Date(clock.now().getTime() + 1) };
    const first = await stackCompletionsBetween(t.db, window, clock.now());
    expect(first).toMatchObject([
      { displayName: "Person S1", stackTitle: "Project manager with AI" },
    ]);
    expect(first[0]!.completedAt.toISOString()).toBe(clock.now().toISOString());
    expect(await stackCompletionsBetween(t.db, window, clock.now())).toHaveLength(1);
    expect(
      await stackCompletionsBetween(
        t.db,
        { from: window.to, to: new Date(window.to.getTime() + 1e9) },
        clock.now(),
      ),
    ).toHaveLength(0);
  });

  it("lets an admin (named in STACKUP_ADMINS) define a stack from catalog names, and reports a bad name", async () => {
    const admin = actor("R1");
    const defined = text(
      await core.command(
        admin,
        "stack define support engineer: AI-Powered Customer Service, Google IT Support Professional Certificate",
      ),
    );
    expect(defined).toContain("Stack defined for support engineer");
    expect(defined).toContain(
      "1. AI-Powered Customer Service\n2. Google IT Support Professional Certificate",
    );
    expect(text(await core.command(admin, "stack support engineer"))).toContain(
      "0 of 2 credentials",
    );
    const notAdmin = text(await core.command(actor("S1"), "stack define x: AI for Everyone"));
    expect(notAdmin).toContain("Only workspace admins can define stacks");
    const bad = text(await core.command(admin, "stack define x: Underwater Basket Weaving"));
    expect(bad).toContain("Nothing in the catalog matches “Underwater Basket Weaving”");
  });

  it("sends an .ics plan with the default Tuesday block, and a form to change it", async () => {
    const me = actor("R1");
    const reply = await core.command(me, "plan power bi");
    const message = messageOf(reply);
    expect(messageText(message)).toContain("every Tuesday at 12:00 for 1 h (America/New_York)");
    const file = message.files?.[0];
    expect(file).toMatchObject({ filename: "study-plan.ics", contentType: "text/calendar" });
    const ics = new TextDecoder().decode(file!.data);
    expect(ics).toContain("DTSTART;TZID=America/New_York:20261201T120000");

    const change = button(reply, "Change day and time");
    const form = await core.action(me, change.action, change.value);
    expect(form.kind).toBe("form");
    if (form.kind !== "form") return;
    const bad = await core.submit(me, form.form.id, form.form.state, {
      day: "4",
      time: "25:00",
      length: "45",
    });
    expect(bad).toEqual({ ok: false, errors: { time: expect.any(String) } });
    const good = await core.submit(me, form.form.id, form.form.state, {
      day: "4",
      time: "7:30",
      length: "45",
    });
    if (!good.ok) throw new Error("form rejected");
    expect(text(good.reply)).toContain("every Thursday at 07:30 for 0.8 h");
    // The choice is remembered for the next plan.
    expect(text(await core.command(me, "plan"))).toContain("every Thursday at 07:30");
  });

  it("never shares a completion without the person's yes", async () => {
    const me = actor("S1");
    const before = enqueued.length;
    const goal = await t.db
      .selectFrom("goals")
      .where("title", "=", "AI in Project Management")
      .select("id")
      .executeTakeFirstOrThrow();
    // Clicking Share only opens the form; nothing is stored or sent.
    const form = await core.action(me, "share.start", JSON.stringify({ g: goal.id }));
    expect(form.kind).toBe("form");
    if (form.kind !== "form") return;
    expect(
      await t.db
        .selectFrom("shares" as never)
        .selectAll()
        .execute(),
    ).toEqual([]);
    expect(enqueued.length).toBe(before);
    const where = form.form.inputs.find((i) => i.id === "where");
    expect(where?.type === "select" && where.options.map((o) => o.label)).toContain(
      "Send to Person R1",
    );
    expect(where?.type === "select" && where.initial).toBe("digest"); // no team channel

    // Someone else cannot share it.
    const other = await core.action(actor("R1"), "share.start", JSON.stringify({ g: goal.id }));
    expect(other.kind).not.toBe("form");

    // Digest only: stored for the digest, nothing posted.
    const digest = await core.submit(me, "share.submit", form.form.state, {
      text: "Prompting an assistant to draft a risk register saves me an hour a week.",
      where: "digest",
    });
    expect(digest.ok).toBe(true);
    expect(enqueued.length).toBe(before);
    const stored = await sharesBetween(t.db, {
      from: new Date(0),
      to: new Date(clock.now().getTime() + 1),
    });
    expect(stored).toMatchObject([
      { displayName: "Person S1", goalTitle: "AI in Project Management" },
    ]);

    // To a colleague: queued once, delivered once.
    const colleague =
      where?.type === "select"
        ? where.options.find((o) => o.label === "Send to Person R1")!.value
        : "";
    await core.submit(me, "share.submit", form.form.state, {
      text: "Risk registers with AI.",
      where: colleague,
    });
    expect(enqueued.slice(before)).toEqual([
      { job: "share.deliver", data: { shareId: stored[0]!.shareId } },
    ]);
    const sent: Destination[] = [];
    const messenger: Messenger = {
      async send(to) {
        sent.push(to);
        return { ref: "m1" };
      },
      async update() {},
    };
    const deps = { db: t.db, messenger, now: () => clock.now() };
    expect(await deliverShare(deps, stored[0]!.shareId, sharedLearningMessage)).toBe("sent");
    expect(await deliverShare(deps, stored[0]!.shareId, sharedLearningMessage)).toBe(
      "nothing to do",
    );
    const r1 = await t.db
      .selectFrom("users")
      .where("platform_user_id", "=", "R1")
      .select("id")
      .executeTakeFirstOrThrow();
    expect(sent).toEqual([{ kind: "user", userId: r1.id }]);
  });
});
