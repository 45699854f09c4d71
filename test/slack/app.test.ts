import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSlackApp, SLACK_EVENTS_PATH } from "../../adapters/slack/app.ts";
import type { Message, Reply } from "../../src/messages/model.ts";
import {
  blockActionsPayload,
  eventBody,
  interactionBody,
  sign,
  slashCommandBody,
  TEST_SIGNING_SECRET,
  viewSubmissionPayload,
} from "../support/slack-signing.ts";
import { BOT_TOKEN, eventually, type Harness, recordingLogger, startHarness } from "./harness.ts";

const hello: Message = {
  summary: "Hello",
  blocks: [{ type: "text", text: ["Hello ", { bold: "Alice" }] }],
};
const privateHello: Reply = { kind: "message", message: hello, visibility: "private" };

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => h.reset());

const sendCommand = (text: string, responseUrl?: string) => h.slash(text, responseUrl);

function sendInteraction(payload: Record<string, unknown>) {
  const signed = sign(interactionBody(payload));
  return h.post(SLACK_EVENTS_PATH, signed.body, signed.headers);
}

describe("slash command /learn", () => {
  it("acks, calls the core with the actor and text, and replies at the response_url", async () => {
    h.core.onCommand = async () => privateHello;
    const { responseUrl, response } = sendCommand("  goals ");
    const res = await response;
    expect(res.status).toBe(200);

    const reply = await h.fake.waitFor((c) => c.method === "response_url");
    expect(responseUrl.endsWith(reply.path)).toBe(true);
    expect(reply.body).toMatchObject({
      response_type: "ephemeral",
      replace_original: false,
      text: "Hello",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "Hello *Alice*" } }],
    });

    const call = h.core.calls[0];
    expect(call).toMatchObject({
      kind: "command",
      text: "goals",
      actor: {
        platform: "slack",
        workspaceExternalId: "T0FAKE",
        workspaceName: "fake-team",
        userExternalId: "U0ALICE",
      },
    });
  });

  it("names the channel a command was typed in, so an admin can say here; a DM names none", async () => {
    h.core.onCommand = async () => privateHello;
    const fromChannel = sign(
      slashCommandBody({
        text: "admin team channel Data here",
        responseUrl: h.fake.responseUrl(),
        channelId: "C0DATA",
        channelName: "data-team",
      }),
    );
    await h.post(SLACK_EVENTS_PATH, fromChannel.body, fromChannel.headers);
    const fromDm = sign(
      slashCommandBody({
        text: "goals",
        responseUrl: h.fake.responseUrl(),
        channelId: "D0ALICE",
        channelName: "directmessage",
      }),
    );
    await h.post(SLACK_EVENTS_PATH, fromDm.body, fromDm.headers);
    const [first, second] = await eventually(() =>
      h.core.calls.length >= 2 ? h.core.calls : undefined,
    );
    const byText = new Map(
      [first, second].map((c) => [c?.kind === "command" ? c.text : "", c?.actor]),
    );
    expect(byText.get("admin team channel Data here")?.channel).toEqual({
      id: "C0DATA",
      name: "data-team",
    });
    expect(byText.get("goals")?.channel).toBeUndefined();
  });

  it("gives the core a profile from users.info, fetched once", async () => {
    h.core.onCommand = async () => privateHello;
    sendCommand("help");
    const call = await eventually(() => h.core.calls[0]);
    const first = await call.actor.profile();
    await call.actor.profile();
    expect(first).toEqual({
      displayName: "Alice Liddell",
      email: "alice@example.test",
      timeZone: "Europe/Berlin",
      isAdmin: false,
      locale: null,
    });
    const lookups = h.fake.callsTo("users.info");
    expect(lookups).toHaveLength(1);
    expect(lookups[0]?.body.user).toBe("U0ALICE");
    expect(lookups[0]?.authorization).toBe(`Bearer ${BOT_TOKEN}`);
  });

  it("acks before the core has finished", async () => {
    let finish: (reply: Reply) => void = () => {};
    h.core.onCommand = () => new Promise<Reply>((resolve) => (finish = resolve));
    const { response } = sendCommand("goals");
    expect((await response).status).toBe(200);
    expect(h.fake.callsTo("response_url")).toHaveLength(0);
    finish(privateHello);
    await h.fake.waitFor((c) => c.method === "response_url");
  });

  it("posts public replies with chat.postMessage in the channel", async () => {
    h.core.onCommand = async () => ({ kind: "message", message: hello, visibility: "public" });
    sendCommand("done 1");
    const post = await h.fake.waitFor((c) => c.method === "chat.postMessage");
    expect(post.body).toMatchObject({ channel: "C0GENERAL", text: "Hello" });
    expect(h.fake.callsTo("response_url")).toHaveLength(0);
  });

  it("falls back to an in_channel response when the bot is not in the channel", async () => {
    h.core.onCommand = async () => ({ kind: "message", message: hello, visibility: "public" });
    h.fake.failNext("chat.postMessage", { error: "not_in_channel" });
    sendCommand("done 1");
    const reply = await h.fake.waitFor((c) => c.method === "response_url");
    expect(reply.body).toMatchObject({ response_type: "in_channel", text: "Hello" });
  });

  it("opens a modal for a form reply, remembering where to answer", async () => {
    h.core.onCommand = async () => ({
      kind: "form",
      form: {
        id: "goal.new",
        title: "New goal",
        submitLabel: "Save",
        state: "st",
        inputs: [{ type: "text", id: "title", label: "Title" }],
      },
    });
    const { responseUrl } = sendCommand("goal");
    const open = await h.fake.waitFor((c) => c.method === "views.open");
    expect(open.body.trigger_id).toBe("1337.42.abcdef");
    const view = open.body.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe("goal.new");
    expect(JSON.parse(view.private_metadata)).toEqual({ s: "st", c: "C0GENERAL", r: responseUrl });
  });

  it("turns a core failure into a friendly private note and a log line, never the stack", async () => {
    h.core.onCommand = async () => {
      throw new Error("relation goals does not exist at Pool.query");
    };
    sendCommand("goals");
    const reply = await h.fake.waitFor((c) => c.method === "response_url");
    const body = JSON.stringify(reply.body);
    expect(body).toContain("Something went wrong");
    expect(body).not.toContain("relation goals");
    expect(reply.body.response_type).toBe("ephemeral");
    const line = await eventually(() => h.logs.find((l) => l.level === "error"));
    expect(line.text).toContain("relation goals does not exist");
  });

  it("never logs the bot token or the signing secret", async () => {
    h.core.onCommand = async () => ({ kind: "message", message: hello, visibility: "public" });
    // The interactive client tries three times; all fail, so the user hears of it.
    h.fake.failNext("chat.postMessage", { status: 500 }, 3);
    sendCommand("goals");
    await h.fake.waitFor((c) => c.method === "response_url");
    expect(h.fake.callsTo("chat.postMessage")).toHaveLength(3);
    expect(h.logs.length).toBeGreaterThan(0);
    for (const line of h.logs) {
      expect(line.text).not.toContain(BOT_TOKEN);
      expect(line.text).not.toContain(TEST_SIGNING_SECRET);
    }
  });
});

describe("block_actions", () => {
  it("routes the click by action id and value and updates the message that carried it", async () => {
    h.core.onAction = async () => ({ kind: "update", message: hello });
    const res = await sendInteraction(
      blockActionsPayload({
        actionId: "goal.log#2",
        value: "42",
        responseUrl: h.fake.responseUrl(),
        messageTs: "1700000000.000777",
      }),
    );
    expect(res.status).toBe(200);
    const update = await h.fake.waitFor((c) => c.method === "chat.update");
    expect(update.body).toMatchObject({
      channel: "C0GENERAL",
      ts: "1700000000.000777",
      text: "Hello",
    });
    expect(h.core.calls[0]).toMatchObject({
      kind: "action",
      action: "goal.log",
      value: "42",
      actor: { userExternalId: "U0ALICE" },
    });
  });

  it("replaces an ephemeral message through its response_url", async () => {
    h.core.onAction = async () => ({ kind: "update", message: hello });
    await sendInteraction(
      blockActionsPayload({
        actionId: "pick",
        value: "c1",
        responseUrl: h.fake.responseUrl(),
        ephemeral: true,
      }),
    );
    const reply = await h.fake.waitFor((c) => c.method === "response_url");
    expect(reply.body).toMatchObject({ replace_original: true, text: "Hello" });
    expect(h.fake.callsTo("chat.update")).toHaveLength(0);
  });

  it("sends a private reply's files to the DM, since ephemeral messages cannot carry files", async () => {
    h.core.onCommand = async () => ({
      kind: "message",
      visibility: "private",
      message: {
        summary: "Your plan",
        blocks: [{ type: "text", text: ["Your plan"] }],
        files: [
          {
            filename: "study-plan.ics",
            contentType: "text/calendar",
            data: new TextEncoder().encode("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
          },
        ],
      },
    });
    const { responseUrl } = sendCommand("plan");
    const done = await h.fake.waitFor((c) => c.method === "files.completeUploadExternal");
    expect(done.body.channel_id).toBe("D0ALICE");
    expect(h.fake.callsTo("upload")[0]?.body).toEqual({ bytes: 32 });
    // The command came from a channel, so the user is told where the file went.
    const note = await h.fake.waitFor(
      (c) => c.method === "response_url" && responseUrl.endsWith(c.path),
    );
    expect(JSON.stringify(note.body)).toContain("direct messages");
  });

  it("sends a private reply as an ephemeral response, not a replacement", async () => {
    h.core.onAction = async () => privateHello;
    await sendInteraction(
      blockActionsPayload({ actionId: "goal.log", value: "1", responseUrl: h.fake.responseUrl() }),
    );
    const reply = await h.fake.waitFor((c) => c.method === "response_url");
    expect(reply.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
  });

  it("refreshes the App Home after a click there", async () => {
    h.core.onAction = async () => privateHello;
    await sendInteraction(blockActionsPayload({ actionId: "goal.pause", value: "7", home: true }));
    const publish = await h.fake.waitFor((c) => c.method === "views.publish");
    expect(publish.body.user_id).toBe("U0ALICE");
    // With no response_url or channel, the private reply goes to the user's DM.
    const dm = await h.fake.waitFor((c) => c.method === "chat.postMessage");
    expect(dm.body.channel).toBe("D0ALICE");
    expect(h.core.calls.map((c) => c.kind)).toEqual(["action", "home"]);
  });
});

describe("view_submission", () => {
  const submission = (meta = "") =>
    viewSubmissionPayload({
      callbackId: "goal.new",
      privateMetadata: meta,
      values: {
        title: { type: "plain_text_input", value: "AI for Everyone" },
        hours: { type: "number_input", value: "0" },
      },
    });

  it("answers errors with response_action errors, strays on the first input", async () => {
    h.core.onSubmit = async () => ({
      ok: false,
      errors: { hours: "Hours must be above 0.", by: "Pick a date." },
    });
    const res = await sendInteraction(submission(JSON.stringify({ s: "st" })));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      response_action: "errors",
      errors: { hours: "Hours must be above 0.", title: "Pick a date." },
    });
    expect(h.core.calls[0]).toMatchObject({
      kind: "submit",
      formId: "goal.new",
      state: "st",
      values: { title: "AI for Everyone", hours: "0" },
    });
  });

  it("closes the modal and replies where the form was opened", async () => {
    h.core.onSubmit = async () => ({ ok: true, reply: privateHello });
    const responseUrl = h.fake.responseUrl();
    const res = await sendInteraction(
      submission(JSON.stringify({ s: "st", c: "C0GENERAL", r: responseUrl })),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    const reply = await h.fake.waitFor((c) => c.method === "response_url");
    expect(responseUrl.endsWith(reply.path)).toBe(true);
    expect(reply.body).toMatchObject({ text: "Hello" });
  });

  it("closes the modal before Slack's 3 s deadline and sends late errors as a message", async () => {
    h.core.onSubmit = () =>
      new Promise((resolve) =>
        setTimeout(() => resolve({ ok: false, errors: { hours: "Too many hours." } }), 2_800),
      );
    const started = Date.now();
    const res = await sendInteraction(submission());
    expect(Date.now() - started).toBeLessThan(2_900);
    expect(await res.text()).toBe("");
    const dm = await h.fake.waitFor((c) => c.method === "chat.postMessage");
    expect(dm.body.channel).toBe("D0ALICE");
    expect(JSON.stringify(dm.body.blocks)).toContain("Too many hours.");
  });

  it("keeps the modal open with a friendly error when the core fails", async () => {
    h.core.onSubmit = async () => {
      throw new Error("boom");
    };
    const res = await sendInteraction(submission());
    const body = (await res.json()) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe("errors");
    expect(body.errors.title).toMatch(/Something went wrong/);
  });
});

describe("user_change", () => {
  it("tells the core the person's profile changed, so it is read again", async () => {
    const signed = sign(
      eventBody({
        type: "user_change",
        user: { id: "U0BOB", team_id: "T0FAKE", tz: "Asia/Tokyo", profile: {} },
        event_ts: "1",
      }),
      { contentType: "application/json" },
    );
    expect((await h.post(SLACK_EVENTS_PATH, signed.body, signed.headers)).status).toBe(200);
    const person = await eventually(() => h.core.changed[0]);
    expect(person).toEqual({
      platform: "slack",
      workspaceExternalId: "T0FAKE",
      userExternalId: "U0BOB",
    });
  });
});

describe("app_home_opened", () => {
  it("publishes the home view from core.home", async () => {
    const signed = sign(
      eventBody({
        type: "app_home_opened",
        user: "U0ALICE",
        channel: "D0ALICE",
        tab: "home",
        event_ts: "1",
      }),
      {
        contentType: "application/json",
      },
    );
    const res = await h.post(SLACK_EVENTS_PATH, signed.body, signed.headers);
    expect(res.status).toBe(200);
    const publish = await h.fake.waitFor((c) => c.method === "views.publish");
    expect(publish.body).toMatchObject({
      user_id: "U0ALICE",
      view: { type: "home", blocks: [{ type: "header", text: { text: "Your goals" } }] },
    });
    expect(h.core.calls[0]).toMatchObject({
      kind: "home",
      actor: { workspaceExternalId: "T0FAKE", userExternalId: "U0ALICE" },
    });
  });

  it("ignores the messages tab", async () => {
    const signed = sign(
      eventBody({
        type: "app_home_opened",
        user: "U0ALICE",
        channel: "D0ALICE",
        tab: "messages",
        event_ts: "1",
      }),
      {
        contentType: "application/json",
      },
    );
    expect((await h.post(SLACK_EVENTS_PATH, signed.body, signed.headers)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.core.calls).toHaveLength(0);
    expect(h.fake.callsTo("views.publish")).toHaveLength(0);
  });
});

describe("request signatures", () => {
  const body = () => slashCommandBody({ text: "goals", responseUrl: h.fake.responseUrl() });

  it.each([
    ["a bad signature", (text: string) => sign(text, { secret: "not-the-secret" }).headers],
    [
      "a missing signature",
      (text: string) => {
        const { "x-slack-signature": _dropped, ...rest } = sign(text).headers;
        return rest;
      },
    ],
    [
      "a stale timestamp",
      (text: string) => sign(text, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }).headers,
    ],
  ])("rejects %s with 401 and never reaches the core", async (_name, headersFor) => {
    const text = body();
    const res = await h.post(SLACK_EVENTS_PATH, text, headersFor(text));
    expect(res.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.core.calls).toHaveLength(0);
    expect(h.fake.calls).toHaveLength(0);
  });

  it("accepts the same request when correctly signed", async () => {
    const text = body();
    const signed = sign(text);
    expect((await h.post(SLACK_EVENTS_PATH, text, signed.headers)).status).toBe(200);
    await eventually(() => h.core.calls[0]);
  });

  it("rejects a body changed after signing", async () => {
    const signed = sign(body());
    const res = await h.post(
      SLACK_EVENTS_PATH,
      signed.body.replace("goals", "drop+1"),
      signed.headers,
    );
    expect(res.status).toBe(401);
    expect(h.core.calls).toHaveLength(0);
  });
});

describe("mounting beside other routes", () => {
  it("leaves other paths and methods to the host server", async () => {
    expect(await (await fetch(`${h.url}/healthz`)).text()).toBe("ok");
    expect((await fetch(`${h.url}${SLACK_EVENTS_PATH}`)).status).toBe(404);
    expect(
      (await h.post("/api/messages", "{}", { "content-type": "application/json" })).status,
    ).toBe(404);
  });
});

describe("Socket Mode", () => {
  it("is chosen when an app token is set, with nothing to mount", async () => {
    const socket = await createSlackApp({
      core: h.core,
      config: {
        logLevel: "error",
        slack: {
          signingSecret: undefined,
          botToken: BOT_TOKEN,
          appToken: "xapp-test",
          apiUrl: h.fake.apiUrl,
        },
      },
      logger: recordingLogger([]),
    });
    expect(socket.mode).toBe("socket");
    expect(socket.handle).toBeUndefined();
    // The bot token was checked against the API at creation.
    expect(h.fake.callsTo("auth.test")).toHaveLength(1);
  });

  it("refuses to start without the variables Slack needs", async () => {
    await expect(
      createSlackApp({
        core: h.core,
        config: {
          logLevel: "error",
          slack: {
            signingSecret: undefined,
            botToken: BOT_TOKEN,
            appToken: undefined,
            apiUrl: undefined,
          },
        },
        logger: recordingLogger([]),
      }),
    ).rejects.toThrow(/SLACK_SIGNING_SECRET/);
  });
});
