import type { RequestListener } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { renderMessage } from "../../adapters/slack/blocks.ts";
import {
  createMessengerClient,
  createSlackMessenger,
  directPoster,
  parseRef,
  RateLimitedError,
  SlackDeliveryError,
} from "../../adapters/slack/messenger.ts";
import { sendDirect } from "../../adapters/slack/replies.ts";
import type { Message } from "../../src/messages/model.ts";
import type { Destination, Messenger } from "../../src/ports.ts";
import { startChaos } from "../checkins/harness.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { serveOnLoopback } from "../support/loopback.ts";
import { BOT_TOKEN, recordingLogger } from "./harness.ts";

const nudge: Message = {
  summary: "Time to learn",
  blocks: [{ type: "text", text: ["Log your hours"] }],
};
const slackIds = new Map([[7, "U0BOB"]]);

/** Runs `run` against a loopback server standing in for Slack's API, closed afterwards. */
async function withSlackServer(
  handler: RequestListener,
  run: (apiUrl: string) => Promise<void>,
): Promise<void> {
  const server = await serveOnLoopback(handler);
  try {
    await run(`${server.base}/api/`);
  } finally {
    await server.close();
  }
}

/** A loopback server answering each post with what `answer` says for its text. */
function answeringByText(
  answer: (text: string) => string,
  run: (apiUrl: string) => Promise<void>,
): Promise<void> {
  return withSlackServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const { text } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { text: string };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(answer(text));
    });
  }, run);
}

/** A Slack that accepts every post after `ms`, counting the posts that reached it. */
function slowSlack(ms: number): { handler: RequestListener; received: () => number } {
  let received = 0;
  return {
    received: () => received,
    handler: (req, res) => {
      received += 1;
      req.resume();
      req.on("end", () => {
        setTimeout(() => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end('{"ok":true,"channel":"C0X","ts":"1.000001"}');
        }, ms);
      });
    },
  };
}

let fake: FakeSlack;
let messenger: Messenger;

const client = () =>
  createMessengerClient(
    {
      logLevel: "error",
      slack: {
        botToken: BOT_TOKEN,
        apiUrl: fake.apiUrl,
        signingSecret: undefined,
        appToken: undefined,
      },
    },
    recordingLogger([]),
  );

beforeAll(async () => {
  fake = await startFakeSlack();
  fake.addUser({ id: "U0BOB", name: "bob" });
  messenger = createSlackMessenger(client(), async (id) => {
    const slackId = slackIds.get(id);
    if (!slackId) throw new Error(`no Slack id for user ${id}`);
    return slackId;
  });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

describe("Slack messenger", () => {
  it("posts to a person by their Slack id once, then to the DM Slack answered with", async () => {
    const first = await messenger.send({ kind: "user", userId: 7 }, nudge);
    const second = await messenger.send({ kind: "user", userId: 7 }, nudge);
    // One call per message: no conversations.open before the first.
    expect(fake.calls.map((c) => c.method)).toEqual(["chat.postMessage", "chat.postMessage"]);
    const [post, again] = fake.callsTo("chat.postMessage");
    expect(post?.body).toMatchObject({ channel: "U0BOB", text: "Time to learn" });
    expect(post?.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(again?.body.channel).toBe("D0BOB");
    expect(first.ref).toMatch(/^D0BOB:\d+\.\d+$/);
    expect(second.ref).not.toBe(first.ref);
  });

  it("finds a message already sent to a person by the key in its buttons", async () => {
    // The stand-in has no conversations.history; the check-in harness's proxy serves it.
    const history = await startChaos(fake);
    try {
      const client = createMessengerClient(
        {
          logLevel: "error",
          slack: {
            botToken: BOT_TOKEN,
            apiUrl: history.apiUrl,
            signingSecret: undefined,
            appToken: undefined,
          },
        },
        recordingLogger([]),
      );
      const looking = createSlackMessenger(client, async () => "U0BOB");
      const key = "checkin:7:2026-11-30:10:00";
      const keyed: Message = {
        summary: "Check-in",
        blocks: [
          {
            type: "actions",
            buttons: [
              { label: "Log 30 min", action: "checkin.log", value: JSON.stringify({ key }) },
            ],
          },
        ],
      };
      const to = { kind: "user", userId: 7 } as const;
      const since = new Date(Date.now() - 60_000);
      expect(await looking.findSent?.(to, key, since)).toBeNull();
      const sent = await looking.send(to, keyed);
      expect((await looking.findSent?.(to, key, since))?.ref).toBe(sent.ref);
      expect(fake.callsTo("conversations.open")[0]?.body.users).toBe("U0BOB");
      expect(await looking.findSent?.(to, "checkin:7:2026-12-03:10:00", since)).toBeNull();
    } finally {
      await history.close();
    }
  });

  it("posts to the Slack id a destination carries without looking it up", async () => {
    fake.addUser({ id: "U0ANN", name: "ann" });
    // User 8 is unknown to the lookup: only the carried id can reach Ann.
    const sent = await messenger.send({ kind: "user", userId: 8, platformUserId: "U0ANN" }, nudge);
    expect(fake.callsTo("chat.postMessage")[0]?.body.channel).toBe("U0ANN");
    expect(sent.ref).toMatch(/^D0ANN:/);
  });

  it("posts to a channel directly", async () => {
    const sent = await messenger.send(
      { kind: "channel", workspaceId: 1, channelId: "C0TEAM" },
      nudge,
    );
    expect(fake.calls.map((c) => c.method)).toEqual(["chat.postMessage"]);
    expect(sent.ref.startsWith("C0TEAM:")).toBe(true);
  });

  it("closes a cut message in the destination's language, asking for it only then", async () => {
    const asked: Destination[] = [];
    const speaking = createSlackMessenger(client(), async () => "U0BOB", {
      localeOf: async (to) => {
        asked.push(to);
        return "de";
      },
    });
    const to = { kind: "channel", workspaceId: 1, channelId: "C0TEAM" } as const;
    await speaking.send(to, nudge);
    expect(asked).toEqual([]);
    const long: Message = { summary: "s", blocks: Array(60).fill({ type: "divider" }) };
    await speaking.send(to, long);
    await speaking.update(to, "C0TEAM:1700000000.000009", long);
    expect(asked).toEqual([to, to]);
    for (const call of [
      ...fake.callsTo("chat.postMessage").slice(1),
      ...fake.callsTo("chat.update"),
    ])
      expect(JSON.stringify((call.body.blocks as unknown[]).at(-1))).toContain(
        "…und 11 weitere Einträge werden hier nicht angezeigt.",
      );
  });

  it("closes a cut reply in the person's language, with files or without", async () => {
    const blocks: Message["blocks"] = Array(60).fill({ type: "divider" });
    const file = { filename: "plan.csv", contentType: "text/csv", data: new Uint8Array(4) };
    await sendDirect(client(), "U0BOB", { summary: "s", blocks }, () => "de");
    await sendDirect(client(), "U0BOB", { summary: "s", blocks, files: [file] }, () => "de");
    const sent = [
      fake.callsTo("chat.postMessage")[0],
      fake.callsTo("files.completeUploadExternal")[0],
    ];
    for (const call of sent)
      expect(JSON.stringify(call?.body)).toContain("…und 11 weitere Einträge");
  });

  it("updates a sent message by its ref", async () => {
    await messenger.update(
      { kind: "channel", workspaceId: 1, channelId: "C0TEAM" },
      "C0TEAM:1700000000.000009",
      nudge,
    );
    expect(fake.callsTo("chat.update")[0]?.body).toMatchObject({
      channel: "C0TEAM",
      ts: "1700000000.000009",
    });
    expect(() => parseRef("nocolon")).toThrow();
  });

  it("throws RateLimitedError with Retry-After on 429, without retrying itself", async () => {
    fake.failNext("chat.postMessage", { status: 429, retryAfterSeconds: 7 });
    const error = await messenger
      .send({ kind: "channel", workspaceId: 1, channelId: "C0TEAM" }, nudge)
      .catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 7000, method: "chat.postMessage" });
    expect(fake.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("reports a 500 as a retriable delivery error after one attempt", async () => {
    fake.failNext("chat.postMessage", { status: 500 });
    const error = await messenger
      .send({ kind: "channel", workspaceId: 1, channelId: "C0TEAM" }, nudge)
      .catch((e) => e);
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(error).toMatchObject({ code: "http_500", permanent: false });
    expect(fake.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("marks errors no retry can fix as permanent", async () => {
    fake.failNext("chat.postMessage", { error: "channel_not_found" });
    const error = await messenger
      .send({ kind: "channel", workspaceId: 1, channelId: "C0GONE" }, nudge)
      .catch((e) => e);
    expect(error).toMatchObject({
      name: "SlackDeliveryError",
      code: "channel_not_found",
      permanent: true,
    });
    fake.failNext("chat.postMessage", { error: "fatal_error" });
    const transient = await messenger
      .send({ kind: "channel", workspaceId: 1, channelId: "C0X" }, nudge)
      .catch((e) => e);
    expect(transient).toMatchObject({ code: "fatal_error", permanent: false });
  });
});

describe("Slack messenger's own chat.postMessage", () => {
  it("sends what the Web API client sends, as JSON with the token as a Bearer header", async () => {
    const client = createMessengerClient(
      {
        logLevel: "error",
        slack: {
          botToken: BOT_TOKEN,
          apiUrl: fake.apiUrl,
          signingSecret: undefined,
          appToken: undefined,
        },
      },
      recordingLogger([]),
    );
    const keyed: Message = {
      summary: "Check-in & more",
      blocks: [
        { type: "text", text: ["50% done — *keep going*"] },
        {
          type: "actions",
          buttons: [{ label: "Log 1 h", action: "checkin.log", value: '{"k":"a:b"}' }],
        },
      ],
    };
    await createSlackMessenger(client, async () => "U0BOB").send(
      { kind: "user", userId: 7 },
      keyed,
    );
    await client.chat.postMessage({ channel: "U0BOB", ...renderMessage(keyed) });
    const [ours, theirs] = fake.callsTo("chat.postMessage");
    expect(ours?.contentType).toBe("application/json; charset=utf-8");
    expect(ours?.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(ours?.body).toEqual(theirs?.body);
    expect(ours?.body.blocks).toEqual(renderMessage(keyed).blocks);
  });

  it("gives up a post that takes longer than its timeout, as possibly delivered", async () => {
    await withSlackServer(
      () => undefined,
      async (apiUrl) => {
        const post = directPoster(apiUrl, BOT_TOKEN, 200);
        const started = Date.now();
        const error = await post({ channel: "C0X", text: "hi" }).catch((e) => e);
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(error).toMatchObject({ name: "SlackDeliveryError", code: "request_failed" });
        expect(error.permanent).toBe(false);
      },
    );
  });

  it("counts the wait for a free connection towards the timeout", async () => {
    // Every post takes 300 ms; 200 at once queue behind the pool's connections.
    const slack = slowSlack(300);
    await withSlackServer(slack.handler, async (apiUrl) => {
      const post = directPoster(apiUrl, BOT_TOKEN, 500);
      const started = Date.now();
      const results = await Promise.allSettled(
        Array.from({ length: 200 }, (_, i) => post({ channel: "C0X", text: `hi ${i}` })),
      );
      // Without the deadline the queued posts would each still finish, the last after 1.2 s.
      expect(Date.now() - started).toBeLessThan(1_000);
      const codes = results.flatMap((r) =>
        r.status === "rejected" ? [(r.reason as { code: string }).code] : [],
      );
      expect(codes.length).toBeGreaterThan(0);
      for (const code of codes) expect(["request_failed", "not_sent"]).toContain(code);
      // Posts still queued when their time ran out are dropped, never written late, and say so.
      const unsent = codes.filter((c) => c === "not_sent").length;
      expect(unsent).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 700));
      expect(slack.received()).toBe(200 - unsent);
    });
  });

  it("never writes a post after its caller's write-by time, however long the timeout", async () => {
    // Each answer takes 300 ms: 100 posts at once fill the pool's 64 connections, the rest wait.
    const slack = slowSlack(300);
    await withSlackServer(slack.handler, async (apiUrl) => {
      const post = directPoster(apiUrl, BOT_TOKEN, 5_000);
      const late = await post({ channel: "C0X", text: "late" }, undefined, Date.now() - 1).catch(
        (e) => e,
      );
      expect(late).toMatchObject({ code: "not_sent" });
      const writeBy = Date.now() + 150;
      const results = await Promise.allSettled(
        Array.from({ length: 100 }, (_, i) =>
          post({ channel: "C0X", text: `hi ${i}` }, undefined, writeBy),
        ),
      );
      const sent = results.filter((r) => r.status === "fulfilled").length;
      const codes = results.flatMap((r) =>
        r.status === "rejected" ? [(r.reason as { code: string }).code] : [],
      );
      // The posts that got a connection in time went out; the rest were dropped unwritten
      // when a connection came free after the write-by time, not sent late.
      expect(sent).toBeGreaterThan(0);
      expect(codes.length).toBeGreaterThan(0);
      expect(new Set(codes)).toEqual(new Set(["not_sent"]));
      await new Promise((r) => setTimeout(r, 500));
      expect(slack.received()).toBe(sent);
    });
  });

  it("takes a 429 without Retry-After as a one-second wait", async () => {
    await withSlackServer(
      (_req, res) => {
        res.writeHead(429, { "content-type": "application/json" });
        res.end('{"ok":false,"error":"ratelimited"}');
      },
      async (apiUrl) => {
        const post = directPoster(apiUrl, BOT_TOKEN, 1_000);
        const error = await post({ channel: "C0X", text: "hi" }).catch((e) => e);
        expect(error).toBeInstanceOf(RateLimitedError);
        expect(error.retryAfterMs).toBe(1000);
      },
    );
  });

  it("takes a 200 it can't read as possibly delivered, and goes on posting", async () => {
    const answer = (text: string) => {
      if (text === "garbled") return "<html>upstream error</html>";
      // Far more than any answer of Slack's: read no further than the limit.
      if (text === "huge") return `{"ok":true,"junk":"${"x".repeat(3 << 20)}"}`;
      return '{"ok":true,"channel":"C0X","ts":"1.000002"}';
    };
    await answeringByText(answer, async (apiUrl) => {
      const post = directPoster(apiUrl, BOT_TOKEN, 2_000);
      for (const text of ["garbled", "huge"]) {
        const error = await post({ channel: "C0X", text }).catch((e) => e);
        expect(error).toMatchObject({ name: "SlackDeliveryError", code: "request_failed" });
        expect(error.permanent).toBe(false);
      }
      expect(await post({ channel: "C0X", text: "fine" })).toMatchObject({ ts: "1.000002" });
    });
  });

  it("reads the channel and ts Slack answers with, whatever follows them", async () => {
    const echo = JSON.stringify({ text: "hi", blocks: [{ type: "divider" }] });
    const answers: Record<string, string> = {
      // Slack's own order: the echoed message after the channel and ts.
      echoed: `{"ok":true,"channel":"D0ECHO","ts":"1764493200.000100","message":${echo}}`,
      // Accepted, but the echo is cut short: posted all the same, so never to be sent again.
      cut: '{"ok":true,"channel":"D0CUT","ts":"1764493200.000200","message":{"te',
      reordered: '{"ts":"1764493200.000300","message":{},"channel":"D0RE","ok":true}',
      spaced: '{ "ok": true, "channel": "D0SP", "ts": "1764493200.000400" }',
      refused: '{"ok":false,"error":"channel_not_found"}',
      lookalike: '{"ok":true,"channel":"D0LK","ts":"","message":{}}',
    };
    await answeringByText(
      (text) => answers[text] ?? "",
      async (apiUrl) => {
        const post = directPoster(apiUrl, BOT_TOKEN, 2_000);
        expect(await post({ channel: "U0X", text: "echoed" })).toEqual({
          channel: "D0ECHO",
          ts: "1764493200.000100",
        });
        expect(await post({ channel: "U0X", text: "cut" })).toEqual({
          channel: "D0CUT",
          ts: "1764493200.000200",
        });
        expect(await post({ channel: "U0X", text: "reordered" })).toMatchObject({
          channel: "D0RE",
          ts: "1764493200.000300",
        });
        expect(await post({ channel: "U0X", text: "spaced" })).toMatchObject({ channel: "D0SP" });
        const refused = await post({ channel: "U0X", text: "refused" }).catch((e) => e);
        expect(refused).toMatchObject({ code: "channel_not_found", permanent: true });
        // An empty ts is no ts: read in full, and the messenger then refuses it.
        expect(await post({ channel: "U0X", text: "lookalike" })).toMatchObject({ ts: "" });
      },
    );
  });

  it("keeps connections alive: posts one after another don't each open one", async () => {
    const sockets = new Set<unknown>();
    await withSlackServer(
      (req, res) => {
        sockets.add(req.socket);
        req.resume();
        req.on("end", () => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end('{"ok":true,"channel":"C0X","ts":"1.000001"}');
        });
      },
      async (apiUrl) => {
        const post = directPoster(apiUrl, BOT_TOKEN, 1_000);
        for (let i = 0; i < 20; i += 1) {
          expect(await post({ channel: "C0X", text: `hi ${i}` })).toMatchObject({ ts: "1.000001" });
        }
        // The pool may open a second connection while the first finishes its response.
        expect(sockets.size).toBeLessThanOrEqual(2);
      },
    );
  });
});

describe("fake Slack", () => {
  it("fails a scripted fraction of calls and records response_url posts", async () => {
    fake.failFraction("chat.postMessage", 0.5, { status: 500 });
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () =>
        messenger.send({ kind: "channel", workspaceId: 1, channelId: "C0TEAM" }, nudge),
      ),
    );
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(2);

    const url = fake.responseUrl();
    await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"text":"hi"}',
    });
    expect(fake.callsTo("response_url").at(-1)?.body).toEqual({ text: "hi" });
  });
});
