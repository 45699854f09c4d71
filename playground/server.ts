import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DateTime } from "luxon";
import type { OffsetClock } from "../src/time/clock.ts";
import { PICKER_LOCALES } from "./language.ts";
import { learningCall, type PlaygroundLearning } from "./learning.ts";
import { BodyTooLargeError, readBody, type SlackStandIn } from "./slack/standin.ts";
import { teamsCall } from "./teams/calls.ts";
import type { TeamsStandIn } from "./teams/standin.ts";

const PAGE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "page");
const ASSETS: Record<string, string> = {
  "index.html": "text/html; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "blocks.js": "text/javascript; charset=utf-8",
  "cards.js": "text/javascript; charset=utf-8",
  "teams.js": "text/javascript; charset=utf-8",
  "style.css": "text/css; charset=utf-8",
};

/** Browser builds of the libraries the Teams view draws cards with, served from the install. */
const VENDOR: Record<string, { pkg: string; file: string }> = {
  "adaptivecards.js": { pkg: "adaptivecards", file: "dist/adaptivecards.min.js" },
  "markdown-it.js": { pkg: "markdown-it", file: "dist/browser/markdown-it.umd.min.js" },
};
const requireFrom = createRequire(import.meta.url);

export interface PlaygroundOptions {
  standin: SlackStandIn;
  clock: OffsetClock;
  /** Runs the jobs that are due at the clock's new time. */
  runDue: () => Promise<void>;
  /** Seeds the sample organisation; absent when that isn't available. */
  seedDemo?: () => Promise<{ people: number }>;
  /**
   * Why the clock may not move (data other than the playground's own is in the database, whose
   * check-ins and digests it would run), or null when it may.
   */
  clockLocked?: () => Promise<string | null>;
  /** The pretend Credly and the xAPI statement form. */
  learning?: PlaygroundLearning;
  /** Switches a person's Slack language (empty: none); false when there is no such person. */
  switchLanguage?: (user: string, locale: string) => Promise<boolean>;
  /** The pretend Teams tenant and its Bot Connector, for the Teams view. */
  teams?: TeamsStandIn;
}

const MAX_SHARED_FILE_BYTES = 10_000_000;
/** The page's calls are a few hundred bytes; a shared file comes base64-encoded in its JSON. */
const MAX_API_BYTES = 64 * 1024;
const MAX_FILE_CALL_BYTES = Math.ceil(MAX_SHARED_FILE_BYTES / 3) * 4 + MAX_API_BYTES;

const tooLarge = (route: string) =>
  route === "file"
    ? "That file is too large for the playground (at most 10 MB)."
    : "That request is too large for the playground.";

type Handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

/** The next Monday 09:00 in a time zone, strictly after `now`. */
export function nextMondayNine(now: Date, zone: string): Date {
  let t = DateTime.fromJSDate(now, { zone }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 });
  while (t.weekday !== 1 || t.toMillis() <= now.getTime()) t = t.plus({ days: 1 });
  return t.toJSDate();
}

type Call = (
  options: PlaygroundOptions,
  user: string,
  body: Record<string, unknown>,
  res: ServerResponse,
) => Promise<void>;

/** The page's calls, by route: each plays one thing a person does in Slack. */
const CALLS: Record<string, Call> = {
  async command({ standin }, user, body, res) {
    const text = String(body.text ?? "").replace(/^\/learn\s*/, "");
    const result = await standin.slash(user, text, body.channel ? String(body.channel) : undefined);
    json(res, 200, { status: result.status });
  },
  async click({ standin }, user, body, res) {
    const result = await standin.click({
      user,
      actionId: String(body.actionId),
      value: String(body.value ?? ""),
      ...(body.channel && body.ts
        ? { message: { channel: String(body.channel), ts: String(body.ts) } }
        : {}),
    });
    json(res, 200, { status: result.status });
  },
  async submit({ standin }, user, body, res) {
    const result = await standin.submit(
      user,
      String(body.viewId),
      (body.values ?? {}) as Record<string, string>,
    );
    const ack = result.body ? JSON.parse(result.body) : {};
    json(res, 200, { status: result.status, errors: ack.errors ?? null });
  },
  async file({ standin }, user, body, res) {
    // The page sends the file base64-encoded; Slack itself takes far larger files than a badge.
    const data = Buffer.from(String(body.data ?? ""), "base64");
    if (data.length > MAX_SHARED_FILE_BYTES) {
      return json(res, 413, { error: "That file is too large for the playground." });
    }
    const result = await standin.shareFile(user, {
      name: String(body.name || "file"),
      mimetype: String(body.mimetype || "application/octet-stream"),
      data,
    });
    json(res, 200, { status: result.status });
  },
  async close({ standin }, _user, body, res) {
    standin.closeModal(String(body.viewId));
    json(res, 200, { ok: true });
  },
  async home({ standin }, user, _body, res) {
    const result = await standin.openHome(user);
    json(res, 200, { status: result.status });
  },
  clock: (options, user, body, res) => moveClock(options, res, user, body),
  async languages(_options, _user, _body, res) {
    json(res, 200, { locales: PICKER_LOCALES });
  },
  async language({ switchLanguage }, user, body, res) {
    if (!switchLanguage) return json(res, 501, { error: "The language picker isn't available." });
    const locale = String(body.locale ?? "");
    if (!(await switchLanguage(user, locale)))
      return json(res, 404, { error: "There's nobody by that id in the playground." });
    json(res, 200, { locale: locale || null });
  },
  async demo(options, _user, _body, res) {
    if (!options.seedDemo)
      return json(res, 501, { error: "The demo organisation isn't available." });
    json(res, 200, await options.seedDemo());
  },
};

/** One call of the page's JSON API. */
async function api(
  options: PlaygroundOptions,
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
) {
  const { standin, clock, teams } = options;
  if (req.method === "GET" && (route === "state" || route === "teams/state")) {
    const user = new URL(req.url ?? "/", "http://playground").searchParams.get("user") ?? "";
    const seen = route === "state" || !teams ? standin.snapshot(user) : teams.snapshot(user);
    return json(res, 200, { ...seen, now: clock.now().toISOString() });
  }
  if (req.method !== "POST") return json(res, 405, { error: "POST only" });
  const body = await readCall(req, res, route);
  if (!body) return;
  const user = String(body.user ?? "");
  const call = Object.hasOwn(CALLS, route) ? CALLS[route] : undefined;
  if (call) return call(options, user, body, res);
  if (teams && route.startsWith("teams/")) return teamsCall(teams, route, user, body, res);
  if (options.learning && route.startsWith("learning")) {
    return learningCall(options.learning, route, user, body, res);
  }
  return json(res, 404, { error: "unknown playground call" });
}

/** Serves the page, its JSON API and the Slack stand-in under /playground. */
export function playgroundHandler(options: PlaygroundOptions): Handler {
  const { standin } = options;
  return (req, res, next) => {
    const pathname = (req.url ?? "/").split("?")[0] ?? "/";
    if (pathname === "/playground" || pathname === "/playground/") {
      void serveAsset(res, "index.html");
      return;
    }
    if (!pathname.startsWith("/playground/")) return next();
    const rest = pathname.slice("/playground".length);
    if (rest.startsWith("/slack/")) {
      void standin.handle(req, res, rest.slice("/slack".length)).catch((error: Error) => {
        if (error instanceof BodyTooLargeError) {
          res.setHeader("connection", "close");
          return json(res, 413, { ok: false, error: "request_too_large" });
        }
        json(res, 500, { ok: false, error: error.message });
      });
      return;
    }
    if (rest.startsWith("/teams/") && options.teams) {
      void options.teams.handle(req, res, rest.slice("/teams".length)).catch((error: Error) => {
        json(res, error instanceof BodyTooLargeError ? 413 : 400, {
          error: { code: "BadArgument", message: error.message },
        });
      });
      return;
    }
    if (rest.startsWith("/credly/") && options.learning) {
      options.learning.serveCredly(res, rest.slice("/credly".length));
      return;
    }
    if (rest.startsWith("/api/")) {
      void api(options, req, res, rest.slice("/api/".length)).catch((error: Error) => {
        json(res, 400, { error: error.message });
      });
      return;
    }
    if (rest.startsWith("/assets/")) {
      void serveAsset(res, rest.slice("/assets/".length));
      return;
    }
    next();
  };
}

/** A call's JSON body, or undefined once a too-large one has been answered with 413. */
async function readCall(
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
): Promise<Record<string, unknown> | undefined> {
  let raw: Buffer;
  try {
    raw = await readBody(req, route === "file" ? MAX_FILE_CALL_BYTES : MAX_API_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    res.setHeader("connection", "close");
    json(res, 413, { error: tooLarge(route) });
    return undefined;
  }
  return JSON.parse(raw.toString("utf8") || "{}") as Record<string, unknown>;
}

/** Moves the clock forward (never back) and runs what falls due, unless it is locked. */
async function moveClock(
  options: PlaygroundOptions,
  res: ServerResponse,
  user: string,
  body: Record<string, unknown>,
) {
  const { clock, standin } = options;
  const locked = await options.clockLocked?.();
  if (locked) return json(res, 409, { error: locked, now: clock.now().toISOString() });
  const zone = standin.users.get(user)?.tz ?? "UTC";
  const target =
    body.to === "next-monday-0900"
      ? nextMondayNine(clock.now(), zone)
      : new Date(clock.now().getTime() + Number(body.hours ?? 0) * 3_600_000);
  clock.advanceTo(target);
  await options.runDue();
  return json(res, 200, { now: clock.now().toISOString() });
}

async function serveAsset(res: ServerResponse, name: string) {
  const vendorName = name.slice("vendor/".length);
  const vendor =
    name.startsWith("vendor/") && Object.hasOwn(VENDOR, vendorName)
      ? VENDOR[vendorName]
      : undefined;
  if (vendor) {
    const root = path.dirname(requireFrom.resolve(`${vendor.pkg}/package.json`));
    const data = await readFile(path.join(root, vendor.file));
    res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
    return res.end(data);
  }
  const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!type) return json(res, 404, { error: "not found" });
  const data = await readFile(path.join(PAGE_DIR, name));
  res.writeHead(200, { "content-type": type, "cache-control": "no-store" });
  res.end(data);
}
