import type { Kysely } from "kysely";
import { createXapiHandler, type XapiLimits } from "../../adapters/xapi/http.ts";
import type { Actor, Core } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import type { Database } from "../../src/db/types.ts";
import { createLogger } from "../../src/log.ts";
import { messageText, type Reply } from "../../src/messages/model.ts";
import type { Clock } from "../../src/time/clock.ts";
import { type LoopbackServer, serveOnLoopback } from "../support/loopback.ts";

/** A Slack person of `workspace` with an e-mail of their own. */
export function person(user: string, workspace = "T1"): Actor {
  return {
    platform: "slack",
    workspaceExternalId: workspace,
    userExternalId: user,
    profile: async () => ({
      displayName: `Person ${user}`,
      email: `${user.toLowerCase()}@example.com`,
      timeZone: "Europe/London",
    }),
  };
}

export const replyText = (reply: Reply) => {
  if (reply.kind !== "message" && reply.kind !== "update") throw new Error(`got ${reply.kind}`);
  return messageText(reply.message);
};

export interface Lrs {
  server: LoopbackServer;
  core: Core;
  /** Creates credentials through the admin command and returns the Basic header for them. */
  credentials(admin: Actor, name: string): Promise<{ key: string; secret: string; auth: string }>;
  request(
    method: string,
    path: string,
    options?: {
      auth?: string;
      body?: unknown;
      version?: string | null;
      headers?: Record<string, string>;
    },
  ): Promise<{ status: number; body: unknown; headers: Headers }>;
}

/** The xAPI handler on a loopback port, with the core its admins use. */
export async function startLrs(
  db: Kysely<Database>,
  clock: Clock,
  limits?: Partial<XapiLimits>,
): Promise<Lrs> {
  const handler = createXapiHandler({
    db,
    clock,
    logger: createLogger(process.env.XAPI_TEST_LOG ?? "silent"),
    ...(limits ? { limits } : {}),
  });
  const server = await serveOnLoopback((req, res) =>
    handler(req, res, () => {
      res.writeHead(404);
      res.end();
    }),
  );
  // The people the tests make credentials as, named the way STACKUP_ADMINS names admins.
  const core = createCore({ db, clock, admins: ["A1", "B1", "U1"] });
  return {
    server,
    core,
    async credentials(admin, name) {
      const text = replyText(await core.command(admin, `admin xapi create ${name}`));
      const key = /Username \(key\): (\S+)/.exec(text)?.[1];
      const secret = /Password \(secret\): (\S+)/.exec(text)?.[1];
      if (!key || !secret) throw new Error(`no credentials in: ${text}`);
      return { key, secret, auth: `Basic ${Buffer.from(`${key}:${secret}`).toString("base64")}` };
    },
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.version !== null)
        headers["x-experience-api-version"] = options.version ?? "1.0.3";
      if (options.auth) headers.authorization = options.auth;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
        headers["content-type"] ??= "application/json";
      }
      const res = await fetch(`${server.base}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {}
      return { status: res.status, body: parsed, headers: res.headers };
    },
  };
}

/** Maps activity ids (or "prefix*") to a catalog credential, as the catalog import does. */
export async function mapActivities(db: Kysely<Database>, title: string, patterns: string[]) {
  await db
    .updateTable("credentials")
    .set({ xapi_activities: patterns })
    .where("title", "=", title)
    .execute();
}

export const VERB = (word: string) => ({
  id: `http://adlnet.gov/expapi/verbs/${word}`,
  display: { "en-US": word },
});

export function statement(
  email: string,
  verb: string,
  activity: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    actor: { mbox: `mailto:${email}`, name: "Learner" },
    verb: VERB(verb),
    object: { id: activity, definition: { name: { "en-US": "Module 1" } } },
    ...extra,
  };
}
