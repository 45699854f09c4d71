import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the bot made: a Web API call or a POST to a response_url. */
export interface RecordedCall {
  /** Web API method ("chat.postMessage"), or "response_url" for response_url posts. */
  method: string;
  path: string;
  /** The parsed body; form fields holding JSON (blocks, view) are decoded. */
  body: Record<string, unknown>;
  authorization: string | undefined;
  contentType: string | undefined;
}

/** How a scripted call fails. */
export type Failure =
  | { error: string }
  | { status: 429; retryAfterSeconds: number }
  | { status: 500 };

export interface FakeUser {
  id: string;
  name: string;
  real_name?: string;
  display_name?: string;
  email?: string;
  tz?: string;
}

export interface FakeSlack {
  /** Base URL for `slackApiUrl`, ending in "/". */
  apiUrl: string;
  /** Every Web API call and response_url post, in arrival order. */
  calls: RecordedCall[];
  callsTo(method: string): RecordedCall[];
  /** A fresh response_url served by the fake. */
  responseUrl(): string;
  /** Fail the next `times` calls to a method (default once). */
  failNext(method: string, failure: Failure, times?: number): void;
  /** Fail a deterministic fraction of calls to a method: every call while the running share is below it. */
  failFraction(method: string, fraction: number, failure: Failure): void;
  addUser(user: FakeUser): void;
  /** Resolves with the first recorded call (past or future) that matches. */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  reset(): void;
  close(): Promise<void>;
}

const JSON_FIELDS = new Set(["blocks", "attachments", "view", "metadata"]);

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (raw === "") return {};
  if (contentType?.includes("application/json")) {
    return JSON.parse(raw) as Record<string, unknown>;
  }
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    body[key] = JSON_FIELDS.has(key) ? JSON.parse(value) : value;
  }
  return body;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Starts a fake of the Slack Web API on 127.0.0.1 with a random port. */
export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: RecordedCall[] = [];
  const users = new Map<string, FakeUser>();
  const scripted = new Map<string, { failure: Failure; times: number }[]>();
  const fractions = new Map<
    string,
    { fraction: number; failure: Failure; seen: number; failed: number }
  >();
  const waiters = new Set<{
    predicate: (c: RecordedCall) => boolean;
    resolve: (c: RecordedCall) => void;
  }>();
  let tsCounter = 0;
  let responseCounter = 0;

  const nextTs = () => {
    tsCounter += 1;
    return `1700000000.${String(tsCounter).padStart(6, "0")}`;
  };

  function record(call: RecordedCall) {
    calls.push(call);
    for (const waiter of waiters) {
      if (waiter.predicate(call)) {
        waiters.delete(waiter);
        waiter.resolve(call);
      }
    }
  }

  function takeFailure(method: string): Failure | undefined {
    const queue = scripted.get(method);
    const head = queue?.[0];
    if (queue && head) {
      head.times -= 1;
      if (head.times <= 0) queue.shift();
      return head.failure;
    }
    const share = fractions.get(method);
    if (share) {
      share.seen += 1;
      if (share.failed / share.seen < share.fraction) {
        share.failed += 1;
        return share.failure;
      }
    }
    return undefined;
  }

  function answer(method: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          url: "https://fake.slack.test/",
          team: "Fake",
          user: "stackup",
          team_id: "T0FAKE",
          user_id: "U0BOT",
          bot_id: "B0BOT",
        };
      case "chat.postMessage": {
        const ts = nextTs();
        return {
          ok: true,
          channel: body.channel,
          ts,
          message: {
            type: "message",
            user: "U0BOT",
            bot_id: "B0BOT",
            text: body.text,
            blocks: body.blocks,
            ts,
          },
        };
      }
      case "chat.update":
        return {
          ok: true,
          channel: body.channel,
          ts: body.ts,
          text: body.text,
          message: { text: body.text, blocks: body.blocks },
        };
      case "chat.postEphemeral":
        return { ok: true, message_ts: nextTs() };
      case "views.open":
      case "views.publish":
      case "views.update":
      case "views.push": {
        const view = (body.view ?? {}) as Record<string, unknown>;
        return {
          ok: true,
          view: { id: `V${randomUUID().slice(0, 8).toUpperCase()}`, team_id: "T0FAKE", ...view },
        };
      }
      case "users.info": {
        const user = users.get(String(body.user));
        if (!user) return { ok: false, error: "user_not_found" };
        return {
          ok: true,
          user: {
            id: user.id,
            team_id: "T0FAKE",
            name: user.name,
            real_name: user.real_name ?? "",
            tz: user.tz,
            tz_label: "",
            tz_offset: 0,
            profile: {
              display_name: user.display_name ?? "",
              real_name: user.real_name ?? "",
              email: user.email,
            },
          },
        };
      }
      case "conversations.open":
        return { ok: true, channel: { id: `D${String(body.users).replace(/^U/, "")}` } };
      default:
        return { ok: false, error: "unknown_method" };
    }
  }

  function send(
    res: ServerResponse,
    status: number,
    payload: unknown,
    headers: Record<string, string> = {},
  ) {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(payload));
  }

  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const contentType = req.headers["content-type"];
    let body: Record<string, unknown>;
    try {
      body = parseBody(raw, contentType);
    } catch {
      send(res, 400, { ok: false, error: "invalid_form_data" });
      return;
    }
    const authorization = req.headers.authorization;

    if (url.pathname.startsWith("/response/")) {
      record({ method: "response_url", path: url.pathname, body, authorization, contentType });
      const failure = takeFailure("response_url");
      if (failure && "status" in failure) {
        send(res, failure.status, { ok: false });
        return;
      }
      send(res, 200, { ok: true });
      return;
    }

    const method = url.pathname.replace(/^\/api\//, "");
    record({ method, path: url.pathname, body, authorization, contentType });
    const failure = takeFailure(method);
    if (failure) {
      if ("error" in failure) send(res, 200, { ok: false, error: failure.error });
      else if (failure.status === 429)
        send(
          res,
          429,
          { ok: false, error: "ratelimited" },
          { "retry-after": String(failure.retryAfterSeconds) },
        );
      else send(res, 500, { ok: false, error: "internal_error" });
      return;
    }
    if (!authorization?.startsWith("Bearer ")) {
      send(res, 200, { ok: false, error: "not_authed" });
      return;
    }
    send(res, 200, answer(method, body));
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    apiUrl: `${base}/api/`,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    responseUrl() {
      responseCounter += 1;
      return `${base}/response/${responseCounter}`;
    },
    failNext(method, failure, times = 1) {
      const queue = scripted.get(method) ?? [];
      queue.push({ failure, times });
      scripted.set(method, queue);
    },
    failFraction(method, fraction, failure) {
      fractions.set(method, { fraction, failure, seen: 0, failed: 0 });
    },
    addUser(user) {
      users.set(user.id, user);
    },
    waitFor(predicate, timeoutMs = 5_000) {
      const found = calls.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (call: RecordedCall) => {
            clearTimeout(timer);
            resolve(call);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = calls.map((c) => c.method).join(", ") || "none";
          reject(new Error(`fake Slack: no matching call within ${timeoutMs} ms (calls: ${seen})`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    reset() {
      calls.length = 0;
      scripted.clear();
      fractions.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
