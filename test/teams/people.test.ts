import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/time/clock.ts";
import { ALICE, activity, personalMessage } from "./activities.ts";
import { rosterEntry, startTeamsService, type TeamsService } from "./harness.ts";

const BOB = {
  id: "29:1bob-teams-id",
  aadObjectId: "00000000-0000-4000-8000-0000000000b0",
  name: "Bob Builder",
};

describe("Teams people: time zones and mentions through the real CloudAdapter over HTTP", () => {
  let h: TeamsService;
  const clock = new ManualClock("2026-11-30T09:00:00Z");

  beforeAll(async () => {
    h = await startTeamsService({
      label: "teams_people",
      members: [rosterEntry(ALICE, "alice@example.test"), rosterEntry(BOB, "bob@example.test")],
      role: "web",
      clock,
      config: { admins: ["alice@example.test"] },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const zoneOf = async (aadObjectId: string) =>
    (
      await h.db
        .selectFrom("users")
        .select("time_zone")
        .where("platform_user_id", "=", aadObjectId)
        .executeTakeFirstOrThrow()
    ).time_zone;

  it("prefers the clientInfo entity's zone", async () => {
    await h.replyTo({
      ...personalMessage(h.fake.serviceUrl, "learn goals"),
      localTimezone: "Asia/Tokyo",
    });
    expect(await zoneOf(ALICE.aadObjectId)).toBe("Europe/Berlin");
  });

  it("takes the zone from the standard localTimezone field when there is no clientInfo entity", async () => {
    await h.replyTo(
      activity(h.fake.serviceUrl, {
        text: "learn goals",
        from: { ...BOB },
        entities: [],
        localTimezone: "Asia/Tokyo",
      }),
    );
    expect(await zoneOf(BOB.aadObjectId)).toBe("Asia/Tokyo");
  });

  /** A message in the personal chat @mentioning people as Teams does: `<at>` text plus entities. */
  const mentioning = (text: string, people: { id: string; name: string }[]) =>
    activity(h.fake.serviceUrl, {
      text,
      entities: [
        ...people.map((p) => ({
          type: "mention",
          text: `<at>${p.name}</at>`,
          mentioned: { id: p.id, name: p.name },
        })),
        { type: "clientInfo", locale: "en-US", timezone: "Europe/Berlin" },
      ],
    });

  it("resolves mentions to the people they name: admin manager @Bob @Alice", async () => {
    const reply = await h.replyTo(
      mentioning(`learn admin manager <at>${BOB.name}</at> <at>${ALICE.name}</at>`, [BOB, ALICE]),
    );
    expect(reply).toContain(BOB.name);
    const row = await h.db
      .selectFrom("org_people")
      .innerJoin("users as person", "person.id", "org_people.user_id")
      .innerJoin("users as manager", "manager.id", "org_people.manager_id")
      .select(["person.platform_user_id as person", "manager.platform_user_id as manager"])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ person: BOB.aadObjectId, manager: ALICE.aadObjectId });
  });

  it("reports on the mentioned manager's people, not on the sender", async () => {
    const reply = await h.replyTo(mentioning(`learn report <at>${ALICE.name}</at> week`, [ALICE]));
    expect(reply).toContain(BOB.name);
  });

  it("says so, and changes nothing, when Teams can't say who was mentioned", async () => {
    const ghost = { id: "29:1ghost", name: "Ghost Writer" };
    const org = () => h.db.selectFrom("org_people").selectAll().orderBy("user_id").execute();
    const before = await org();
    const reply = await h.replyTo(
      mentioning(`learn admin manager <at>${ghost.name}</at> <at>${ALICE.name}</at>`, [
        ghost,
        ALICE,
      ]),
    );
    expect(reply).toContain("couldn't look up “Ghost Writer”");
    expect(await org()).toEqual(before);
  });

  it("tells a member where their progress is in Teams' command words, not Slack's", async () => {
    const reply = await h.replyTo(
      activity(h.fake.serviceUrl, { text: "learn report", from: { ...BOB } }),
    );
    expect(reply).toContain("Reports are for managers and admins.");
    expect(reply).toContain("learn goals");
    expect(reply).toContain("learn leaderboard");
    expect(reply).not.toContain("/learn");
  });
});
