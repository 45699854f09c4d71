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
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";

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

describe("chaos: PostgreSQL goes away for a while", () => {
  let t: TestDatabase | undefined;
  let fake: FakeSlack | undefined;
  let service: ServiceProcess | undefined;
  let proxy: TcpProxy | undefined;

  afterEach(async () => {
    await service?.kill();
    await proxy?.close();
    await fake?.close();
    await t?.drop();
  });

  it("tells people nothing was saved, reports not ready, and recovers without a restart", async () => {
    t = await createTestDatabase("chaos_pg_down");
    fake = await startFakeSlack();
    fake.standin.signingSecret = TEST_SIGNING_SECRET;
    fake.addUser(ALICE);
    const real = new URL(TEST_DATABASE_URL);
    proxy = await startTcpProxy({ host: real.hostname, port: Number(real.port || 5432) });
    const viaProxy = new URL(TEST_DATABASE_URL);
    viaProxy.port = String(proxy.port);
    service = await startService({
      DATABASE_URL: viaProxy.toString(),
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

    await proxy.down();
    expect(await slash(service.url, fake, "log 2")).toBe(
      "Stackup can't reach its database right now, so nothing was saved. Please try again in a minute.",
    );
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { database: false, queue: true } });
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect(service.alive()).toBe(true);

    await proxy.up();
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    const goals = await slash(service.url, fake, "goals");
    expect(goals).toContain("Learn Rust");
    // The log sent while the database was away was not half-saved.
    expect(goals).toContain("0 h of");
    expect(await slash(service.url, fake, "log 2")).toContain("Logged 2 h");
    expect(service.alive()).toBe(true);
  }, 60_000);
});
