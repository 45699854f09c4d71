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
import { actor, complete, credential, goal, log, text, userId } from "../org/seed.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

const clock = new ManualClock("2026-10-26T08:00:00Z");
const admin = actor("U0ADM", "Ada", { admin: true });
const hana = actor("U0HANA", "Hana Hidden");
const sam = actor("U0SAM", "Sam Shown");

describe("a hidden person appears in no channel message", () => {
  let t: TestDatabase;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestDatabase("hidden");
    const core = createCore({ db: t.db, clock }, [orgFeature]);
    for (const a of [admin, hana, sam]) {
      await core.command(a, "leaderboard");
      ids[a.userExternalId] = await userId(t.db, a.userExternalId);
    }
    await core.command(admin, "admin team create Duo <#C0DUO|duo>");
    await core.command(admin, "admin team add Duo <@U0HANA|hana> <@U0SAM|sam>");
    await core.command(hana, "leaderboard optout hidden");
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
    ] as const) {
      const id = ids[who]!;
      const g = await goal(t.db, id, `${who} course`, "2026-10-20T08:00:00Z", {
        credentialId: who === "U0HANA" ? cloud : undefined,
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
});
