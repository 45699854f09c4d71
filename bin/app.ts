import { createSlackApp, isSlackConfigured, type SlackApp } from "../adapters/slack/app.ts";
import { createMessengerClient, createSlackMessenger } from "../adapters/slack/messenger.ts";
import { createJobQueue, type RunningJobs, startJobs } from "../jobs/registry.ts";
import { createCore } from "../src/commands/router.ts";
import type { Config } from "../src/config.ts";
import { MessengerRouter } from "../src/delivery/router.ts";
import type { Logger } from "../src/log.ts";
import { type Clock, systemClock } from "../src/time/clock.ts";
import { type Database, openDatabase, openQueues, type Queues } from "./runtime.ts";
import { type HttpServer, type RouteHandler, startHttpServer } from "./server.ts";

export type Role = "all" | "web" | "worker";

export interface RunningApp {
  http: HttpServer | undefined;
  database: Database;
  queues: Queues;
  slack: SlackApp | undefined;
  messenger: MessengerRouter;
  stop(): Promise<void>;
}

/** Wires the core, adapters and jobs together for one process role. */
export async function startApp(options: {
  config: Config;
  logger: Logger;
  role: Role;
  clock?: Clock;
}): Promise<RunningApp> {
  const { config, logger, role } = options;
  const clock = options.clock ?? systemClock;
  const database = await openDatabase(config, logger);
  let queues: Queues | undefined;
  let slack: SlackApp | undefined;
  let http: HttpServer | undefined;
  let jobs: RunningJobs | undefined;
  const messenger = new MessengerRouter(database.db);
  try {
    queues = await openQueues(config, logger);
    const jobQueue = createJobQueue(queues.backend);
    const core = createCore({ db: database.db, clock, jobs: jobQueue });

    if (isSlackConfigured(config)) {
      const db = database.db;
      messenger.register(
        "slack",
        createSlackMessenger(createMessengerClient(config, logger), async (userId) => {
          const user = await db
            .selectFrom("users")
            .where("id", "=", userId)
            .select("platform_user_id")
            .executeTakeFirstOrThrow();
          return user.platform_user_id;
        }),
      );
    }

    if (role !== "web") {
      jobs = await startJobs({
        db: database.db,
        clock,
        backend: queues.backend,
        messenger,
        logger,
      });
    }

    if (role !== "worker") {
      const handlers: RouteHandler[] = [];
      if (isSlackConfigured(config)) {
        slack = await createSlackApp({ core, config, logger });
        if (slack.handle) handlers.push(slack.handle);
        await slack.start();
        logger.info({ mode: slack.mode }, "Slack is connected");
      } else {
        logger.warn(
          "Slack is off. Set SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP, /slack/events) or SLACK_APP_TOKEN (Socket Mode) to connect it.",
        );
      }
      const q = queues;
      http = await startHttpServer({
        port: config.port,
        readiness: { database: () => database.ping(), queue: () => q.backend.ping() },
        handlers,
      });
      logger.info({ url: http.url }, "listening");
    }
  } catch (error) {
    await http?.close().catch(() => undefined);
    await jobs?.stop().catch(() => undefined);
    await slack?.stop().catch(() => undefined);
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
    slack,
    messenger,
    async stop() {
      await http?.close();
      await running?.stop();
      await slack?.stop().catch(() => undefined);
      await q.close();
      await database.close();
    },
  };
}
