import { describe, expect, it } from "vitest";
import { playgroundWanted } from "../../playground/index.ts";
import { loadConfig } from "../../src/config.ts";

describe("playground lockdown", () => {
  it("is served only when no platform at all is connected", () => {
    expect(playgroundWanted(loadConfig({}), true)).toBe(true);
    expect(playgroundWanted(loadConfig({ PLAYGROUND: "off" }), true)).toBe(false);
    expect(playgroundWanted(loadConfig({}), false)).toBe(false);
    const slack = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" });
    expect(playgroundWanted(slack, true)).toBe(false);
    // Teams alone used to leave the playground on, its clock able to move real people's time.
    const teams = loadConfig({
      MicrosoftAppId: "app",
      MicrosoftAppPassword: "secret",
      MicrosoftAppType: "MultiTenant",
    });
    expect(playgroundWanted(teams, true)).toBe(false);
    const unauthenticated = loadConfig({ TEAMS_ALLOW_UNAUTHENTICATED: "true" });
    expect(playgroundWanted(unauthenticated, true)).toBe(false);
  });
});
