import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ConnectorOperation, classify } from "../../playground/teams/routes.ts";

export type { ConnectorOperation };

export interface ConnectorCall {
  operation: ConnectorOperation;
  method: string;
  path: string;
  conversationId: string | undefined;
  activityId: string | undefined;
  body: Record<string, unknown>;
  authorization: string | undefined;
}

export interface FakeMember {
  id: string;
  aadObjectId: string;
  name: string;
  givenName?: string;
  surname?: string;
  email?: string;
  userPrincipalName?: string;
  tenantId?: string;
}

export type ConnectorFailure = { status: 429; retryAfterSeconds?: number } | { status: number };

export interface FakeConnector {
  /** The activity's serviceUrl, ending in "/". */
  serviceUrl: string;
  calls: ConnectorCall[];
  callsTo(operation: ConnectorOperation): ConnectorCall[];
  addMember(member: FakeMember): void;
  /** The standard channels a team lists; a team's General channel shares the team's id. */
  setTeamChannels(teamId: string, channels: { id: string; name?: string }[]): void;
  failNext(operation: ConnectorOperation, failure: ConnectorFailure, times?: number): void;
  waitFor(predicate: (call: ConnectorCall) => boolean, timeoutMs?: number): Promise<ConnectorCall>;
  reset(): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return { raw };
  }
}

/**
 * A fake Bot Connector on 127.0.0.1: it records what the bot sends (replies, updates, proactive
 * messages), answers roster look-ups, and can fail calls on cue (429 with Retry-After).
 */
export async function startFakeConnector(): Promise<FakeConnector> {
  const calls: ConnectorCall[] = [];
  const members = new Map<string, FakeMember>();
  const teamChannels = new Map<string, { id: string; name?: string }[]>();
  const scripted = new Map<ConnectorOperation, { failure: ConnectorFailure; times: number }[]>();
  const waiters = new Set<{
    predicate: (c: ConnectorCall) => boolean;
    resolve: (c: ConnectorCall) => void;
  }>();
  let nextId = 1;

  function record(call: ConnectorCall) {
    calls.push(call);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(call)) {
        waiters.delete(waiter);
        waiter.resolve(call);
      }
    }
  }

  function json(res: ServerResponse, status: number, body: unknown, headers = {}) {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const method = req.method ?? "GET";
      const path = (req.url ?? "/").split("?")[0]!;
      const body = await readBody(req);
      const { memberId, ...where } = classify(method, path);
      const authorization = req.headers.authorization;
      record({ ...where, method, path, body, authorization });

      const queue = scripted.get(where.operation);
      const next = queue?.[0];
      if (next) {
        next.times -= 1;
        if (next.times <= 0) queue.shift();
        const failure = next.failure;
        const headers =
          failure.status === 429 && "retryAfterSeconds" in failure && failure.retryAfterSeconds
            ? { "retry-after": String(failure.retryAfterSeconds) }
            : {};
        json(
          res,
          failure.status,
          { error: { code: "Scripted", message: "scripted failure" } },
          headers,
        );
        return;
      }

      switch (where.operation) {
        case "send":
        case "reply":
        case "createConversation":
          json(res, 200, { id: `activity-${nextId++}` });
          return;
        case "update":
          json(res, 200, { id: where.activityId });
          return;
        case "getChannels": {
          const channels = teamChannels.get(where.conversationId ?? "");
          if (!channels) {
            json(res, 404, { error: { code: "NotFound", message: "no such team" } });
            return;
          }
          json(res, 200, { conversations: channels });
          return;
        }
        case "getMember": {
          const member = [...members.values()].find(
            (m) => m.id === memberId || m.aadObjectId === memberId,
          );
          if (!member) {
            json(res, 404, { error: { code: "MemberNotFound", message: "no such member" } });
            return;
          }
          json(res, 200, member);
          return;
        }
        default:
          json(res, 404, { error: { code: "NotFound", message: `${method} ${path}` } });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    serviceUrl: `http://127.0.0.1:${port}/`,
    calls,
    callsTo: (operation) => calls.filter((c) => c.operation === operation),
    addMember: (member) => members.set(member.id, member),
    setTeamChannels: (teamId, channels) => teamChannels.set(teamId, channels),
    failNext(operation, failure, times = 1) {
      const queue = scripted.get(operation) ?? [];
      queue.push({ failure, times });
      scripted.set(operation, queue);
    },
    waitFor(predicate, timeoutMs = 5_000) {
      const past = calls.find(predicate);
      if (past) return Promise.resolve(past);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve };
        waiters.add(waiter);
        setTimeout(() => {
          if (waiters.delete(waiter)) reject(new Error("No matching connector call in time"));
        }, timeoutMs).unref();
      });
    },
    reset() {
      calls.length = 0;
      scripted.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
