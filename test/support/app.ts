import type { Config } from "../../src/config.ts";
import { TEST_DATABASE_URL } from "./db.ts";
import { TEST_SIGNING_SECRET } from "./slack-signing.ts";

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const TEST_BOT_TOKEN = "xoxb-e2e-token-never-logged";

/** A full service configuration for tests: real PostgreSQL schema, real Redis, fake Slack. */
export function testConfig(options: { schema: string; slackApiUrl?: string }): Config {
  return {
    port: 0,
    databaseUrl: TEST_DATABASE_URL,
    databaseSchema: options.schema,
    queuePrefix: `test-${options.schema}`,
    dataDir: "/nonexistent",
    redisUrl: TEST_REDIS_URL,
    logLevel: "silent",
    slack: {
      signingSecret: options.slackApiUrl ? TEST_SIGNING_SECRET : undefined,
      botToken: options.slackApiUrl ? TEST_BOT_TOKEN : undefined,
      appToken: undefined,
      apiUrl: options.slackApiUrl,
    },
    // Tests that want the playground's pretend Slack ask for it.
    playground: "off",
    // Commands are answered beside the acks unless a test asks for the thread.
    commandThread: "off",
    secretNames: [],
  };
}
