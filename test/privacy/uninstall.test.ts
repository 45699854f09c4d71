import type { Installation } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackInstallations } from "../../adapters/slack/installations.ts";
import { TokenCipher } from "../../adapters/slack/token-cipher.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import {
  ALICE,
  activity,
  BOT,
  botAdded,
  CHANNEL_ID,
  channelMessage,
  TENANT,
} from "../teams/activities.ts";
import { rosterEntry, startTeamsService, type TeamsService } from "../teams/harness.ts";

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

describe("Teams: removing the bot from its last conversation starts the retention period", () => {
  let h: TeamsService;
  const clock = new ManualClock("2026-11-30T09:00:00Z");

  beforeAll(async () => {
    h = await startTeamsService({
      label: "uninstall_teams",
      members: [rosterEntry(ALICE, "Alice@Example.test")],
      role: "web",
      clock,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const uninstalledAt = async () =>
    (
      await h.db
        .selectFrom("workspaces")
        .where("platform", "=", "teams")
        .where("external_id", "=", TENANT)
        .select("uninstalled_at")
        .executeTakeFirstOrThrow()
    ).uninstalled_at;
  const personalRemoved = () =>
    activity(h.fake.serviceUrl, { type: "installationUpdate", action: "remove" });
  const channelBotRemoved = () =>
    activity(h.fake.serviceUrl, {
      type: "conversationUpdate",
      membersRemoved: [{ id: BOT.id }],
      conversation: { id: CHANNEL_ID, conversationType: "channel", isGroup: true },
      channelData: {
        tenant: { id: TENANT },
        team: { id: CHANNEL_ID, name: "Learning" },
        channel: { id: CHANNEL_ID, name: "General" },
      },
    });

  it("records the uninstall once nothing is left, and clears it when the bot is added again", async () => {
    await h.exchange(botAdded(h.fake.serviceUrl));
    expect(await h.say("goals")).toBeTruthy();
    expect(await uninstalledAt()).toBeNull();

    await h.exchange(personalRemoved());
    expect(await uninstalledAt()).toEqual(new Date("2026-11-30T09:00:00Z"));
    clock.advance(86_400_000);
    await h.exchange(botAdded(h.fake.serviceUrl));
    expect(await uninstalledAt()).toBeNull();
  });

  it("keeps the tenant installed while the bot is still in a team, and counts from the last removal", async () => {
    await h.exchange(channelMessage(h.fake.serviceUrl, "leaderboard"));
    await h.exchange(personalRemoved());
    expect(await uninstalledAt()).toBeNull();
    clock.advance(3_600_000);
    await h.exchange(channelBotRemoved());
    expect(await uninstalledAt()).toEqual(new Date("2026-12-01T10:00:00Z"));
    // A repeated removal does not push the purge back.
    clock.advance(3_600_000);
    await h.exchange(channelBotRemoved());
    expect(await uninstalledAt()).toEqual(new Date("2026-12-01T10:00:00Z"));
  });
});
