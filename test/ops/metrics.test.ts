import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServiceProcess, startService } from "../chaos/child.ts";
import { slash } from "../chaos/slack-client.ts";
import { ALICE } from "../slack/harness.ts";
import { TEST_REDIS_URL } from "../support/app.ts";
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from "../support/db.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { TEST_SIGNING_SECRET } from "../support/slack-signing.ts";
import { find, parse } from "./prometheus.ts";

describe("metrics: every role serves /healthz, /readyz and /metrics", () => {
  let t: TestDatabase;
  let fake: FakeSlack;
  let web: ServiceProcess;
  let worker: ServiceProcess;

  beforeAll(async () => {
    t = await createTestDatabase("metrics");
    fake = await startFakeSlack();
    fake.standin.signingSecret = TEST_SIGNING_SECRET;
    fake.addUser(ALICE);
    const env = {
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: t.schema,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: `t-${t.schema}`,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_BOT_TOKEN: "xoxb-metrics",
      SLACK_API_URL: fake.apiUrl,
    };
    [web, worker] = await Promise.all([
      startService(env, { role: "web" }),
      startService(env, { role: "worker" }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await web?.kill();
    await worker?.kill();
    await fake?.close();
    await t?.drop();
  });

  it("counts commands, HTTP requests and Slack acks on the web role, with no user data", async () => {
    expect(await slash(web.url, fake, "goal Learn Rust in 8 weeks 3h/week")).toContain(
      "Learn Rust",
    );
    expect(await slash(web.url, fake, "log 2")).toContain("Logged 2 h");
    expect(await slash(web.url, fake, "frobnicate Learn Rust")).toBeTruthy();

    const res = await fetch(`${web.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    const { samples, types } = parse(text);

    expect(find(samples, "stackup_commands_total", { verb: "goal", outcome: "ok" })[0]?.value).toBe(
      1,
    );
    expect(find(samples, "stackup_commands_total", { verb: "log", outcome: "ok" })[0]?.value).toBe(
      1,
    );
    // A word that is no command is counted without becoming a label of its own.
    expect(find(samples, "stackup_commands_total", { verb: "other" })[0]?.value).toBe(1);
    expect(types.get("stackup_http_request_duration_seconds")).toBe("histogram");
    expect(
      find(samples, "stackup_http_request_duration_seconds_count", {
        route: "/slack/events",
        method: "POST",
        status: "200",
      })[0]?.value,
    ).toBe(3);
    expect(find(samples, "stackup_slack_ack_duration_seconds_count")[0]?.value).toBe(3);
    expect(
      find(samples, "stackup_db_pool_connections", { state: "total" })[0]?.value,
    ).toBeGreaterThan(0);
    expect(types.get("stackup_deliveries_total")).toBe("counter");
    expect(types.get("stackup_verifications_total")).toBe("counter");
    expect(find(samples, "process_cpu_user_seconds_total")).toHaveLength(1);
    expect(find(samples, "nodejs_heap_size_used_bytes")).toHaveLength(1);

    const labelValues = samples.flatMap((s) => Object.values(s.labels)).join("\n");
    for (const secret of ["Learn Rust", ALICE.id, "T0FAKE", "fake-team", "alice", "frobnicate"]) {
      expect(labelValues).not.toContain(secret);
    }
  });

  it("serves health, readiness and queue metrics on the worker role", async () => {
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${worker.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { database: true, queue: true } });
    const { samples } = parse(await (await fetch(`${worker.url}/metrics`)).text());
    const queues = new Set(find(samples, "stackup_queue_jobs").map((s) => s.labels.queue));
    expect(queues).toContain("checkins");
    expect(queues).toContain("digests");
    expect(
      find(samples, "stackup_queue_jobs", { queue: "checkins", state: "failed" }),
    ).toHaveLength(1);
    // The worker takes no commands: its server answers nothing else.
    expect((await fetch(`${worker.url}/slack/events`, { method: "POST" })).status).toBe(404);
  });
});
