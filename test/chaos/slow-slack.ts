import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeSlack } from "../support/fake-slack.ts";

/** A Slack that takes its time: each post reaches the fake only `postDelayMs` after it came in. */
export interface SlowSlack {
  apiUrl: string;
  /** Posts received but not yet recorded by the fake. */
  inFlight(): number;
  close(): Promise<void>;
}

/**
 * A loopback proxy in front of the fake Slack that holds each chat.postMessage for a while before
 * the fake records it, as a platform does that is slow to answer a post it has already taken.
 * conversations.history is answered from what the fake holds at that moment.
 */
export async function startSlowSlack(fake: FakeSlack, postDelayMs: number): Promise<SlowSlack> {
  let inFlight = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const method = (req.url ?? "").replace(/^\/api\//, "").split("?")[0]!;
    if (method === "conversations.history") {
      const channel = new URLSearchParams(body).get("channel");
      const messages = fake.standin.messages
        .filter((m) => m.channel === channel)
        .map((m) => ({ type: "message", ts: m.ts, blocks: m.blocks }));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, messages }));
      return;
    }
    if (method === "chat.postMessage") {
      inFlight += 1;
      await new Promise((r) => setTimeout(r, postDelayMs));
    }
    try {
      const upstream = await fetch(`${fake.apiUrl}${method}`, {
        method: "POST",
        headers: {
          "content-type": String(
            req.headers["content-type"] ?? "application/x-www-form-urlencoded",
          ),
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        },
        body,
      });
      const text = await upstream.text();
      if (!res.destroyed) {
        res.writeHead(upstream.status, { "content-type": "application/json" });
        res.end(text);
      }
    } finally {
      if (method === "chat.postMessage") inFlight -= 1;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    inFlight: () => inFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
