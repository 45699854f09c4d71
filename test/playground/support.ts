import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { type RunningApp, startApp } from "../../bin/app.ts";
import { startEmbeddedPostgres } from "../../src/db/embedded.ts";
import { createLogger } from "../../src/log.ts";
import { OffsetClock } from "../../src/time/clock.ts";
import { testConfig } from "../support/app.ts";
import { runningFrom } from "../support/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Where the browser tests leave their screenshots. */
export const SHOTS = path.resolve("test-output/playground");

/**
 * A PGlite cluster just as initdb leaves it, made once per PGlite version. initdb takes most of
 * the embedded start-up (seconds per cluster on a busy machine); a copy of its result is what the
 * app finds on its second start under the same DATA_DIR.
 */
async function pristineCluster(): Promise<string> {
  const pglite = path.resolve("node_modules/@electric-sql/pglite/package.json");
  const { version } = JSON.parse(readFileSync(pglite, "utf8")) as { version: string };
  const cache = path.resolve("node_modules/.cache/stackup");
  const cluster = path.join(cache, `pglite-${version}`);
  if (existsSync(path.join(cluster, "PG_VERSION"))) return cluster;
  mkdirSync(cache, { recursive: true });
  const building = mkdtempSync(path.join(cache, "building-"));
  try {
    const embedded = await startEmbeddedPostgres({ dataDir: building, name: "cluster" });
    await embedded.stop();
    try {
      renameSync(path.join(building, "cluster"), cluster);
    } catch (error) {
      // Another test file got there first; either copy is the same.
      if (!existsSync(path.join(cluster, "PG_VERSION"))) throw error;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return cluster;
}

/** A fresh DATA_DIR whose embedded clusters (the app's and the queues') are already initialised. */
async function freshDataDir(): Promise<string> {
  const cluster = await pristineCluster();
  const dir = mkdtempSync(path.join(tmpdir(), "stackup-playground-"));
  for (const name of ["app", "queue"]) {
    cpSync(cluster, path.join(dir, name), { recursive: true });
  }
  return dir;
}

/** One call of the page's JSON API, as the page makes it. */
export type PageApi = (
  route: string,
  body: Record<string, unknown>,
) => Promise<{ status: number; body: Record<string, unknown> }>;

function pageApi(playgroundUrl: string): PageApi {
  return async (route, body) => {
    const res = await fetch(`${playgroundUrl}/api/${route}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
}

/** The playground on the tests' PostgreSQL and Redis, in a schema of its own. */
export interface PlaygroundService {
  app: RunningApp;
  t: TestDatabase;
  /** The service's address. */
  base: string;
  api: PageApi;
  stop(): Promise<void>;
}

/**
 * The whole service with the playground on, as `npm start` serves it with no platform set up,
 * but on the tests' PostgreSQL and Redis. Its clock starts at `at` and runs at real speed.
 */
export async function startPlaygroundService(
  label: string,
  at: string,
): Promise<PlaygroundService> {
  const t = await createTestDatabase(label);
  let app: RunningApp;
  try {
    app = await startApp({
      config: { ...testConfig({ schema: t.schema }), playground: "auto" },
      logger: createLogger("silent"),
      role: "all",
      clock: new OffsetClock(runningFrom(at)),
    });
  } catch (error) {
    await t.drop();
    throw error;
  }
  const base = app.http!.url;
  return {
    app,
    t,
    base,
    api: pageApi(`${base}/playground`),
    async stop() {
      await app.stop();
      await t.drop();
    },
  };
}

export interface PlaygroundMessage {
  ts: string;
  text: string;
  blocks: unknown[];
}

/** The playground as a newcomer runs it, with calls to its page API. */
export interface DefaultPlayground {
  app: RunningApp;
  /** The playground page. */
  url: string;
  api: PageApi;
  /** The messages of the first channel `user` sees whose name matches `name` ("DM", "#data"). */
  channel(user: string, name: string | RegExp): Promise<PlaygroundMessage[]>;
  stop(): Promise<void>;
}

/**
 * Starts the whole service the way `npm start` does with nothing configured: no DATABASE_URL and
 * no REDIS_URL, so the data and the queues both live in an embedded PostgreSQL under a fresh
 * DATA_DIR (its clusters copied from one initdb, as after a first start). The clock starts at `at` and runs at real speed; `demo` seeds the sample organisation
 * as `--demo` does.
 */
export async function startDefaultPlayground(options: {
  at: string;
  demo?: boolean;
}): Promise<DefaultPlayground> {
  const dir = await freshDataDir();
  let app: RunningApp;
  try {
    app = await startApp({
      config: {
        ...testConfig({ schema: "unused" }),
        databaseSchema: undefined,
        databaseUrl: undefined,
        redisUrl: undefined,
        dataDir: dir,
        playground: "auto",
      },
      logger: createLogger("silent"),
      role: "all",
      clock: new OffsetClock(runningFrom(options.at)),
      ...(options.demo ? { demo: true } : {}),
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const base = `${app.http!.url}/playground`;
  return {
    app,
    url: base,
    api: pageApi(base),
    async channel(user, name) {
      const res = await fetch(`${base}/api/state?user=${encodeURIComponent(user)}`);
      const state = (await res.json()) as {
        channels: { name: string; messages: PlaygroundMessage[] }[];
      };
      return state.channels.find((c) => c.name.match(name))?.messages ?? [];
    },
    async stop() {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless and with nothing that reaches the network on its own. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium is missing at ${CHROMIUM}; .ci/run installs it.`);
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A page on the playground that may reach nothing but this machine. */
export async function openPlayground(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.route(/^(?!http:\/\/127\.0\.0\.1)/, (route) => route.abort());
  await page.goto(url);
  return page;
}
