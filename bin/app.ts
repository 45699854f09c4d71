import { PLATFORMS } from "../adapters/index.ts";
import type { RunningPlatform } from "../adapters/platform.ts";
import { isAddToSlack, SLACK_INSTALL_PATH } from "../adapters/slack/app.ts";
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
import { createCore } from "../src/commands/router.ts";
import type { Config } from "../src/config.ts";
import { MessengerRouter } from "../src/delivery/router.ts";
import type { Logger } from "../src/log.ts";
import { countCommands, metrics, type QueueCounts } from "../src/metrics.ts";
import { type Clock, OffsetClock } from "../src/time/clock.ts";
import { DASHBOARD_PATH, dashboardHandler } from "./dashboard.ts";
import type { HomeLink } from "./home.ts";
import { privacyPageHandler } from "./privacy-page.ts";
import { type Database, openDatabase, openQueues, type Queues } from "./runtime.ts";
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
  /**
   * Stops taking new work and ends. `drainMs` lets HTTP requests in flight finish for up to that
   * long (jobs in flight always finish); without it open connections are cut at once.
   */
  stop(options?: { drainMs?: number }): Promise<void>;
}

/** Wires the core, the configured platforms and the jobs together for one process role. */
export async function startApp(options: {
  config: Config;
  logger: Logger;
  role: Role;
  clock?: Clock;
  /** Seed the playground's sample organisation at start-up. */
  demo?: boolean;
}): Promise<RunningApp> {
  const { config, logger, role } = options;
  // An OffsetClock is real time until the playground moves it forward.
  const clock = options.clock ?? new OffsetClock();
  const database = await openDatabase(config, logger);
  const db = database.db;
  let queues: Queues | undefined;
  let http: HttpServer | undefined;
  let jobs: RunningJobs | undefined;
  const platforms: RunningPlatform[] = [];
  const messenger = new MessengerRouter(db);
  const unwatch: (() => void)[] = [];
  try {
    queues = await openQueues(config, logger);
    const core = countCommands(
      createCore({
        db,
        clock,
        jobs: createJobQueue(queues.backend),
        admins: config.admins ?? [],
      }),
    );
    unwatch.push(metrics.watchPool(database.pool));
    if (role !== "web") unwatch.push(metrics.watchQueues(queueCounts(queues.backend)));

    // Every role serves /healthz, /readyz and /metrics; only web and all take platform requests.
    const httpHandlers: RouteHandler[] = [];
    const q = queues;
    const wantsPlayground = playgroundWanted(config, role === "all");
    if (config.playground === "on" && !wantsPlayground) {
      logger.warn("PLAYGROUND=on is ignored: the playground runs only with no platform configured");
    }
    http = await startHttpServer({
      port: config.port,
      ...(wantsPlayground ? { host: playgroundHost(config) } : {}),
      readiness: { database: () => database.ping(), queue: () => q.backend.ping() },
      handlers: httpHandlers,
    });
    if (config.dashboard) {
      httpHandlers.push(
        dashboardHandler({
          ...config.dashboard,
          queues: QUEUES.map((name) => q.backend.queue(name)),
        }),
      );
      logger.info({ url: `${http.url}${DASHBOARD_PATH}` }, "queue dashboard on");
    }
    const serviceUrl = role === "worker" ? undefined : http.url;

    // Without Slack credentials the playground plays Slack's part for the real Slack adapter.
    let playground: Playground | undefined;
    if (serviceUrl && wantsPlayground) {
      playground = createPlayground({
        config,
        serviceUrl,
        db,
        clock,
        logger,
        runDue: async () => {
          await jobs?.runDue?.();
        },
      });
      httpHandlers.push(playground.handler);
      http?.link({ title: "Playground", path: "/playground", about: "try Stackup in the browser" });
    }
    const platformConfig = playground?.config ?? config;

    for (const platform of PLATFORMS) {
      if (!platform.isConfigured(platformConfig)) {
        if (serviceUrl) logger.info(platform.howToConnect);
        continue;
      }
      const running = await platform.start({
        config: platformConfig,
        core,
        db,
        clock,
        logger,
        serviceUrl,
      });
      platforms.push(running);
      messenger.register(platform.name, running.messenger);
      if (serviceUrl) {
        httpHandlers.push(...running.handlers);
        if (running.handlers.length > 0 && !playground)
          http.link(frontPageLink(platform.name, config));
      }
    }
    if (serviceUrl) {
      httpHandlers.push(createXapiHandler({ db, clock, logger }));
      httpHandlers.push(privacyPageHandler(config.retentionDaysAfterUninstall ?? 30));
      http.link({
        title: "xAPI",
        path: "/xapi/about",
        about: "statements from a learning platform",
      });
    }

    if (role !== "web") {
      const allowRanges = [
        ...(config.verification?.allowRanges ?? []),
        ...(playground?.allowRanges ?? []),
      ];
      jobs = await startJobs(
        { db, clock, backend: queues.backend, messenger, logger },
        configureVerificationJobs(
          jobModules({
            // The Slack messenger finds a check-in whose sender died before recording it.
            checkins: { lookup: messenger, nudgesPerWeek: config.checkinNudgesPerWeek ?? 2 },
            ...(config.retentionDaysAfterUninstall
              ? { retentionDays: config.retentionDaysAfterUninstall }
              : {}),
          }),
          { allowRanges },
        ),
      );
    }

    if (playground && options.demo) {
      logger.info(await playground.seedDemo(), "demo organisation ready");
    }
    logger.info({ url: http.url }, "listening");
  } catch (error) {
    for (const stop of unwatch) stop();
    await http?.close().catch(() => undefined);
    await jobs?.stop().catch(() => undefined);
    await stopAll(platforms);
    await queues?.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }

  const q = queues;
  const running = jobs;
  return {
    http,
    database,
    queues: q,
    messenger,
    clock,
    jobs: running,
    async stop(options = {}) {
      for (const stop of unwatch) stop();
      // The worker stops taking jobs while the server stops taking requests.
      await Promise.all([http?.close(options.drainMs), running?.stop()]);
      await stopAll(platforms);
      await q.close();
      await database.close();
    },
  };
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
