import type { Kysely } from "kysely";
import type { NodeHandler } from "../adapters/platform.ts";
import { slackPlatform } from "../adapters/slack/platform.ts";
import { teamsPlatform } from "../adapters/teams/platform.ts";
import type { Config } from "../src/config.ts";
import type { Database } from "../src/db/types.ts";
import type { Logger } from "../src/log.ts";
import { type Clock, OffsetClock } from "../src/time/clock.ts";
import { seedDemo } from "./demo.ts";
import { addPlaygroundPeople } from "./people.ts";
import { playgroundHandler } from "./server.ts";
import { SlackStandIn } from "./slack/standin.ts";

/** The playground: a pretend Slack in the browser, played to the real Slack adapter. */
export interface Playground {
  /** The service's config with Slack pointed at the stand-in. */
  config: Config;
  /** The page, its API and the stand-in's Web API, under /playground. */
  handler: NodeHandler;
  /** Badges the playground hosts live on this machine, which badge checks otherwise refuse. */
  allowRanges: string[];
  /** Seeds the sample organisation. */
  seedDemo(): Promise<{ people: number; teams: number; created: boolean }>;
}

/** Served when Slack isn't configured, by a process that takes requests and runs the jobs. */
export function playgroundWanted(config: Config, servesAndWorks: boolean): boolean {
  // With any real platform connected, moving the playground's clock would send real people
  // check-ins and digests: the playground is for a Stackup connected to nothing.
  const connected = slackPlatform.isConfigured(config) || teamsPlatform.isConfigured(config);
  return servesAndWorks && config.playground !== "off" && !connected;
}

export function createPlayground(options: {
  config: Config;
  serviceUrl: string;
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  /** Runs the jobs due at the clock's new time (started after the playground). */
  runDue: () => Promise<void>;
}): Playground {
  const { config, serviceUrl, db, clock, logger } = options;
  if (!(clock instanceof OffsetClock)) throw new Error("The playground needs an OffsetClock.");
  const standin = new SlackStandIn({
    baseUrl: `${serviceUrl}/playground/slack`,
    eventsUrl: `${serviceUrl}/slack/events`,
  });
  addPlaygroundPeople(standin);
  const allowRanges = ["127.0.0.1/32"];
  logger.info({ allowRanges }, "playground: badge checks may reach this machine");
  logger.info({ url: `${serviceUrl}/playground` }, "playground: try Stackup in the browser");
  return {
    config: {
      ...config,
      slack: {
        signingSecret: standin.signingSecret,
        botToken: "xoxb-playground",
        appToken: undefined,
        apiUrl: standin.apiUrl,
      },
    },
    handler: playgroundHandler({
      standin,
      clock,
      runDue: options.runDue,
      seedDemo: () => seedDemo(db, standin, clock),
    }),
    allowRanges,
    seedDemo: () => seedDemo(db, standin, clock),
  };
}
