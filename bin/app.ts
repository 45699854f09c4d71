import { PLATFORMS } from "../adapters/index.ts";
import type { RunningPlatform } from "../adapters/platform.ts";
import { isAddToSlack, isSlackConfigured, SLACK_INSTALL_PATH } from "../adapters/slack/app.ts";
import { apologiseForLost } from "../adapters/slack/command-work.ts";
import { createXapiHandler } from "../adapters/xapi/http.ts";
import type { QueueBackend } from "../jobs/backend.ts";
import { QUEUES } from "../jobs/catalogue.ts";
import { createJobQueue, jobModules, type RunningJobs, startJobs } from "../jobs/registry.ts";
import { configureVerificationJobs } from "../jobs/verification/index.ts";
import {
  createPlayground,
  type Playground,
  playgroundHost,
  playgroundWanted,
} from "../playground/index.ts";
import type { Core } from "../src/commands/core.ts";
import { createCore } from "../src/commands/router.ts";
import type { Config } from "../src/config.ts";
import { MessengerRouter } from "../src/delivery/router.ts";
import type { Logger } from "../src/log.ts";
import { countCommands, metrics, type QueueCounts } from "../src/metrics.ts";
import { type Clock, OffsetClock } from "../src/time/clock.ts";
import { CommandThread } from "./command-thread.ts";
import type { HomeLink } from "./home.ts";
import { privacyPageHandler } from "./privacy-page.ts";
import { type Database, openStores, type Queues } from "./runtime.ts";
import { type HttpServer, type RouteHandler, startHttpServer } from "./server.ts";

export type Role = "all" | "web" | "worker";

export interface RunningApp {
  http: HttpServer | undefined;
  database: Database;
  queues: Queues;
  messenger: MessengerRouter;
  clock: Clock;
  /** The scheduled work this process runs (none in the web role). */
  jobs: RunningJobs | undefined;
  /** Where slash commands are answered, when not beside the acks (see CommandThread). */
  commandThread: CommandThread | undefined;
  /**
   * Stops taking new work and ends. `drainMs` lets HTTP requests in flight finish for up to that
   * long (jobs in flight always finish); without it open connections are cut at once.
   */
  stop(options?: { drainMs?: number }): Promise<void>;
}

interface StartOptions {
  config: Config;
  logger: Logger;
  role: Role;
  clock?: Clock;
  /** Seed the playground's sample organisation at start-up. */
  demo?: boolean;
}

/** What a process has started so far, so a failed start stops exactly that. */
interface Parts {
  config: Config;
  logger: Logger;
  role: Role;
  clock: Clock;
  database: Database;
  messenger: MessengerRouter;
  queues?: Queues;
  http?: HttpServer;
  jobs?: RunningJobs;
  commandThread?: CommandThread;
  platforms: RunningPlatform[];
  /** Routes of the one HTTP server, mounted as each part starts. */
  handlers: RouteHandler[];
  unwatch: (() => void)[];
}

/** Wires the core, the configured platforms and the jobs together for one process role. */
export async function startApp(options: StartOptions): Promise<RunningApp> {
  const { config, logger, role } = options;
  const { database, queues } = await openStores(config, logger);
  const parts: Parts = {
    config,
    logger,
    role,
    // An OffsetClock is real time until the playground moves it forward.
    clock: options.clock ?? new OffsetClock(),
    database,
    messenger: new MessengerRouter(database.db),
    platforms: [],
    handlers: [],
    unwatch: [],
    queues,
  };
  try {
    const core = countCommands(
      createCore({
        db: database.db,
        clock: parts.clock,
        jobs: createJobQueue(queues.backend),
        admins: config.admins ?? [],
      }),
    );
    parts.unwatch.push(metrics.watchPool(database.pool));
    if (role !== "web") parts.unwatch.push(metrics.watchQueues(queueCounts(queues.backend)));
    const wantsPlayground = playgroundWanted(config, role === "all");
    if (config.playground === "on" && !wantsPlayground) {
      logger.warn("PLAYGROUND=on is ignored: the playground runs only with no platform configured");
    }
    const http = await serveHttp(parts, queues, wantsPlayground);
    const serviceUrl = role === "worker" ? undefined : http.url;
    // Without Slack credentials the playground plays Slack's part for the real Slack adapter.
    const playground =
      serviceUrl && wantsPlayground ? startPlayground(parts, http, serviceUrl) : undefined;
    if (serviceUrl && !playground && !options.clock) startCommandThread(parts, core);
    await startPlatforms(parts, core, serviceUrl, playground);
    if (serviceUrl) mountProtocols(parts, http);
    if (role !== "web") parts.jobs = await startWorker(parts, queues, playground);
    if (playground && options.demo) {
      logger.info(await playground.seedDemo(), "demo organisation ready");
    }
    logger.info({ url: http.url }, "listening");
    return running(parts, http, queues);
  } catch (error) {
    await stopParts(parts);
    throw error;
  }
}

function running(parts: Parts, http: HttpServer, queues: Queues): RunningApp {
  const { database, messenger, clock, jobs, platforms, unwatch, commandThread } = parts;
  return {
    http,
    database,
    queues,
    messenger,
    clock,
    jobs,
    commandThread,
    async stop(options = {}) {
      for (const stop of unwatch) stop();
      // The worker stops taking jobs while the server stops taking requests.
      await Promise.all([http.close(options.drainMs), jobs?.stop()]);
      await commandThread?.stop();
      await stopAll(platforms);
      await queues.close();
      await database.close();
    },
  };
}

/** After a failed start: stops what had started, quietly, newest first. */
async function stopParts(parts: Parts): Promise<void> {
  for (const stop of parts.unwatch) stop();
  await parts.http?.close().catch(() => undefined);
  await parts.jobs?.stop().catch(() => undefined);
  await parts.commandThread?.stop().catch(() => undefined);
  await stopAll(parts.platforms);
  await parts.queues?.close().catch(() => undefined);
  await parts.database.close().catch(() => undefined);
}

/** Every role serves /healthz, /readyz and /metrics; only web and all take platform requests. */
async function serveHttp(
  parts: Parts,
  queues: Queues,
  wantsPlayground: boolean,
): Promise<HttpServer> {
  const { config, database } = parts;
  const http = await startHttpServer({
    port: config.port,
    ...(wantsPlayground ? { host: playgroundHost(config) } : {}),
    readiness: { database: () => database.ping(), queue: () => queues.backend.ping() },
    handlers: parts.handlers,
  });
  parts.http = http;
  if (config.dashboard) {
    // Bull Board loaded only when asked for: an idle process need not hold it.
    const { DASHBOARD_PATH, dashboardHandler } = await import("./dashboard.ts");
    parts.handlers.push(
      dashboardHandler({
        ...config.dashboard,
        queues: QUEUES.map((name) => queues.backend.queue(name)),
      }),
    );
    parts.logger.info({ url: `${http.url}${DASHBOARD_PATH}` }, "queue dashboard on");
  }
  return http;
}

function startPlayground(parts: Parts, http: HttpServer, serviceUrl: string): Playground {
  const playground = createPlayground({
    config: parts.config,
    serviceUrl,
    db: parts.database.db,
    clock: parts.clock,
    logger: parts.logger,
    runDue: async () => {
      await parts.jobs?.runDue?.();
    },
  });
  parts.handlers.push(playground.handler);
  http.link({ title: "Playground", path: "/playground", about: "try Stackup in the browser" });
  return playground;
}

/**
 * Slash commands answered on a thread of their own, off the acks' event loop: with Slack taking
 * requests over PostgreSQL (the embedded one is one session, which a second thread cannot open)
 * on the system clock (the playground's clock moves on the main thread only).
 */
function startCommandThread(parts: Parts, core: Core): void {
  const { config, logger } = parts;
  if (config.commandThread === "off" || !config.databaseUrl || !isSlackConfigured(config)) return;
  parts.commandThread = new CommandThread({
    config,
    logger,
    lost: apologiseForLost(core, logger),
  });
}

/** Each configured platform: its Messenger registered and, when serving, its routes mounted. */
async function startPlatforms(
  parts: Parts,
  core: Core,
  serviceUrl: string | undefined,
  playground: Playground | undefined,
): Promise<void> {
  const { logger, http } = parts;
  const config = playground?.config ?? parts.config;
  for (const platform of PLATFORMS) {
    if (!platform.isConfigured(config)) {
      if (serviceUrl) logger.info(platform.howToConnect);
      continue;
    }
    const started = await platform.start({
      config,
      core,
      db: parts.database.db,
      clock: parts.clock,
      logger,
      serviceUrl,
      handOff: parts.commandThread?.handOff.bind(parts.commandThread),
    });
    parts.platforms.push(started);
    parts.messenger.register(platform.name, started.messenger);
    if (serviceUrl) {
      parts.handlers.push(...started.handlers);
      if (started.handlers.length > 0 && !playground)
        http?.link(frontPageLink(platform.name, parts.config));
    }
  }
}

/** The routes that are no platform's: xAPI statements and the privacy page. */
function mountProtocols(parts: Parts, http: HttpServer): void {
  const { database, clock, logger, config } = parts;
  parts.handlers.push(createXapiHandler({ db: database.db, clock, logger }));
  parts.handlers.push(privacyPageHandler(config.retentionDaysAfterUninstall ?? 30));
  http.link({ title: "xAPI", path: "/xapi/about", about: "statements from a learning platform" });
}

function startWorker(
  parts: Parts,
  queues: Queues,
  playground: Playground | undefined,
): Promise<RunningJobs> {
  const { config, messenger } = parts;
  const allowRanges = [
    ...(config.verification?.allowRanges ?? []),
    ...(playground?.allowRanges ?? []),
  ];
  return startJobs(
    {
      db: parts.database.db,
      clock: parts.clock,
      backend: queues.backend,
      messenger,
      logger: parts.logger,
    },
    configureVerificationJobs(
      jobModules({
        // The Slack messenger finds a check-in whose sender died before recording it.
        checkins: { lookup: messenger, nudgesPerWeek: config.checkinNudgesPerWeek ?? 2 },
        ...(config.retentionDaysAfterUninstall
          ? { retentionDays: config.retentionDaysAfterUninstall }
          : {}),
        // The playground's pretend Credly, on this machine.
        ...(playground ? { credly: { allowRanges, hosts: playground.credlyHosts } } : {}),
      }),
      { allowRanges },
    ),
  );
}

/** Where a platform's requests come in, for the front page. */
function frontPageLink(platform: string, config: Config): HomeLink {
  if (platform === "teams") {
    return { title: "Teams", path: "/api/messages", about: "the bot's messaging endpoint" };
  }
  return isAddToSlack(config)
    ? { title: "Add to Slack", path: SLACK_INSTALL_PATH, about: "install in a workspace" }
    : { title: "Slack", path: "/slack/events", about: "Slack's request URL" };
}

async function stopAll(platforms: RunningPlatform[]): Promise<void> {
  await Promise.all(platforms.map((p) => p.stop().catch(() => undefined)));
}

/** Job counts of every queue, read when /metrics is scraped. */
function queueCounts(backend: QueueBackend): () => Promise<QueueCounts[]> {
  const queues = QUEUES.map((name) => ({ name, queue: backend.queue(name) }));
  return () =>
    Promise.all(
      queues.map(async ({ name, queue }) => ({
        queue: name,
        counts: await queue.getJobCounts(
          "waiting",
          "active",
          "delayed",
          "prioritized",
          "waiting-children",
          "failed",
          "completed",
        ),
      })),
    );
}
