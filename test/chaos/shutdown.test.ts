import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { TEST_REDIS_URL } from "../support/app.ts";
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from "../support/db.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { TEST_SIGNING_SECRET } from "../support/slack-signing.ts";
import { type ServiceProcess, startService } from "./child.ts";

/** A request whose body is still on its way: it is in flight until `finish`. */
async function halfSentRequest(url: string) {
  const { port } = new URL(url);
  const socket: Socket = connect(Number(port), "127.0.0.1");
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  const body = "token=x&team_id=T1&user_id=U1&command=%2Flearn&text=goals";
  socket.write(
    `POST /slack/events HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
  );
  let answer = "";
  socket.on("data", (chunk) => {
    answer += chunk.toString("utf8");
  });
  socket.on("error", () => undefined);
  const ended = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  return {
    finish() {
      socket.write(body.slice(10));
    },
    answer: async () => {
      await ended;
      return answer;
    },
    destroy: () => socket.destroy(),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("chaos: shutting down on SIGTERM", () => {
  let t: TestDatabase | undefined;
  let service: ServiceProcess | undefined;
  let fake: FakeSlack | undefined;

  afterEach(async () => {
    await service?.kill();
    await fake?.close();
    await t?.drop();
  });

  async function start(extra: Record<string, string> = {}) {
    t = await createTestDatabase("chaos_shutdown");
    fake = await startFakeSlack();
    service = await startService({
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: t.schema,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: `t-${t.schema}`,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_BOT_TOKEN: "xoxb-shutdown",
      SLACK_API_URL: fake.apiUrl,
      ...extra,
    });
    return service;
  }

  it("lets a request in flight finish, then exits cleanly", async () => {
    const s = await start();
    const request = await halfSentRequest(s.url);
    s.child.kill("SIGTERM");
    await sleep(700);
    expect(s.alive()).toBe(true);
    // No new connections once shutting down.
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
    request.finish();
    // Unsigned, so Slack's receiver answers 401: what matters is that it was answered.
    expect(await request.answer()).toMatch(/^HTTP\/1\.1 401/);
    expect(await s.exited()).toBe(0);
    expect(s.logs.map((l) => l.msg)).toContain("stopped");
  }, 60_000);

  it("exits when SHUTDOWN_TIMEOUT passes with work still in flight", async () => {
    const s = await start({ SHUTDOWN_TIMEOUT: "1" });
    const request = await halfSentRequest(s.url);
    const signalled = Date.now();
    s.child.kill("SIGTERM");
    expect(await s.exited()).toBe(1);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(900);
    expect(s.logs.map((l) => l.msg)).toContain(
      "shutdown deadline passed: exiting with work unfinished",
    );
    request.destroy();
  }, 60_000);

  it("exits at once on a second SIGTERM", async () => {
    const s = await start();
    const request = await halfSentRequest(s.url);
    s.child.kill("SIGTERM");
    await sleep(500);
    expect(s.alive()).toBe(true);
    s.child.kill("SIGTERM");
    expect(await s.exited()).toBe(1);
    expect(s.logs.map((l) => l.msg)).toContain("second signal: exiting at once");
    request.destroy();
  }, 60_000);
});
