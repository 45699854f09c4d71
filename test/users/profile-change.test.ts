import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, Core } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import type { PlatformProfile } from "../../src/ports.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

describe("a profile the platform says has changed", () => {
  let t: TestDatabase;
  let core: Core;
  const clock = new ManualClock("2026-12-07T09:00:00Z");
  let profile: PlatformProfile = {
    displayName: "Dora",
    email: "dora@example.test",
    timeZone: "Europe/Berlin",
    locale: "en-GB",
  };
  let lookups = 0;
  const dora: Actor = {
    platform: "slack",
    workspaceExternalId: "T1",
    userExternalId: "U0DORA",
    profile: async () => {
      lookups += 1;
      return profile;
    },
  };
  const stored = () =>
    t.db
      .selectFrom("users")
      .where("platform_user_id", "=", "U0DORA")
      .select(["time_zone", "platform_locale"])
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await createTestDatabase("profile_change");
    core = createCore({ db: t.db, clock });
  });
  afterAll(() => t?.drop());

  it("is read again at the person's next request, not a day later", async () => {
    await core.command(dora, "goals");
    await core.command(dora, "goals");
    expect(lookups).toBe(1);

    profile = { ...profile, timeZone: "Asia/Tokyo", locale: "ja-JP" };
    await core.profileChanged!(dora);
    clock.advance(60_000);
    await core.command(dora, "goals");
    expect(lookups).toBe(2);
    expect(await stored()).toEqual({ time_zone: "Asia/Tokyo", platform_locale: "ja-JP" });
    // read once: fresh again until the next change
    await core.command(dora, "goals");
    expect(lookups).toBe(2);
  });

  it("changes nothing for someone who never used Stackup, or in another workspace", async () => {
    await core.profileChanged!({ ...dora, userExternalId: "U0NEW" });
    await core.profileChanged!({ ...dora, workspaceExternalId: "T2" });
    expect(
      await t.db.selectFrom("users").where("platform_user_id", "=", "U0NEW").selectAll().execute(),
    ).toEqual([]);
    await core.command(dora, "goals");
    expect(lookups).toBe(2);
  });
});
