import { type Expression, type Kysely, type SqlBool, sql } from "kysely";
import type { Database } from "../../db/types.ts";
import type { Clock } from "../../time/clock.ts";
import { IRI } from "./schema.ts";

/** Statements a page holds when the request does not say, and at most. */
export const PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FILTERS = [
  "agent",
  "verb",
  "activity",
  "registration",
  "related_activities",
  "related_agents",
  "since",
  "until",
  "limit",
  "format",
  "attachments",
  "ascending",
  "page",
] as const;

export type Format = "exact" | "ids" | "canonical";

/** A statement query (GET /statements without an id), as xAPI defines its parameters. */
export interface StatementQuery {
  /** The agent's or identified group's identifier, as a JSON fragment to match. */
  agent: Record<string, unknown> | null;
  verb: string | null;
  activity: string | null;
  registration: string | null;
  relatedActivities: boolean;
  relatedAgents: boolean;
  since: Date | null;
  until: Date | null;
  limit: number;
  format: Format;
  attachments: boolean;
  ascending: boolean;
  /** Where the previous page ended. */
  after: { stored: string; id: string } | null;
}

export type ParsedQuery = { ok: true; query: StatementQuery } | { ok: false; reason: string };

/** An agent's identifying part: the one inverse functional identifier xAPI allows. */
function identifier(value: unknown): Record<string, unknown> | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const agent = value as Record<string, unknown>;
  const ifis = ["mbox", "mbox_sha1sum", "openid", "account"].filter((k) => agent[k] !== undefined);
  if (ifis.length !== 1) return null;
  const key = ifis[0]!;
  const id = agent[key];
  if (key === "account") {
    const account = id as Record<string, unknown> | null;
    if (typeof account?.homePage !== "string" || typeof account.name !== "string") return null;
    return { account: { homePage: account.homePage, name: account.name } };
  }
  return typeof id === "string" ? { [key]: id } : null;
}

function bool(value: string | null): boolean | null {
  if (value === null) return false;
  return value === "true" ? true : value === "false" ? false : null;
}

function instant(value: string | null): Date | null | undefined {
  if (value === null) return null;
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/.test(value))
    return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** Reads a query's parameters; a bad one is named in the reason. */
export function parseQuery(params: URLSearchParams): ParsedQuery {
  const bad = (reason: string): ParsedQuery => ({ ok: false, reason });
  const unknown = [...params.keys()].find((k) => !(FILTERS as readonly string[]).includes(k));
  if (unknown) return bad(`unknown parameter ${unknown}`);
  let agent: Record<string, unknown> | null = null;
  const agentText = params.get("agent");
  if (agentText !== null) {
    try {
      agent = identifier(JSON.parse(agentText));
    } catch {}
    if (!agent) return bad("agent must be an Agent or identified Group as JSON");
  }
  const relatedActivities = bool(params.get("related_activities"));
  const relatedAgents = bool(params.get("related_agents"));
  const attachments = bool(params.get("attachments"));
  const ascending = bool(params.get("ascending"));
  if (relatedActivities === null || relatedAgents === null || attachments === null)
    return bad("related_activities, related_agents and attachments are true or false");
  if (ascending === null) return bad("ascending is true or false");
  const since = instant(params.get("since"));
  const until = instant(params.get("until"));
  if (since === undefined || until === undefined)
    return bad("since and until are ISO 8601 timestamps with a time zone");
  const limitText = params.get("limit") ?? "0";
  if (!/^\d+$/.test(limitText)) return bad("limit is a whole number");
  const limit = Number(limitText) === 0 ? PAGE_SIZE : Math.min(Number(limitText), MAX_PAGE_SIZE);
  const format = params.get("format") ?? "exact";
  if (format !== "exact" && format !== "ids" && format !== "canonical")
    return bad("format is exact, ids or canonical");
  const verb = params.get("verb");
  const activity = params.get("activity");
  if ((verb !== null && !IRI.test(verb)) || (activity !== null && !IRI.test(activity)))
    return bad("verb and activity are IRIs");
  const registration = params.get("registration");
  if (registration !== null && !UUID.test(registration)) return bad("registration is a UUID");
  let after: StatementQuery["after"] = null;
  const page = params.get("page");
  if (page !== null) {
    const [stored, id] = Buffer.from(page, "base64url").toString("utf8").split("|");
    if (!stored || !id || !UUID.test(id) || !instant(stored)) return bad("that page is unknown");
    after = { stored, id };
  }
  return {
    ok: true,
    query: {
      agent,
      verb,
      activity,
      registration: registration?.toLowerCase() ?? null,
      relatedActivities,
      relatedAgents,
      since,
      until,
      limit,
      format,
      attachments,
      ascending,
      after,
    },
  };
}

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

/** The places an agent may stand in a statement: actor and object, or anywhere when related. */
function agentFilter(q: StatementQuery): Expression<SqlBool> {
  const agent = json(q.agent);
  const members = json([q.agent]);
  const direct = sql<SqlBool>`(statement->'actor' @> ${agent} or statement->'object' @> ${agent})`;
  if (!q.relatedAgents) return direct;
  return sql<SqlBool>`(${direct}
    or statement->'actor'->'member' @> ${members}
    or statement->'object'->'member' @> ${members}
    or statement->'authority' @> ${agent}
    or statement->'authority'->'member' @> ${members}
    or statement->'context'->'instructor' @> ${agent}
    or statement->'context'->'team' @> ${agent}
    or statement->'object'->'actor' @> ${agent}
    or statement->'object'->'object' @> ${agent}
    or statement->'object'->'context'->'instructor' @> ${agent}
    or statement->'object'->'context'->'team' @> ${agent})`;
}

/** The object's activity, or (related) any activity of the context or the sub-statement. */
function activityFilter(q: StatementQuery): Expression<SqlBool> {
  const direct = sql<SqlBool>`activity_id = ${q.activity}`;
  if (!q.relatedActivities) return direct;
  const listed = json([{ id: q.activity }]);
  const inContext = (base: string) =>
    ["parent", "grouping", "category", "other"].map(
      (k) => sql`${sql.raw(base)}->'context'->'contextActivities'->'${sql.raw(k)}' @> ${listed}`,
    );
  return sql<SqlBool>`(${direct}
    or (statement->'object'->>'objectType' = 'SubStatement'
      and statement->'object'->'object'->>'id' = ${q.activity})
    or ${sql.join([...inContext("statement"), ...inContext("statement->'object'")], sql` or `)})`;
}

/** A page of a workspace's statements and where the next one starts. */
export interface StatementPage {
  statements: Record<string, unknown>[];
  /** The `page` parameter of the next page, or null on the last. */
  next: string | null;
}

/** Runs statement queries over one workspace's stored statements, voided ones left out. */
export async function queryStatements(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: number,
  q: StatementQuery,
): Promise<StatementPage> {
  const now = clock.now();
  const direction = q.ascending ? "asc" : "desc";
  let query = db
    .selectFrom("xapi_statements")
    .where("workspace_id", "=", workspaceId)
    .where("voided", "=", false)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
    .select(["statement", "stored_at", "id"])
    .orderBy("stored_at", direction)
    .orderBy("id", direction)
    .limit(q.limit + 1);
  if (q.verb !== null) query = query.where("verb", "=", q.verb);
  if (q.agent) query = query.where(agentFilter(q));
  if (q.activity !== null) query = query.where(activityFilter(q));
  if (q.registration !== null)
    query = query.where(
      sql<SqlBool>`lower(statement->'context'->>'registration') = ${q.registration}`,
    );
  if (q.since) query = query.where("stored_at", ">", q.since);
  if (q.until) query = query.where("stored_at", "<=", q.until);
  if (q.after) {
    const { stored, id } = q.after;
    query = query.where(
      q.ascending
        ? sql<SqlBool>`(stored_at, id) > (${new Date(stored)}, ${id}::uuid)`
        : sql<SqlBool>`(stored_at, id) < (${new Date(stored)}, ${id}::uuid)`,
    );
  }
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    statements: page.map((r) => r.statement as Record<string, unknown>),
    next:
      rows.length > q.limit && last
        ? Buffer.from(`${last.stored_at.toISOString()}|${last.id}`).toString("base64url")
        : null,
  };
}
