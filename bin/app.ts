import {
  createSlackApp,
  isAddToSlack,
  isSlackConfigured,
  SLACK_INSTALL_PATH,
  type SlackApp,
} from "../adapters/slack/app.ts";
import { installationTokens, SlackInstallations } from "../adapters/slack/installations.ts";
import { createMessengerClient, createSlackMessenger } from "../adapters/slack/messenger.ts";
import { TokenCipher } from "../adapters/slack/token-cipher.ts";
import { createTeamsApp, isTeamsConfigured } from "../adapters/teams/app.ts";
import { createXapiHandler } from "../adapters/xapi/http.ts";
import { createJobQueue, jobModules, type RunningJobs, startJobs } from "../jobs/registry.ts";
import { configureVerificationJobs } from "../jobs/verification/index.ts";
import { seedDemo } from "../playground/demo.ts";
import { addPlaygroundPeople } from "../playground/people.ts";
import { playgroundHandler } from "../playground/server.ts";
import { SlackStandIn } from "../playground/slack/standin.ts";
import { createCore } from "../src/commands/router.ts";
import type { Config } from "../src/config.ts";
import { MessengerRouter, platformUserIds, workspaceExternalIds } from "../src/delivery/router.ts";
import type { Logger } from "../src/log.ts";
import { type Clock, OffsetClock } from "../src/time/clock.ts";
import { type Database, openDatabase, openQueues, type Queues } from "./runtime.ts";
import { type HttpServer, type RouteHandler, startHttpServer } from "./server.ts";

export type Role = "all" | "web" | "worker";

export interface RunningApp {
  http: HttpServer | undefined;
  database: Database;
  queues: Queues;
  slack: SlackApp | undefined;
  messenger: MessengerRouter;
  clock: Clock;
  /** The scheduled work this process runs (none in the web role). */
  jobs: RunningJobs | undefined;
  stop(): Promise<void>;
}

/** Wires the core, adapters and jobs together for one process role. */
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
  let queues: Queues | undefined;
  let slack: SlackApp | undefined;
  let http: HttpServer | undefined;
  let jobs: RunningJobs | undefined;
  const messenger = new MessengerRouter(database.db);
  try {
    queues = await openQueues(config, logger);
    const jobQueue = createJobQueue(queues.backend);
    const core = createCore({
      db: database.db,
      clock,
      jobs: jobQueue,
      admins: config.admins ?? [],
    });

    const httpHandlers: RouteHandler[] = [];
    if (role !== "worker") {
      const q = queues;
      http = await startHttpServer({
        port: config.port,
        readiness: { database: () => database.ping(), queue: () => q.backend.ping() },
        handlers: httpHandlers,
      });
    }

    // Without Slack credentials the playground plays Slack's part for the real Slack adapter.
    let slackConfig = config;
    let standin: SlackStandIn | undefined;
    if (!isSlackConfigured(config) && config.playground !== "off" && role === "all" && http) {
      standin = new SlackStandIn({
        baseUrl: `${http.url}/playground/slack`,
        eventsUrl: `${http.url}/slack/events`,
      });
      addPlaygroundPeople(standin);
      slackConfig = {
        ...config,
        slack: {
          signingSecret: standin.signingSecret,
          botToken: "xoxb-playground",
          appToken: undefined,
          apiUrl: standin.apiUrl,
        },
      };
    }

    // Add to Slack: one installation per workspace, its bot token stored encrypted.
    let installations: SlackInstallations | undefined;
    if (isAddToSlack(slackConfig)) {
      const { tokenKey, stateSecret, clientId, clientSecret, apiUrl } = slackConfig.slack;
      installations = new SlackInstallations(
        database.db,
        new TokenCipher(
          tokenKey ?? stateSecret ?? "",
          tokenKey && tokenKey !== stateSecret ? "STACKUP_SECRET_KEY" : "SLACK_STATE_SECRET",
        ),
        () => clock.now().getTime(),
        // Token rotation: expiring bot tokens are refreshed with the app's credentials.
        { clientId: clientId!, clientSecret: clientSecret!, apiUrl, logger },
      );
      await installations.checkKey();
    }

    if (isSlackConfigured(slackConfig)) {
      messenger.register(
        "slack",
        createSlackMessenger(
          createMessengerClient(slackConfig, logger),
          platformUserIds(database.db),
          installations
            ? { tokens: installationTokens(installations, workspaceExternalIds(database.db)) }
            : {},
        ),
      );
    }

    // Teams: one adapter serves /api/messages and sends proactively for the jobs.
    const teams = isTeamsConfigured(config)
      ? createTeamsApp({ core, db: database.db, config, logger })
      : undefined;
    if (teams) messenger.register("teams", teams.messenger);

    if (role !== "web") {
      const allowRanges = [...(config.verification?.allowRanges ?? [])];
      if (standin) {
        // Badges the playground hosts live on this machine, which badge checks otherwise refuse.
        allowRanges.push("127.0.0.1/32");
        logger.info({ allowRanges }, "playground: badge checks may reach this machine");
      }
      jobs = await startJobs(
        { db: database.db, clock, backend: queues.backend, messenger, logger },
        configureVerificationJobs(
          jobModules({
            // The Slack messenger finds a check-in whose sender died before recording it.
            checkins: { lookup: messenger, nudgesPerWeek: config.checkinNudgesPerWeek ?? 2 },
          }),
          { allowRanges },
        ),
      );
    }

    if (http) {
      if (standin) {
        const running = jobs;
        const playgroundStandin = standin;
        httpHandlers.push(
          playgroundHandler({
            standin,
            clock: playgroundClock(clock),
            runDue: async () => {
              await running?.runDue?.();
            },
            seedDemo: () => seedDemo(database.db, playgroundStandin, clock),
          }),
        );
        if (options.demo) {
          const seeded = await seedDemo(database.db, standin, clock);
          logger.info(seeded, "demo organisation ready");
        }
        logger.info({ url: `${http.url}/playground` }, "playground: try Stackup in the browser");
      }
      if (teams) httpHandlers.push(teams.handle);
      httpHandlers.push(createXapiHandler({ db: database.db, clock, logger }));
      if (isSlackConfigured(slackConfig)) {
        slack = await createSlackApp({
          core,
          config: slackConfig,
          logger,
          ...(installations ? { installations } : {}),
        });
        if (slack.handle) httpHandlers.push(slack.handle);
        await slack.start();
        if (installations) {
          logger.info(
            { mode: slack.mode, install: `${http.url}${SLACK_INSTALL_PATH}` },
            "Slack is connected with Add to Slack: workspaces install Stackup from the install page",
          );
        } else {
          logger.info(
            { mode: slack.mode },
            standin ? "Slack is played by the playground" : "Slack is connected",
          );
        }
      } else {
        logger.warn(
          "Slack is off. Set SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP, /slack/events) or SLACK_APP_TOKEN (Socket Mode) to connect one workspace, or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET and SLACK_SIGNING_SECRET for Add to Slack.",
        );
      }
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
    clock,
    jobs: running,
    async stop() {
      await http?.close();
      await running?.stop();
      await slack?.stop().catch(() => undefined);
      await q.close();
      await database.close();
    },
  };
}

/** The playground moves time only on a clock that can move. */
function playgroundClock(clock: Clock): OffsetClock {
  if (clock instanceof OffsetClock) return clock;
  throw new Error("The playground needs an OffsetClock.");
}
