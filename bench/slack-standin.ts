// A fake Slack for the nudges bench, in a process of its own so the bench's process pays only for
// our side of each call. It answers chat.postMessage as Slack does (a DM's id for a user id, a ts,
// the message echoed back; 401 without a bearer token) and keeps only a count per DM: the
// playground's stand-in keeps the whole workspace, which on this machine would be Slack's cost
// charged to our side. Prints one JSON line with the API URL, then serves until killed.
//   node --import tsx bench/slack-standin.ts
// GET /bench/count and GET /bench/delivered answer how many messages landed, and where.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const perChannel = new Map<string, number>();
let messages = 0;
let seq = 0;
const epoch = Math.floor(Date.now() / 1000);

function json(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

const server = createServer((req, res) => {
  const path = req.url ?? "/";
  if (path === "/bench/count" || path === "/bench/delivered") {
    const answer: Record<string, number> = { messages };
    if (path === "/bench/delivered") {
      answer.channels = perChannel.size;
      answer.duplicates = [...perChannel.values()].reduce((sum, n) => sum + (n - 1), 0);
    }
    json(res, 200, answer);
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    if (!req.headers.authorization?.startsWith("Bearer ")) {
      json(res, 200, { ok: false, error: "not_authed" });
      return;
    }
    if (path !== "/api/chat.postMessage") {
      json(res, 200, { ok: false, error: "unknown_method" });
      return;
    }
    let body: { channel?: string; text?: string; blocks?: unknown[] };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      json(res, 200, { ok: false, error: "invalid_json" });
      return;
    }
    const to = String(body.channel ?? "");
    if (!to) {
      json(res, 200, { ok: false, error: "channel_not_found" });
      return;
    }
    // A user id posts in the bot's DM with them.
    const channel = to.startsWith("U") ? `D${to.slice(1)}` : to;
    perChannel.set(channel, (perChannel.get(channel) ?? 0) + 1);
    messages += 1;
    seq += 1;
    const ts = `${epoch}.${String(seq).padStart(6, "0")}`;
    json(res, 200, {
      ok: true,
      channel,
      ts,
      message: {
        type: "message",
        user: "U0BOT",
        bot_id: "B0BOT",
        text: body.text,
        blocks: body.blocks,
        ts,
      },
    });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.stdout.write(`${JSON.stringify({ apiUrl: `${base}/api/`, baseUrl: base })}\n`);
});
process.on("SIGTERM", () => process.exit(0));
