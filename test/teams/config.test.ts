import { describe, expect, it } from "vitest";
import { isTeamsConfigured } from "../../adapters/teams/platform.ts";
import { ConfigError, loadConfig } from "../../src/config.ts";

const APP_ID = "00000000-0000-4000-8000-0000000000b0";

describe("Teams configuration", () => {
  it("is off unless an app id is set or unauthenticated use is allowed", () => {
    expect(isTeamsConfigured(loadConfig({}))).toBe(false);
    expect(isTeamsConfigured(loadConfig({ TEAMS_ALLOW_UNAUTHENTICATED: "true" }))).toBe(true);
    const config = loadConfig({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: "pw",
      MicrosoftAppType: "SingleTenant",
      MicrosoftAppTenantId: "tenant",
    });
    expect(isTeamsConfigured(config)).toBe(true);
    expect(config.teams).toEqual({
      appId: APP_ID,
      appPassword: "pw",
      appType: "SingleTenant",
      tenantId: "tenant",
      allowUnauthenticated: false,
    });
  });

  it("still accepts MultiTenant for older registrations", () => {
    const config = loadConfig({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: "pw",
      MicrosoftAppType: "multitenant",
    });
    expect(config.teams?.appType).toBe("MultiTenant");
  });

  it("takes PUBLIC_URL as an https address for the images cards link to", () => {
    expect(loadConfig({ PUBLIC_URL: "https://stackup.example.com/" }).teams?.publicUrl).toBe(
      "https://stackup.example.com",
    );
    expect(() => loadConfig({ PUBLIC_URL: "http://stackup.example.com" })).toThrow(
      /PUBLIC_URL must be the https:\/\/ address/,
    );
    expect(() => loadConfig({ PUBLIC_URL: "https://stackup.example.com/?a=1" })).toThrow(
      ConfigError,
    );
  });

  it("keeps the app password among the secrets", () => {
    expect(loadConfig({}).secretNames).toContain("MicrosoftAppPassword");
  });

  it.each([
    [
      {
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: "pw",
        MicrosoftAppType: "MultiTenant",
        TEAMS_ALLOW_UNAUTHENTICATED: "true",
      },
      /cannot be combined/,
    ],
    [
      { MicrosoftAppId: APP_ID, MicrosoftAppPassword: "pw" },
      /MicrosoftAppType is not set: name SingleTenant or UserAssignedMSI/,
    ],
    [{ MicrosoftAppId: APP_ID, MicrosoftAppType: "SingleTenant" }, /needs MicrosoftAppPassword/],
    [
      { MicrosoftAppId: APP_ID, MicrosoftAppPassword: "pw", MicrosoftAppType: "SingleTenant" },
      /needs MicrosoftAppTenantId/,
    ],
    [{ MicrosoftAppId: APP_ID, MicrosoftAppType: "Everyone" }, /MicrosoftAppType must be one of/],
    [{ MicrosoftAppPassword: "pw" }, /MicrosoftAppId is not/],
    [{ TEAMS_ALLOW_UNAUTHENTICATED: "yes" }, /true or false/],
  ])("refuses %j", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("accepts a user-assigned managed identity without a password", () => {
    const config = loadConfig({
      MicrosoftAppId: APP_ID,
      MicrosoftAppType: "UserAssignedMSI",
      MicrosoftAppTenantId: "tenant",
    });
    expect(config.teams?.appType).toBe("UserAssignedMSI");
  });
});
