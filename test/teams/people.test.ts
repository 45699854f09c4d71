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

  it("still prefers the clientInfo entity's zone", async () => {
    await h.replyTo({
      ...personalMessage(h.fake.serviceUrl, "learn goals"),
      localTimezone: "Asia/Tokyo",
    });
    expect(await zoneOf(ALICE.aadObjectId)).toBe("Europe/Berlin");
  });
});
