import type { Installation } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackInstallations } from "../../adapters/slack/installations.ts";
import { TokenCipher } from "../../adapters/slack/token-cipher.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

const SECRET = "installations-test-secret-".repeat(2);

const installation = (teamId: string, token: string) =>
  ({
    team: { id: teamId, name: teamId },
    enterprise: undefined,
    isEnterpriseInstall: false,
    bot: { token, userId: "U0BOT", id: "B0BOT", scopes: ["chat:write"] },
    user: { id: "U0ADMIN", token: undefined, scopes: undefined },
    appId: "A0STACKUP",
    tokenType: "bot",
    authVersion: "v2",
  }) as unknown as Installation;

describe("Slack installations' token cache", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("slack_installations");
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("remembers 'not installed' for seconds, not a minute, so a new install is used at once", async () => {
    let now = 1_000_000;
    const worker = new SlackInstallations(t.db, new TokenCipher(SECRET), () => now);
    const installer = new SlackInstallations(t.db, new TokenCipher(SECRET), () => now);
    expect(await worker.botToken("T0LATE")).toBeUndefined();
    await installer.storeInstallation(installation("T0LATE", "xoxb-late-1"));
    now += 6_000;
    expect(await worker.botToken("T0LATE")).toBe("xoxb-late-1");
    // A known token is kept longer: another process's change reaches this one within a minute.
    await installer.storeInstallation(installation("T0LATE", "xoxb-late-2"));
    now += 6_000;
    expect(await worker.botToken("T0LATE")).toBe("xoxb-late-1");
    now += 60_000;
    expect(await worker.botToken("T0LATE")).toBe("xoxb-late-2");
  });
});
