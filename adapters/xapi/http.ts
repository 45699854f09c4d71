import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Kysely } from "kysely";
import type { Database } from "../../src/db/types.ts";
import { type XapiClient, XapiCredentials } from "../../src/domain/xapi/credentials.ts";
import { acceptedLanguages, formatStatement } from "../../src/domain/xapi/format.ts";
import { parseQuery, queryStatements } from "../../src/domain/xapi/query.ts";
import { StatementService } from "../../src/domain/xapi/statements.ts";
import type { Logger } from "../../src/log.ts";
import type { Clock } from "../../src/time/clock.ts";

/** Connect-style: handles /xapi/… and calls `next` for everything else. */
export type XapiHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export interface XapiLimits {
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
  /** Requests one credential may make in a burst, and per minute after it. */
  burst: number;
  perMinute: number;
}

export const DEFAULT_LIMITS: XapiLimits = { maxBodyBytes: 1_000_000, burst: 60, perMinute: 600 };

/** The xAPI versions this endpoint speaks, newest first as /about lists them. */
export const VERSIONS = ["2.0.0", "1.0.3"] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The version a request's header asks for, answered in the newest matching patch; or null. */
function versionOf(header: string | string[] | undefined): "1.0.3" | "2.0.0" | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  if (/^1\.0(\.[0-3])?$/.test(value.trim())) return "1.0.3";
  if (/^2\.0(\.0)?$/.test(value.trim())) return "2.0.0";
  return null;
}

class TooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > limit) return reject(new TooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        reject(new TooLarge());
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** A token bucket per credential, in this process: an LMS retrying in a loop cannot flood us. */
class RateLimiter {
  private readonly buckets = new Map<number, { tokens: number; at: number }>();
  constructor(
    private readonly limits: XapiLimits,
    private readonly now: () => number,
  ) {}

  /** Zero when allowed, else the seconds to wait. */
  take(credentialId: number): number {
    const now = this.now();
    const perMs = this.limits.perMinute / 60_000;
    const bucket = this.buckets.get(credentialId) ?? { tokens: this.limits.burst, at: now };
    bucket.tokens = Math.min(this.limits.burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(credentialId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
  }
}

/** Serves /xapi/about and /xapi/statements for the LMSs of every workspace. */
export function createXapiHandler(deps: {
  db: Kysely<Database>;
  clock: Clock;
  logger?: Logger;
  limits?: Partial<XapiLimits>;
}): XapiHandler {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const credentials = new XapiCredentials(deps.db, deps.clock);
  const statements = new StatementService(deps.db, deps.clock);
  // Real time, not the core's clock: the playground moving its clock must not refill buckets.
  const limiter = new RateLimiter(limits, () => Date.now());

  return (req, res, next) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== "/xapi" && !url.pathname.startsWith("/xapi/")) return next();
    handle(req, res, url).catch((error: unknown) => {
      deps.logger?.error({ err: error }, "xAPI request failed");
      if (!res.headersSent) send(res, 500, { error: "Something went wrong; try again." });
      else res.end();
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.replace(/\/+$/, "");
    if (path === "/xapi/about") {
      if (req.method !== "GET") return send(res, 405, { error: "GET only" }, { allow: "GET" });
      return send(res, 200, { version: [...VERSIONS] });
    }
    const version = versionOf(req.headers["x-experience-api-version"]);
    const headers = { "x-experience-api-version": version ?? VERSIONS[0] };
    if (!version) {
      return send(
        res,
        400,
        { error: "Send X-Experience-API-Version: 1.0.3 or 2.0.0 with every request." },
        headers,
      );
    }
    const client = await credentials.authenticate(req.headers.authorization);
    if (!client) {
      return send(
        res,
        401,
        { error: "Unknown or revoked xAPI credentials." },
        {
          ...headers,
          "www-authenticate": 'Basic realm="Stackup xAPI"',
        },
      );
    }
    const wait = limiter.take(client.credentialId);
    if (wait > 0) {
      return send(
        res,
        429,
        { error: "Too many requests; slow down." },
        {
          ...headers,
          "retry-after": String(wait),
        },
      );
    }
    if (path !== "/xapi/statements") {
      return send(
        res,
        404,
        {
          error: "Stackup implements the statements resource only (no state, profiles or agents).",
        },
        headers,
      );
    }
    // HEAD is answered as GET; Node leaves the body out.
    if (req.method === "GET" || req.method === "HEAD")
      return getStatements(req, res, client, url, headers);
    if (req.method !== "POST" && req.method !== "PUT") {
      return send(
        res,
        405,
        { error: "GET, HEAD, POST or PUT" },
        { ...headers, allow: "GET, HEAD, POST, PUT" },
      );
    }
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") {
      return send(
        res,
        type.startsWith("multipart/") ? 400 : 415,
        { error: "Send statements as application/json; attachment content is not accepted." },
        headers,
      );
    }
    const statementId = url.searchParams.get("statementId");
    if (req.method === "PUT" && (!statementId || !UUID.test(statementId))) {
      return send(
        res,
        400,
        { error: "PUT needs a statementId query parameter (a UUID)." },
        headers,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req, limits.maxBodyBytes));
    } catch (error) {
      if (error instanceof TooLarge) {
        res.setHeader("connection", "close");
        return send(
          res,
          413,
          { error: `Requests may be at most ${limits.maxBodyBytes} bytes.` },
          headers,
        );
      }
      return send(res, 400, { error: "The body is not valid JSON." }, headers);
    }
    const result = await statements.store(client, body, {
      ...(req.method === "PUT" ? { statementId: statementId! } : {}),
      version,
      homePage: `${url.protocol}//${req.headers.host ?? "localhost"}/xapi`,
    });
    if (!result.ok) return send(res, result.status, { error: result.reason }, headers);
    if (req.method === "PUT") return send(res, 204, undefined, headers);
    return send(res, 200, result.ids, headers);
  }

  async function getStatements(
    req: IncomingMessage,
    res: ServerResponse,
    client: XapiClient,
    url: URL,
    versionHeaders: Record<string, string>,
  ): Promise<void> {
    // Every answer to a GET says up to when stored statements are in it, errors included.
    const headers = {
      ...versionHeaders,
      "x-experience-api-consistent-through": deps.clock.now().toISOString(),
    };
    const params = url.searchParams;
    const id = params.get("statementId");
    const voidedId = params.get("voidedStatementId");
    const attachments = params.get("attachments") === "true";
    const languages = acceptedLanguages(req.headers["accept-language"]);
    if (id === null && voidedId === null) {
      const parsed = parseQuery(params);
      if (!parsed.ok) return send(res, 400, { error: parsed.reason }, headers);
      const page = await queryStatements(deps.db, deps.clock, client.workspaceId, parsed.query);
      const next = new URLSearchParams(params);
      next.set("page", page.next ?? "");
      const result = {
        statements: page.statements.map((s) => formatStatement(s, parsed.query.format, languages)),
        more: page.next ? `/xapi/statements?${next}` : "",
      };
      return sendStatements(res, result, attachments, headers);
    }
    const extra = [...params.keys()].filter(
      (k) => !["statementId", "voidedStatementId", "format", "attachments"].includes(k),
    );
    if ((id !== null && voidedId !== null) || extra.length > 0) {
      return send(
        res,
        400,
        {
          error: "With statementId or voidedStatementId, only format and attachments may be given.",
        },
        headers,
      );
    }
    const format = params.get("format") ?? "exact";
    if (format !== "exact" && format !== "ids" && format !== "canonical")
      return send(res, 400, { error: "format is exact, ids or canonical." }, headers);
    const wanted = (id ?? voidedId)!;
    if (!UUID.test(wanted)) return send(res, 400, { error: "That id is not a UUID." }, headers);
    const found = await statements.get(client.workspaceId, wanted, voidedId !== null);
    if (found === undefined) return send(res, 404, { error: "No such statement." }, headers);
    // Last-Modified says when the statement was stored.
    const stored = new Date(String((found as { stored?: unknown }).stored));
    const modified: Record<string, string> = Number.isNaN(stored.getTime())
      ? {}
      : { "last-modified": stored.toUTCString() };
    return sendStatements(res, formatStatement(found, format, languages), attachments, {
      ...headers,
      ...modified,
    });
  }
}

/**
 * A GET's answer: JSON, or with attachments=true the multipart/mixed form xAPI asks for, whose
 * only part is the JSON (Stackup keeps no attachment content).
 */
function sendStatements(
  res: ServerResponse,
  body: unknown,
  multipart: boolean,
  headers: Record<string, string>,
): void {
  if (!multipart) {
    send(res, 200, body, headers);
    return;
  }
  const boundary = `stackup-${randomUUID()}`;
  const text = `--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(body)}\r\n--${boundary}--\r\n`;
  res.writeHead(200, { ...headers, "content-type": `multipart/mixed; boundary=${boundary}` });
  res.end(text);
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}
