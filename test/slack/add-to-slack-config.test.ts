import { describe, expect, it } from "vitest";
import { authorizeUrl, isAddToSlack, isSlackConfigured } from "../../adapters/slack/app.ts";
import { scrubSecrets } from "../../adapters/slack/logging.ts";
import { TokenCipher, TokenKeyError } from "../../adapters/slack/token-cipher.ts";
import { ConfigError, loadConfig } from "../../src/config.ts";

const STATE = "s".repeat(40);
const OAUTH = {
  SLACK_CLIENT_ID: "1111.2222",
  SLACK_CLIENT_SECRET: "client-secret",
  SLACK_STATE_SECRET: STATE,
  SLACK_SIGNING_SECRET: "signing",
};

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe("Add to Slack configuration", () => {
  it("turns on with client id, client secret, state secret and signing secret", () => {
    const config = loadConfig(OAUTH);
    expect(config.slack).toMatchObject({
      clientId: "1111.2222",
      clientSecret: "client-secret",
      stateSecret: STATE,
      tokenKey: STATE,
      botToken: undefined,
    });
    expect(isAddToSlack(config)).toBe(true);
    expect(isSlackConfigured(config)).toBe(true);
  });

  it("encrypts tokens with STACKUP_SECRET_KEY when it is set", () => {
    const key = "k".repeat(32);
    expect(loadConfig({ ...OAUTH, STACKUP_SECRET_KEY: key }).slack.tokenKey).toBe(key);
  });

  it("leaves single-workspace configuration as it was", () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "signing" });
    expect(config.slack.clientId).toBeUndefined();
    expect(isAddToSlack(config)).toBe(false);
    expect(isSlackConfigured(config)).toBe(true);
    expect(isSlackConfigured(loadConfig({}))).toBe(false);
  });

  it("names what is missing when only part of Add to Slack is set", () => {
    expect(problems({ SLACK_CLIENT_ID: "1", SLACK_SIGNING_SECRET: "s" })).toEqual([
      "Add to Slack needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET together (from the app's Basic Information page); SLACK_CLIENT_SECRET and SLACK_STATE_SECRET are missing.",
    ]);
    expect(problems({ ...OAUTH, SLACK_STATE_SECRET: "" })[0]).toContain(
      "SLACK_STATE_SECRET is missing",
    );
    expect(problems({ ...OAUTH, SLACK_SIGNING_SECRET: undefined })).toEqual([
      "Add to Slack needs SLACK_SIGNING_SECRET too, to verify requests to /slack/events.",
    ]);
  });

  it("refuses a bot token or Socket Mode next to Add to Slack", () => {
    expect(problems({ ...OAUTH, SLACK_BOT_TOKEN: "xoxb-1" })).toEqual([
      "SLACK_BOT_TOKEN (one workspace) and SLACK_CLIENT_ID (Add to Slack, many workspaces) can't both be set: unset one of them.",
    ]);
    expect(problems({ ...OAUTH, SLACK_APP_TOKEN: "xapp-1" })[0]).toMatch(
      /^Socket Mode \(SLACK_APP_TOKEN\) serves one workspace/,
    );
  });

  it("asks for a long enough encryption key", () => {
    expect(problems({ ...OAUTH, SLACK_STATE_SECRET: "short" })[0]).toMatch(
      /^SLACK_STATE_SECRET must be at least 32 characters/,
    );
    expect(
      problems({ ...OAUTH, SLACK_STATE_SECRET: "short", STACKUP_SECRET_KEY: "k".repeat(32) }),
    ).toEqual([]);
    expect(problems({ ...OAUTH, STACKUP_SECRET_KEY: "short" })[0]).toMatch(
      /^STACKUP_SECRET_KEY must be at least 32 characters/,
    );
  });

  it("keeps the new secrets out of logs", () => {
    const names = loadConfig({}).secretNames;
    for (const name of ["SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET", "STACKUP_SECRET_KEY"]) {
      expect(names).toContain(name);
    }
    expect(
      scrubSecrets('body: {"client_id":"1","client_secret":"abc123"} token xoxb-1-2-abc'),
    ).toBe('body: {"client_id":"1","client_secret":"[redacted]"} token xox-[redacted]');
  });

  it("finds Slack's authorize page beside its Web API", () => {
    expect(authorizeUrl(undefined)).toBe("https://slack.com/oauth/v2/authorize");
    expect(authorizeUrl("http://127.0.0.1:9/playground/slack/api/")).toBe(
      "http://127.0.0.1:9/playground/slack/oauth/v2/authorize",
    );
  });
});

describe("bot token encryption", () => {
  const cipher = new TokenCipher("a".repeat(32));

  it("round-trips, with a fresh IV each time", () => {
    const one = cipher.seal("xoxb-secret", "T1");
    const two = cipher.seal("xoxb-secret", "T1");
    expect(one.sealed.equals(two.sealed)).toBe(false);
    expect(cipher.open(one, "T1")).toBe("xoxb-secret");
  });

  it("refuses another key, another workspace and changed bytes with a clear error", () => {
    const sealed = cipher.seal("xoxb-secret", "T1");
    const other = new TokenCipher("b".repeat(32), "SLACK_STATE_SECRET");
    expect(other.keyId).not.toBe(cipher.keyId);
    expect(() => other.open(sealed, "T1")).toThrow(TokenKeyError);
    expect(() => other.open(sealed, "T1")).toThrow(/different key than SLACK_STATE_SECRET/);
    // Even if the key id were forged, the tag check fails rather than returning garbage.
    expect(() => other.open({ ...sealed, keyId: other.keyId }, "T1")).toThrow(/can't be decrypted/);
    expect(() => cipher.open(sealed, "T2")).toThrow(/can't be decrypted/);
    const flipped = Buffer.from(sealed.sealed);
    flipped[20]! ^= 0xff;
    expect(() => cipher.open({ ...sealed, sealed: flipped }, "T1")).toThrow(TokenKeyError);
  });
});
