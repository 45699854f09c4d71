// What the process benches (ack, memory, profile) share: the build they start, the stand-ins
// they talk to, and a schema of the test database for each Stackup process they run.
import { spawnSync } from "node:child_process";
import pg from "pg";
import { TEST_DATABASE_URL } from "../test/support/db.ts";
import { type FakeSlack, startFakeSlack } from "../test/support/fake-slack.ts";
import { addBenchPeople, ReplyCatcher, ROOT, SIGNING_SECRET } from "./load.ts";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Builds dist/ when the sources are newer: the README's production command runs it. */
export function buildIfStale(): void {
  const build = spawnSync(process.execPath, ["scripts/build.js", "--if-stale"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (build.status !== 0) process.exit(1);
}

/** A fake Slack that knows the bench's people, where replies land, and the test database. */
export interface BenchWorld {
  slack: FakeSlack;
  replies: ReplyCatcher;
  /**
   * A fresh schema and queue prefix for one Stackup process, with the environment that points
   * it there and at the fake Slack; `drop` removes the schema.
   */
  schema(name: string): Promise<{ env: Record<string, string>; drop(): Promise<void> }>;
  close(): Promise<void>;
}

export async function startBenchWorld(): Promise<BenchWorld> {
  const slack = await startFakeSlack();
  addBenchPeople(slack);
  const replies = new ReplyCatcher();
  await replies.start();
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  return {
    slack,
    replies,
    async schema(name) {
      await admin.query(`create schema "${name}"`);
      return {
        env: {
          DATABASE_URL: TEST_DATABASE_URL,
          DATABASE_SCHEMA: name,
          REDIS_URL,
          QUEUE_PREFIX: name,
          SLACK_BOT_TOKEN: "xoxb-bench",
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: slack.apiUrl,
        },
        drop: async () => {
          await admin.query(`drop schema "${name}" cascade`);
        },
      };
    },
    async close() {
      await admin.end();
      await replies.close();
      await slack.close();
    },
  };
}

/** `--env A=1,B=2`: extra environment for the service under test (say, a setting to compare). */
export function envOption(text: string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of (text ?? "").split(",").filter(Boolean)) {
    const at = pair.indexOf("=");
    if (at < 1) throw new Error(`--env takes NAME=value pairs separated by commas, not "${pair}"`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}
