import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, Core } from "../../src/commands/core.ts";
import { orgFeature } from "../../src/commands/features/org.ts";
import { createCore } from "../../src/commands/router.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { text } from "../commands/harness.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

const clock = new ManualClock("2026-11-04T14:00:00Z");
const flags: Record<string, boolean> = {};

/** A Slack person whose users.info says is_admin when `flags[user]` is set. */
function person(user: string): Actor {
  return {
    platform: "slack",
    workspaceExternalId: "T9",
    userExternalId: user,
    profile: async () => ({
      displayName: `Person ${user}`,
      email: `${user.toLowerCase()}@example.com`,
      timeZone: "UTC",
      isAdmin: flags[user] ?? false,
    }),
  };
}

const REFUSED = "Only workspace admins";

describe("who is a workspace admin", () => {
  let t: TestDatabase;
  let core: Core;
  const isAdmin = async (user: string) =>
    !text(await core.command(person(user), "admin audit")).includes(REFUSED);

  beforeAll(async () => {
    t = await createTestDatabase("admins");
    // STACKUP_ADMINS arrives lower-cased; Slack ids are upper case.
    core = createCore({ db: t.db, clock, admins: ["u9listed"] }, [orgFeature]);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("does not make the first person of a fresh workspace an admin", async () => {
    expect(await isAdmin("U9FIRST")).toBe(false);
    const stored = await t.db
      .selectFrom("users")
      .select(["platform_user_id", "platform_admin"])
      .execute();
    expect(stored).toEqual([{ platform_user_id: "U9FIRST", platform_admin: false }]);
  });

  it("takes Slack owners and admins from users.info, refreshed with the profile", async () => {
    flags.U9OWNER = true;
    expect(await isAdmin("U9OWNER")).toBe(true);
    flags.U9OWNER = false;
    expect(await isAdmin("U9OWNER")).toBe(true); // not asked again within a day
    clock.advance(25 * 3_600_000);
    expect(await isAdmin("U9OWNER")).toBe(false);
  });

  it("counts the person who installed Stackup, STACKUP_ADMINS and people granted the role", async () => {
    expect(await isAdmin("U9INSTALLER")).toBe(false);
    const ws = await t.db.selectFrom("workspaces").select("id").executeTakeFirstOrThrow();
    await t.db
      .insertInto("slack_installations")
      .values({
        installation_key: "T9",
        team_id: "T9",
        workspace_id: ws.id,
        bot_token_encrypted: Buffer.from("x"),
        token_key_id: "k",
        bot_user_id: "UBOT",
        bot_id: "BBOT",
        installer_user_id: "U9INSTALLER",
      })
      .execute();
    expect(await isAdmin("U9INSTALLER")).toBe(true);
    expect(await isAdmin("U9LISTED")).toBe(true);
    expect(
      text(await core.command(person("U9INSTALLER"), "admin role <@U9FIRST|first> admin")),
    ).toContain("is now an admin");
    expect(await isAdmin("U9FIRST")).toBe(true);
  });
});
