import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Kysely } from "kysely";
import { sql } from "kysely";
import {
  createMessengerClient,
  createSlackMessenger,
  type SlackMessengerOptions,
} from "../../adapters/slack/messenger.ts";
import type { Database } from "../../src/db/types.ts";
import { platformUserIds } from "../../src/delivery/router.ts";
import { createLogger } from "../../src/log.ts";
import type { Messenger } from "../../src/ports.ts";
import type { Clock } from "../../src/time/clock.ts";
import type { FakeSlack } from "../support/fake-slack.ts";

/** Monday 30 November 2026, 10:00 in Berlin: the seeded check-ins' slot. */
export const SLOT_UTC = "2026-11-30T09:00:00Z";

/**
 * Real time flowing from a fixed start, so leases run out but the date stays put. `since` is the
 * real time the start stands for: processes given the same one share one clock.
 */
export function flowingClock(start: string | number, since = Date.now()): Clock {
  const base = typeof start === "number" ? start : new Date(start).getTime();
  const t0 = since;
  return { now: () => new Date(base + (Date.now() - t0)) };
}

/** `users` people across `workspaces` Slack workspaces, each with a goal and a check-in due now. */
export async function seedDue(db: Kysely<Database>, users: number, workspaces: number) {
  await sql`insert into workspaces (platform, external_id, name)
    select 'slack', 'T' || i, 'Workspace ' || i from generate_series(1, ${workspaces}) i`.execute(
    db,
  );
  await sql`insert into users (workspace_id, platform_user_id, display_name, time_zone)
    select w.id, 'U' || lpad(i::text, 7, '0'), 'Person ' || i, 'Europe/Berlin'
    from generate_series(1, ${users}) i
    join workspaces w on w.external_id = 'T' || (1 + i % ${workspaces})`.execute(db);
  await sql`insert into goals (user_id, title, hours_per_week, created_at, updated_at)
    select id, 'Learn Rust', 3, ${new Date("2026-11-20T09:00:00Z")}, ${new Date("2026-11-20T09:00:00Z")}
    from users`.execute(db);
  await sql`insert into checkin_schedules (user_id, time_zone, quiet_start, quiet_end,
      next_checkin_at, next_checkin_date, next_checkin_slot, updated_at)
    select id, time_zone, '20:00', '08:00', ${new Date(SLOT_UTC)}, '2026-11-30', '10:00', ${new Date(SLOT_UTC)}
    from users`.execute(db);
}

/** The messenger the service uses, pointed at a fake Slack. */
export function slackMessenger(
  db: Kysely<Database>,
  apiUrl: string,
  options: SlackMessengerOptions = {},
): Messenger {
  const logger = createLogger("silent");
  const client = createMessengerClient(
    {
      logLevel: "silent",
      slack: { botToken: "xoxb-test", signingSecret: "s", appToken: undefined, apiUrl },
    },
    logger,
  );
  return createSlackMessenger(client, platformUserIds(db), options);
}

/** Check-ins that reached the fake, by the DM they landed in. */
export function deliveredPerChannel(fake: FakeSlack): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of fake.standin.messages) counts.set(m.channel, (counts.get(m.channel) ?? 0) + 1);
  return counts;
}

/** Makes the people `seedDue` created known to the fake, so posts to them land in their DMs. */
export function addSeededPeople(fake: FakeSlack, users: number) {
  for (let i = 1; i <= users; i += 1) {
    fake.addUser({ id: `U${String(i).padStart(7, "0")}`, name: `person${i}` });
  }
}

export interface Chaos {
  apiUrl: string;
  failed: { status: number }[];
  close(): Promise<void>;
}

/**
 * A loopback proxy in front of the fake Slack: it answers a share of chat.postMessage calls with
 * 429 (Retry-After) or 500 itself, so only calls Slack would have acted on reach the fake. It also
 * serves conversations.history from the messages the fake holds, as Slack would.
 */
export async function startChaos(
  fake: FakeSlack,
  options: { rate429?: number; rate500?: number; retryAfterSeconds?: number; seed?: number } = {},
): Promise<Chaos> {
  let state = options.seed ?? 42;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const failed: { status: number }[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const method = (req.url ?? "").replace(/^\/api\//, "").split("?")[0]!;
    if (method === "chat.postMessage") {
      const r = random();
      if (r < (options.rate429 ?? 0)) {
        failed.push({ status: 429 });
        res.writeHead(429, {
          "retry-after": String(options.retryAfterSeconds ?? 1),
          "content-type": "application/json",
        });
        res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
        return;
      }
      if (r < (options.rate429 ?? 0) + (options.rate500 ?? 0)) {
        failed.push({ status: 500 });
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: false, error: "internal_error" }));
        return;
      }
    }
    if (method === "conversations.history") {
      const channel = new URLSearchParams(body).get("channel");
      const messages = fake.standin.messages
        .filter((m) => m.channel === channel)
        .map((m) => ({ type: "message", ts: m.ts, blocks: m.blocks }));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, messages }));
      return;
    }
    const upstream = await fetch(`${fake.apiUrl}${method}`, {
      method: "POST",
      headers: {
        "content-type": String(req.headers["content-type"] ?? "application/x-www-form-urlencoded"),
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      },
      body,
    });
    res.writeHead(upstream.status, { "content-type": "application/json" });
    res.end(await upstream.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    failed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

export async function statusCounts(db: Kysely<Database>): Promise<Record<string, number>> {
  const rows = await sql<{ status: string; n: number }>`
    select status, count(*)::int as n from checkin_deliveries group by status`.execute(db);
  return Object.fromEntries(rows.rows.map((r) => [r.status, r.n]));
}
