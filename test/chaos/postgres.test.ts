import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { ALICE } from "../slack/harness.ts";
import { TEST_REDIS_URL } from "../support/app.ts";
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from "../support/db.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { TEST_SIGNING_SECRET } from "../support/slack-signing.ts";
import { type ServiceProcess, startService } from "./child.ts";
import { slash } from "./slack-client.ts";

/** Ends the connections a restart would: every backend of this application name. */
async function terminateBackends(applicationName: string): Promise<number> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      `select pg_terminate_backend(pid) as ended from pg_stat_activity
       where application_name = $1 and pid <> pg_backend_pid()`,
      [applicationName],
    );
    return rows.filter((r) => r.ended).length;
  } finally {
    await admin.end();
  }
}

describe("chaos: PostgreSQL ends the service's connections", () => {
  let t: TestDatabase | undefined;
  let fake: FakeSlack | undefined;
  let service: ServiceProcess | undefined;

  afterEach(async () => {
    await service?.kill();
    await fake?.close();
    await t?.drop();
  });

  it("logs the lost connections once, stays up and answers the next command", async () => {
    t = await createTestDatabase("chaos_pg_restart");
    fake = await startFakeSlack();
    fake.standin.signingSecret = TEST_SIGNING_SECRET;
    fake.addUser(ALICE);
    const applicationName = `stackup_${randomBytes(4).toString("hex")}`;
    service = await startService({
      DATABASE_URL: `${TEST_DATABASE_URL}?application_name=${applicationName}`,
      DATABASE_SCHEMA: t.schema,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: `t-${t.schema}`,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_BOT_TOKEN: "xoxb-chaos",
      SLACK_API_URL: fake.apiUrl,
    });

    expect(await slash(service.url, fake, "goal Learn Rust in 8 weeks 3h/week")).toContain(
      "Learn Rust",
    );
    // The pool now holds idle connections, which is what a restart catches out.
    expect(await terminateBackends(applicationName)).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(service.stderr.join("")).not.toContain("Connection terminated");
    expect(service.alive()).toBe(true);

    expect(await slash(service.url, fake, "log 2")).toContain("Logged 2 h");
    const lost = service.logs.filter((l) => String(l.msg).startsWith("lost a PostgreSQL"));
    expect(lost).toHaveLength(1);
    expect(service.alive()).toBe(true);
  }, 60_000);
});
