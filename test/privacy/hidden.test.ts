import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orgFeature } from "../../src/commands/features/org.ts";
import { shareFeature } from "../../src/commands/features/share.ts";
import { createCore } from "../../src/commands/router.ts";
import { OrgRepository } from "../../src/domain/org/repository.ts";
import { buildDigests } from "../../src/domain/reports/digest.ts";
import { deliverShare, saveShare } from "../../src/domain/sharing/shares.ts";
import { StackRepository } from "../../src/domain/stacks/repository.ts";
import { messageText } from "../../src/messages/model.ts";
import { digestMessage } from "../../src/messages/org.ts";
import { sharedLearningMessage } from "../../src/messages/share.ts";
import type { Destination, JobQueue, Messenger } from "../../src/ports.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { actor, complete, credential, goal, log, text, userId } from "../org/seed.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

const clock = new ManualClock("2026-10-26T08:00:00Z");
const admin = actor("U0ADM", "Ada", { admin: true });
const hana = actor("U0HANA", "Hana Hidden");
const sam = actor("U0SAM", "Sam Shown");
const ana = actor("U0ANA", "Ana Anonymous");

const queued: { job: string; data: Record<string, unknown> }[] = [];
const jobs: JobQueue = {
  async enqueue(job, data) {
    queued.push({ job, data });
  },
};
const sent: Destination[] = [];
const messenger: Messenger = {
  async send(to) {
    sent.push(to);
    return { ref: `m${sent.length}` };
  },
  async update() {},
};
describe("a hidden person appears in no channel message; an anonymous one only in counts", () => {
  let t: TestDatabase;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestDatabase("hidden");
    const core = createCore({ db: t.db, clock }, [orgFeature]);
    for (const a of [admin, hana, sam, ana]) {
      await core.command(a, "leaderboard");
      ids[a.userExternalId] = await userId(t.db, a.userExternalId);
    }
    await core.command(admin, "admin team create Duo <#C0DUO|duo>");
    await core.command(admin, "admin team add Duo <@U0HANA|hana> <@U0SAM|sam>");
    await core.command(hana, "leaderboard optout hidden");
    await core.command(admin, "admin team create Trio <#C0TRIO|trio>");
    await core.command(admin, "admin team add Trio <@U0HANA|hana> <@U0SAM|sam> <@U0ANA|ana>");
    await core.command(ana, "leaderboard optout anonymous");
    const cloud = await credential(t.db, "Cloud Basics", "Acme Academy", 10, "https://acme.test/c");
    await new StackRepository(t.db).define({
      role: "cloud",
      title: "Cloud stack",
      description: null,
      credentialIds: [cloud],
    });
    for (const [who, hours] of [
      ["U0HANA", 7],
      ["U0SAM", 2],
      ["U0ANA", 3],
    ] as const) {
      const id = ids[who]!;
      const g = await goal(t.db, id, `${who} course`, "2026-10-20T08:00:00Z", {
        credentialId: who === "U0SAM" ? undefined : cloud,
      });
      await log(t.db, id, g, hours, "2026-10-21T10:00:00Z");
      await complete(t.db, g, "2026-10-22T10:00:00Z", true);
      await t.db
        .updateTable("completions")
        .set({ evidence_url: `https://badges.test/${who}`, trusted: true })
        .where("goal_id", "=", g)
        .execute();
      const user = await t.db
        .selectFrom("users")
        .where("id", "=", id)
        .selectAll()
        .executeTakeFirstOrThrow();
      await saveShare(
        t.db,
        user,
        {
          goalId: g,
          text: `${who} learned`,
          audience: "digest",
          teamChannelId: null,
          colleagueId: null,
        },
        new Date("2026-10-22T12:00:00Z"),
      );
    }
  });
  afterAll(async () => {
    await t?.drop();
  });

  const digestOf = async (name: string) => {
    const ws = await t.db
      .selectFrom("users")
      .where("id", "=", ids.U0SAM!)
      .select("workspace_id")
      .executeTakeFirstOrThrow();
    const team = await new OrgRepository(t.db).team(ws.workspace_id, name);
    const [d] = await buildDigests(t.db, [{ team: team!, digestDate: "2026-10-26" }], clock.now());
    return d!;
  };
  const HANA = ["Hana", "U0HANA", "badges.test/U0HANA"];
  const ANA = ["Ana", "U0ANA", "badges.test/U0ANA", "U0ANA learned", "U0ANA course"];

  it("leaves them out of the digest: no name, no teammate, no link, no hours, no count", async () => {
    const ws = await t.db
      .selectFrom("users")
      .where("id", "=", ids.U0SAM!)
      .select("workspace_id")
      .executeTakeFirstOrThrow();
    const team = await new OrgRepository(t.db).team(ws.workspace_id, "duo");
    const [d] = await buildDigests(t.db, [{ team: team!, digestDate: "2026-10-26" }], clock.now());
    const shown = JSON.stringify(digestMessage(d!, null));
    for (const needle of ["Hana", "U0HANA", "a teammate", "Cloud", "badges.test/U0HANA"])
      expect(shown).not.toContain(needle);
    expect(d!.members).toBe(1);
    expect(d!.hours).toBe(2);
    expect(d!.stacks).toEqual([]);
    expect(d!.completions).toEqual([
      expect.objectContaining({ person: "Sam Shown", url: "https://badges.test/U0SAM" }),
    ]);
    expect(d!.shares).toEqual([
      { person: "Sam Shown", goal: "U0SAM course", text: "U0SAM learned" },
    ]);
    expect(messageText(digestMessage(d!, null))).toContain("2 h logged by the team");
  });

  it("links evidence only for trusted, verified completions of people who show their name", async () => {
    await t.db.updateTable("completions").set({ trusted: false }).execute();
    const ws = await t.db
      .selectFrom("users")
      .where("id", "=", ids.U0SAM!)
      .select("workspace_id")
      .executeTakeFirstOrThrow();
    const team = await new OrgRepository(t.db).team(ws.workspace_id, "duo");
    const [d] = await buildDigests(t.db, [{ team: team!, digestDate: "2026-10-26" }], clock.now());
    expect(d!.completions).toEqual([expect.objectContaining({ person: "Sam Shown", url: null })]);
  });

  it("leaves them off the leaderboard without a trace", async () => {
    const core = createCore({ db: t.db, clock }, [orgFeature]);
    const board = text(await core.command(sam, "leaderboard Duo month"));
    expect(board).not.toContain("Hana");
    expect(board).not.toContain("a teammate");
    expect(board).toContain("Sam Shown");
  });

  it("counts an anonymous person's completion, stack, share and new goal without listing them", async () => {
    const d = await digestOf("trio");
    const message = digestMessage(d, null);
    const shown = JSON.stringify(message);
    for (const needle of [...HANA, ...ANA, "a teammate", "Cloud"])
      expect(shown, needle).not.toContain(needle);
    // Ana's 3 h count in the total; Hana's 7 h do not. Ana counts as a member; Hana does not.
    expect(d.hours).toBe(5);
    expect(d.members).toBe(2);
    expect(d.top).toEqual([{ name: "Sam Shown", points: expect.any(Number), hours: 2 }]);
    expect(d.completions.map((c) => c.person)).toEqual(["Sam Shown"]);
    expect(d.stacks).toEqual([]);
    expect(d.shares.map((x) => x.person)).toEqual(["Sam Shown"]);
    expect(d.newGoals).toEqual([{ person: "Sam Shown", title: "U0SAM course" }]);
    expect(d.unnamed).toEqual({ completions: 1, newGoals: 1, stacks: 1, shares: 1 });
    expect(messageText(message)).toContain(
      "Also this week, from teammates who take part without their names: 1 completion, 1 whole stack, 1 shared learning, 1 new goal.",
    );
  });

  it("names and ranks no one anonymous on the leaderboard, and tells them where they stand", async () => {
    const core = createCore({ db: t.db, clock }, [orgFeature]);
    const board = text(await core.command(sam, "leaderboard Trio month"));
    for (const needle of [...HANA, ...ANA, "a teammate"]) expect(board).not.toContain(needle);
    expect(board).toContain("1. Sam Shown");
    expect(board).toContain("1 more person takes part without their names.");
    expect(text(await core.command(ana, "leaderboard Trio month"))).toMatch(
      /You take part without your name, so you're not listed; you would be #\d/,
    );
    expect(text(await core.command(hana, "leaderboard Trio month"))).toContain(
      "You're hidden from this board",
    );
  });

  it("lets hidden and anonymous people share only with a colleague, never a channel or digest", async () => {
    const core = createCore({ db: t.db, clock, jobs }, [orgFeature, shareFeature]);
    for (const who of [hana, ana]) {
      const g = await t.db
        .selectFrom("goals")
        .where("title", "=", `${who.userExternalId} course`)
        .select("id")
        .executeTakeFirstOrThrow();
      const form = await core.action(who, "share.start", JSON.stringify({ g: g.id }));
      if (form.kind !== "form") throw new Error(`got ${form.kind}`);
      const where = form.form.inputs.find((i) => i.id === "where");
      if (where?.type !== "select") throw new Error("no where");
      expect(where.options.map((o) => o.value).every((v) => v.startsWith("u:"))).toBe(true);
      expect(where.initial).toBe(where.options[0]!.value);
      for (const place of ["team", "digest"]) {
        const refused = await core.submit(who, "share.submit", form.form.state, {
          text: "Posted anyway?",
          where: place,
        });
        expect(refused).toMatchObject({
          ok: false,
          errors: { where: expect.stringContaining("pick a colleague") },
        });
      }
      const samId = `u:${ids.U0SAM}`;
      const ok = await core.submit(who, "share.submit", form.form.state, {
        text: "Just for Sam.",
        where: samId,
      });
      expect(ok.ok).toBe(true);
    }
    expect(queued.map((q) => q.job)).toEqual(["share.deliver", "share.deliver"]);
  });

  it("does not post a team-channel share of someone who has since chosen hidden", async () => {
    const g = await t.db
      .selectFrom("goals")
      .where("title", "=", "U0HANA course")
      .select("id")
      .executeTakeFirstOrThrow();
    const user = await t.db
      .selectFrom("users")
      .where("id", "=", ids.U0HANA!)
      .selectAll()
      .executeTakeFirstOrThrow();
    // Shared to the channel while still shown, delivered after choosing hidden.
    const share = await saveShare(
      t.db,
      user,
      {
        goalId: g.id,
        text: "Old news",
        audience: "team",
        teamChannelId: "C0TRIO",
        colleagueId: null,
      },
      clock.now(),
    );
    const deps = { db: t.db, messenger, now: () => clock.now() };
    expect(await deliverShare(deps, share.id, sharedLearningMessage)).toBe("nothing to do");
    expect(sent).toEqual([]);
  });
});
