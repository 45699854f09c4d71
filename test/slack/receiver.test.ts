// What Slack's requests meet before any listener: the receiver on /slack/events, mounted on the
// service's own HTTP server, with the real Bolt app behind it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SLACK_EVENTS_PATH } from "../../adapters/slack/app.ts";
import { eventBody, sign, slashCommandBody } from "../support/slack-signing.ts";
import { eventually, type Harness, startHarness } from "./harness.ts";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => h.reset());

const json = { contentType: "application/json" };

/** Waits long enough for work after an ack to have started, had there been any. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe("the Slack receiver", () => {
  it("answers Slack's URL verification with its challenge", async () => {
    const signed = sign(JSON.stringify({ type: "url_verification", challenge: "c-123" }), json);
    const res = await h.post(SLACK_EVENTS_PATH, signed.body, signed.headers);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: "c-123" });
    expect(h.core.calls).toHaveLength(0);
  });

  it("refuses an unsigned URL verification", async () => {
    const body = JSON.stringify({ type: "url_verification", challenge: "c-123" });
    const res = await h.post(SLACK_EVENTS_PATH, body, { "content-type": "application/json" });
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain("c-123");
  });

  it("answers an SSL check without running a command", async () => {
    const form = new URLSearchParams({ ssl_check: "1", token: "x" }).toString();
    const signed = sign(form);
    const res = await h.post(SLACK_EVENTS_PATH, signed.body, signed.headers);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    await settle();
    expect(h.core.calls).toHaveLength(0);
  });

  it("refuses a signed body that is not JSON with 400 and runs nothing", async () => {
    const signed = sign('{"type":"event_callback",', json);
    const res = await h.post(SLACK_EVENTS_PATH, signed.body, signed.headers);
    expect(res.status).toBe(400);
    await settle();
    expect(h.core.calls).toHaveLength(0);
    expect(h.fake.calls).toHaveLength(0);
  });

  it("refuses a body over Bolt's size limit with 413", async () => {
    const body = slashCommandBody({ text: "x".repeat(11 * 1024 * 1024), responseUrl: "" });
    const signed = sign(body);
    const res = await h.post(SLACK_EVENTS_PATH, signed.body, signed.headers);
    expect(res.status).toBe(413);
    expect(h.core.calls).toHaveLength(0);
  });

  it("takes a JSON event that Slack retried, and acks it", async () => {
    const signed = sign(eventBody({ type: "app_home_opened", user: "U0ALICE", tab: "home" }), json);
    const res = await h.post(SLACK_EVENTS_PATH, signed.body, {
      ...signed.headers,
      "x-slack-retry-num": "1",
      "x-slack-retry-reason": "http_timeout",
    });
    expect(res.status).toBe(200);
    await eventually(() => h.fake.callsTo("views.publish")[0]);
  });

  it("routes /slack/events with a query string", async () => {
    const signed = sign(slashCommandBody({ text: "goals", responseUrl: h.fake.responseUrl() }));
    const res = await h.post(`${SLACK_EVENTS_PATH}?from=proxy`, signed.body, signed.headers);
    expect(res.status).toBe(200);
    const call = await eventually(() => h.core.calls[0]);
    expect(call).toMatchObject({ kind: "command", text: "goals" });
  });

  it("acks an event no listener takes, and does nothing with it", async () => {
    const signed = sign(eventBody({ type: "reaction_added", user: "U0ALICE" }), json);
    const res = await h.post(SLACK_EVENTS_PATH, signed.body, signed.headers);
    // Events are acked by Bolt itself whether or not a listener takes them.
    expect(res.status).toBe(200);
    await settle();
    expect(h.core.calls).toHaveLength(0);
  });
});
