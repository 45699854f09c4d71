import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SLACK_EVENTS_PATH } from "../../adapters/slack/app.ts";
import type { SharedFile } from "../../src/commands/core.ts";
import type { Reply } from "../../src/messages/model.ts";
import { eventBody, sign, TEST_SIGNING_SECRET } from "../support/slack-signing.ts";
import { BOT_TOKEN, eventually, type Harness, startHarness } from "./harness.ts";

const thanks: Reply = {
  kind: "message",
  visibility: "private",
  message: { summary: "Checking your badge…", blocks: [{ type: "text", text: ["Checking…"] }] },
};

let h: Harness;
/** A server that is not Slack, to see whether the bot token is ever sent there. */
let elsewhere: Server;
let elsewhereUrl: string;
const elsewhereHits: (string | undefined)[] = [];

beforeAll(async () => {
  h = await startHarness();
  h.fake.standin.signingSecret = TEST_SIGNING_SECRET;
  h.fake.standin.eventsUrl = `${h.url}${SLACK_EVENTS_PATH}`;
  elsewhere = createServer((req, res) => {
    elsewhereHits.push(req.headers.authorization);
    res.writeHead(200, { "content-type": "image/png" }).end("png");
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
  elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await h.close();
  elsewhere.closeAllConnections();
  await new Promise((resolve) => elsewhere.close(resolve));
});
beforeEach(() => {
  h.fake.reset();
  h.core.calls.length = 0;
  h.logs.length = 0;
  h.core.onFile = async () => thanks;
});

async function sendEvent(event: Record<string, unknown>) {
  const signed = sign(eventBody(event), { contentType: "application/json" });
  const res = await h.post(SLACK_EVENTS_PATH, signed.body, signed.headers);
  expect(res.status).toBe(200);
}

const fileCalls = () => h.core.calls.filter((c) => c.kind === "file");

describe("a file shared in the bot's DM", () => {
  it("reaches the core, downloads with the bot token and answers in the DM", async () => {
    const data = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);
    let downloaded: Uint8Array | undefined;
    h.core.onFile = async (file) => {
      downloaded = await file.bytes(1_000_000);
      return thanks;
    };
    const sent = await h.fake.standin.shareFile("U0ALICE", {
      name: "badge.png",
      mimetype: "image/png",
      data,
    });
    expect(sent.status).toBe(200);

    const post = await h.fake.waitFor((c) => c.method === "chat.postMessage");
    expect(post.body).toMatchObject({ channel: "D0ALICE", text: "Checking your badge…" });
    const [call] = fileCalls();
    expect(call).toMatchObject({
      actor: { platform: "slack", userExternalId: "U0ALICE" },
      file: { name: "badge.png", contentType: "image/png", size: data.length },
    });
    expect(downloaded).toEqual(data);
    const download = h.fake.callsTo("file.download")[0];
    expect(download?.authorization).toBe(`Bearer ${BOT_TOKEN}`);
  });

  it("reads at most one byte past the limit, so a large file shows without being kept", async () => {
    let got: Uint8Array | undefined;
    h.core.onFile = async (file: SharedFile) => {
      got = await file.bytes(1_000);
      return thanks;
    };
    await h.fake.standin.shareFile("U0ALICE", {
      name: "huge.json",
      mimetype: "application/json",
      data: new Uint8Array(300_000).fill(0x20),
    });
    await h.fake.waitFor((c) => c.method === "chat.postMessage");
    expect(got?.byteLength).toBe(1_001);
  });

  it("never sends the bot token to a host that is not Slack's", async () => {
    h.core.onFile = async (file) => {
      await file.bytes(1_000);
      return thanks;
    };
    await sendEvent({
      type: "message",
      subtype: "file_share",
      channel: "D0ALICE",
      channel_type: "im",
      user: "U0ALICE",
      ts: "1700000000.000100",
      files: [
        {
          id: "F1",
          name: "badge.png",
          mimetype: "image/png",
          size: 3,
          url_private_download: `${elsewhereUrl}/badge.png`,
        },
      ],
    });
    // the failed download is apologised for in the DM and logged
    const sorry = await h.fake.waitFor((c) => c.method === "chat.postMessage");
    expect(String(sorry.body.text)).toContain("Something went wrong");
    expect(h.logs.some((l) => l.text.includes("Refusing to send the bot token"))).toBe(true);
    expect(elsewhereHits).toEqual([]);
  });

  it("ignores edits, the bot's own posts, channel messages and text without files", async () => {
    const file = {
      id: "F2",
      name: "badge.png",
      mimetype: "image/png",
      size: 3,
      url_private_download: `${h.fake.standin.baseUrl}/files/F2/download`,
    };
    const base = { type: "message", channel: "D0ALICE", channel_type: "im", ts: "1.2" };
    await sendEvent({ ...base, subtype: "message_changed", message: { files: [file] } });
    await sendEvent({ ...base, user: "U0BOT", bot_id: "B0BOT", files: [file] });
    await sendEvent({ ...base, channel: "C0GENERAL", channel_type: "channel", user: "U0ALICE" });
    await sendEvent({ ...base, user: "U0ALICE", text: "hello" });
    // a message that is handled, sent last, shows the ones before it were looked at and dropped
    await sendEvent({ ...base, subtype: "file_share", user: "U0ALICE", files: [file] });
    await eventually(() => fileCalls()[0]);
    await h.fake.waitFor((c) => c.method === "chat.postMessage");
    expect(fileCalls()).toHaveLength(1);
    expect(h.fake.callsTo("chat.postMessage")).toHaveLength(1);
  });
});

describe("the stand-in's file downloads", () => {
  it("answer without the bot token with a sign-in page, as Slack does", async () => {
    await h.fake.standin.shareFile("U0ALICE", {
      name: "a.json",
      mimetype: "application/json",
      data: new TextEncoder().encode("{}"),
    });
    const id = [...h.fake.standin.files.keys()].at(-1);
    const res = await fetch(`${h.fake.standin.baseUrl}/files/${id}/download`);
    expect(res.headers.get("content-type")).toContain("text/html");
  });
});
