import type { Installation } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackInstallations } from "../../adapters/slack/installations.ts";
import { TokenCipher } from "../../adapters/slack/token-cipher.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

const installation = (teamId: string) =>
  ({
    team: { id: teamId, name: teamId },
    isEnterpriseInstall: false,
    bot: { token: "xoxb-1", userId: "U0BOT", id: "B0BOT", scopes: ["chat:write"] },
    user: { id: "U0INSTALLER" },
    appId: "A0STACKUP",
    tokenType: "bot",
    authVersion: "v2",
  }) as unknown as Installation;

describe("an uninstall starts the retention period; installing again stops it", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("uninstall");
  });
  afterAll(async () => {
    await t?.drop();
  });

  const uninstalledAt = async () =>
    (
      await t.db
        .selectFrom("workspaces")
        .where("external_id", "=", "T0GONE")
        .select("uninstalled_at")
        .executeTakeFirstOrThrow()
    ).uninstalled_at;

  it("records when, keeps the first time on a repeated event, and clears it on reinstall", async () => {
    let now = Date.parse("2026-10-01T12:00:00Z");
    const store = new SlackInstallations(
      t.db,
      new TokenCipher("uninstall-test-secret-".repeat(2)),
      () => now,
    );
    await store.storeInstallation(installation("T0GONE"));
    expect(await uninstalledAt()).toBeNull();
    now += 60_000;
    expect(
      await store.deleteInstallationBefore(
        { teamId: "T0GONE", isEnterpriseInstall: false, enterpriseId: undefined },
        // Slack's event time: after the installation was stored (by the database's clock).
        new Date(Date.now() + 60_000),
      ),
    ).toBe(true);
    expect(await uninstalledAt()).toEqual(new Date("2026-10-01T12:01:00Z"));
    now += 86_400_000;
    await store.storeInstallation(installation("T0GONE"));
    expect(await uninstalledAt()).toBeNull();
    await store.deleteInstallation({
      teamId: "T0GONE",
      isEnterpriseInstall: false,
      enterpriseId: undefined,
    });
    expect(await uninstalledAt()).toEqual(new Date("2026-10-02T12:01:00Z"));
  });
});
