import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orgFeature } from "../../src/commands/features/org.ts";
import { createCore } from "../../src/commands/router.ts";
import { OrgRepository } from "../../src/domain/org/repository.ts";
import { buildDigests } from "../../src/domain/reports/digest.ts";
import { saveShare } from "../../src/domain/sharing/shares.ts";
import { StackRepository } from "../../src/domain/stacks/repository.ts";
import { messageText } from "../../src/messages/model.ts";
import { digestMessage } from "../../src/messages/org.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { actor, complete, credential, goal, text, userId } from "./seed.ts";

// Monday 26 Oct 2026, 09:00 in Berlin: the digest covers Mon 19 – Sun 25 Oct.
const clock = new ManualClock("2026-10-26T08:00:00Z");

describe("weekly digest: stacks, shares and verification labels", () => {
  let t: TestDatabase;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestDatabase("org_digest_content");
    const core = createCore({ db: t.db, clock }, [orgFeature]);
    const people = [
      actor("U0ADMIN", "Ada", { admin: true }),
      actor("U0R1", "Rita"),
      actor("U0R2", "Rob"),
      actor("U0R3", "Ron"),
      actor("U0OUT", "Olga"),
      actor("U0X", "Xena", { workspace: "T2" }),
    ];
    for (const a of people) {
      await core.command(a, "leaderboard");
      ids[a.userExternalId] = await userId(t.db, a.userExternalId, a.workspaceExternalId);
    }
    const ada = people[0]!;
    await core.command(ada, "admin team create Data <#C0DATA|data>");
    await core.command(ada, "admin team add Data <@U0R1|rita> <@U0R2|rob> <@U0R3|ron>");
    await core.command(ada, "admin digest Data monday 09:00 Europe/Berlin");
    await core.command(people[3]!, "leaderboard optout anonymous");

    const cloud = await credential(t.db, "Cloud Basics", "Acme Academy", 10, "https://acme.test/c");
    const viz = await credential(t.db, "Data Viz", "Acme Academy", 20, "https://acme.test/v");
    await new StackRepository(t.db).define({
      role: "analyst",
      title: "Analyst stack",
      description: null,
      credentialIds: [cloud, viz],
    });
    // Rita: the stack's first step last week, its last step this week (link only).
    const r1 = await goal(t.db, ids.U0R1!, "Cloud Basics", "2026-09-01T08:00:00Z", {
      credentialId: cloud,
      estimatedHours: 10,
    });
    await complete(t.db, r1, "2026-10-13T10:00:00Z", true);
    const r2 = await goal(t.db, ids.U0R1!, "Data Viz", "2026-09-01T08:00:00Z", {
      credentialId: viz,
      estimatedHours: 20,
    });
    await complete(t.db, r2, "2026-10-21T10:00:00Z", false);
    await t.db
      .updateTable("completions")
      .set({ verification_status: "link_only" })
      .where("goal_id", "=", r2)
      .execute();
    // Rob: verified, then revoked by the issuer; no bonus and labelled so.
    const b1 = await goal(t.db, ids.U0R2!, "Rust book", "2026-10-01T08:00:00Z");
    await complete(t.db, b1, "2026-10-22T10:00:00Z", true);
    await t.db
      .updateTable("completions")
      .set({ revoked_at: new Date("2026-10-24T10:00:00Z") })
      .where("goal_id", "=", b1)
      .execute();
    // Ron (anonymous): plain unverified.
    const n1 = await goal(t.db, ids.U0R3!, "SQL", "2026-10-01T08:00:00Z");
    await complete(t.db, n1, "2026-10-23T10:00:00Z", false);
    const o1 = await goal(t.db, ids.U0OUT!, "Not in the team", "2026-10-01T08:00:00Z");
    await complete(t.db, o1, "2026-10-23T10:00:00Z", false);
    const x1 = await goal(t.db, ids.U0X!, "Other workspace", "2026-10-01T08:00:00Z");
    await complete(t.db, x1, "2026-10-23T10:00:00Z", false);

    const user = (id: number) =>
      t.db.selectFrom("users").where("id", "=", id).selectAll().executeTakeFirstOrThrow();
    const share = async (who: number, goalId: number, text: string, at: string) =>
      saveShare(
        t.db,
        await user(who),
        { goalId, text, audience: "digest", teamChannelId: null, colleagueId: null },
        new Date(at),
      );
    await share(ids.U0R1!, r2, "Charts need a question first.", "2026-10-21T12:00:00Z");
    await share(ids.U0R3!, n1, "Indexes matter.", "2026-10-25T22:30:00Z"); // Sun 23:30 Berlin
    await share(ids.U0R1!, r1, "Last week's news.", "2026-10-13T12:00:00Z");
    await share(ids.U0R2!, b1, "Too late: Monday.", "2026-10-25T23:30:00Z"); // Mon 00:30
    await share(ids.U0OUT!, o1, "Not my team.", "2026-10-22T12:00:00Z");
    await share(ids.U0X!, x1, "Other workspace.", "2026-10-22T12:00:00Z");
    text(await core.command(ada, "leaderboard Data week"));
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("celebrates the stack, quotes this week's shares and labels each completion", async () => {
    const ws = await t.db
      .selectFrom("users")
      .where("id", "=", ids.U0ADMIN!)
      .select("workspace_id")
      .executeTakeFirstOrThrow();
    const team = await new OrgRepository(t.db).team(ws.workspace_id, "data");
    const [d] = await buildDigests(t.db, [{ team: team!, digestDate: "2026-10-26" }], clock.now());
    expect(d!.stacks).toEqual([{ person: "Rita", stack: "Analyst stack" }]);
    expect(d!.shares).toEqual([
      { person: "Rita", goal: "Data Viz", text: "Charts need a question first." },
    ]);
    // Ron chose "anonymous": his completion and share are counted, never listed.
    expect(d!.unnamed).toEqual({ completions: 1, newGoals: 0, stacks: 0, shares: 1 });
    expect(messageText(digestMessage(d!, null))).toBe(
      [
        "Data · week of 19 Oct – 25 Oct 2026",
        "0 h logged by the team, the same as the week before (0 h).",
        // Rita 10 (half of 20 h); Rob 5, no bonus once revoked; Ron 5.
        "Top learners\n1. Rita — 10 pts · 0 h\n2. Rob — 5 pts · 0 h",
        "Completed this week\n• Data Viz · Acme Academy — Rita · link only" +
          "\n• Rust book — Rob · unverified (revoked by the issuer)",
        "🎉 Whole stacks completed\n• Analyst stack — Rita",
        "What we learned\n• “Charts need a question first.” — Rita, on Data Viz",
        "Also this week, from teammates who take part without their names: 1 completion, 1 shared learning.",
      ].join("\n"),
    );
  });

  it("labels completions on the leaderboard and in reports", async () => {
    const core = createCore({ db: t.db, clock }, [orgFeature]);
    const board = text(
      await core.command(actor("U0ADMIN", "Ada", { admin: true }), "leaderboard Data month"),
    );
    expect(board).toContain(
      "1. Rita — 25 pts · 0 h · 2 completions (1 ✓ verified · issued by acme.example, 1 link only)\n" +
        "2. Rob — 5 pts · 0 h · 1 completion (unverified)\n" +
        "1 more person takes part without their names.",
    );
    expect(board).not.toContain("SQL");
    const report = text(
      await core.command(actor("U0ADMIN", "Ada", { admin: true }), "report Data month"),
    );
    expect(report).toContain(
      "Completions: Cloud Basics (Acme Academy), 13 Oct 2026, ✓ verified · issued by acme.example; Data Viz (Acme Academy), 21 Oct 2026, link only",
    );
    expect(report).toContain(
      "Completions: Rust book, 22 Oct 2026, unverified (revoked by the issuer)",
    );
  });
});
