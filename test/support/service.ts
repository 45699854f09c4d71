import type { Kysely } from "kysely";
import { type Role, type RunningApp, startApp } from "../../bin/app.ts";
import type { Config } from "../../src/config.ts";
import type { Database } from "../../src/db/types.ts";
import { createLogger, type Logger } from "../../src/log.ts";
import type { Clock } from "../../src/time/clock.ts";
import { testConfig } from "./app.ts";
import { createTestDatabase } from "./db.ts";

export interface TestService {
  app: RunningApp;
  db: Kysely<Database>;
  /** Base URL of the service's HTTP server. */
  url: string;
  /** Stops the service and drops its schema. */
  close(): Promise<void>;
}

/** The real service, as `startApp` runs it, on a fresh schema of its own and the machine's Redis. */
export async function startTestService(options: {
  /** Names the schema, so a leftover one says which test made it. */
  label: string;
  role: Exclude<Role, "worker">;
  slackApiUrl?: string;
  /** Settings over `testConfig`'s, such as `teams` or `verification`. */
  config?: Partial<Config>;
  clock?: Clock;
  logger?: Logger;
}): Promise<TestService> {
  const t = await createTestDatabase(options.label);
  let app: RunningApp;
  try {
    app = await startApp({
      config: {
        ...testConfig({ schema: t.schema, slackApiUrl: options.slackApiUrl }),
        ...options.config,
      },
      logger: options.logger ?? createLogger("silent"),
      role: options.role,
      clock: options.clock,
    });
  } catch (error) {
    // Nothing holds the schema yet to drop it later.
    await t.drop();
    throw error;
  }
  return {
    app,
    db: t.db,
    url: app.http!.url,
    async close() {
      await app.stop();
      await t.drop();
    },
  };
}
