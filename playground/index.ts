import type { Kysely } from "kysely";
import type { NodeHandler } from "../adapters/platform.ts";
import { slackPlatform } from "../adapters/slack/platform.ts";
import { teamsPlatform } from "../adapters/teams/platform.ts";
import type { Config } from "../src/config.ts";
import type { Database } from "../src/db/types.ts";
import type { Logger } from "../src/log.ts";
import { type Clock, OffsetClock } from "../src/time/clock.ts";
import { seedDemo } from "./demo.ts";
import { PlaygroundLearning } from "./learning.ts";
import { addPlaygroundPeople } from "./people.ts";
import { playgroundHandler } from "./server.ts";
import { SlackStandIn, TEAM_ID } from "./slack/standin.ts";

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
  /** The pretend Credly the Credly jobs read instead of credly.com. */
  credlyHosts: { web: string };
}

/** The workspaces the playground makes: its clock moves only while they are all there is. */
export const PLAYGROUND_WORKSPACES: readonly { platform: "slack" | "teams"; externalId: string }[] =
  [{ platform: "slack", externalId: TEAM_ID }];

/** Served when no platform is configured, by a process that takes requests and runs the jobs. */
export function playgroundWanted(config: Config, servesAndWorks: boolean): boolean {
  // With any real platform connected, moving the playground's clock would send real people
  // check-ins and digests: the playground is for a Stackup connected to nothing.
  const connected = slackPlatform.isConfigured(config) || teamsPlatform.isConfigured(config);
  return servesAndWorks && config.playground !== "off" && !connected;
}

/**
 * The address to listen on when the playground is served: it answers anyone who reaches it, with
 * no sign-in, so only this machine unless PLAYGROUND=on says otherwise. Undefined: every address.
 */
export function playgroundHost(config: Config): string | undefined {
  return config.playground === "on" ? undefined : "127.0.0.1";
}

/** Why the playground's clock may not move: workspaces other than its own are in the database. */
async function clockLocked(db: Kysely<Database>): Promise<string | null> {
  const other = await db
    .selectFrom("workspaces")
    .select("id")
    .where((eb) =>
      eb.not(
        eb.or(
          PLAYGROUND_WORKSPACES.map((w) =>
            eb.and([eb("platform", "=", w.platform), eb("external_id", "=", w.externalId)]),
          ),
        ),
      ),
    )
    .limit(1)
    .executeTakeFirst();
  return other
    ? "The clock only moves while the database holds nothing but the playground's own workspace: " +
        "this one has others, whose check-ins and digests it would run."
    : null;
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
  const learning = new PlaygroundLearning({ serviceUrl, db, clock, runDue: options.runDue });
  const allowRanges = ["127.0.0.1/32"];
  logger.info({ allowRanges }, "playground: badge checks may reach this machine");
  logger.info({ url: `${serviceUrl}/playground` }, "playground: try Stackup in the browser");
  if (config.playground !== "on") {
    logger.info(
      "playground: only this machine can reach it; PLAYGROUND=on serves it to the network",
    );
  } else {
    logger.warn("playground: PLAYGROUND=on, anyone who reaches this port can use it, no sign-in");
  }
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
      clockLocked: () => clockLocked(db),
      learning,
    }),
    allowRanges,
    seedDemo: () => seedDemo(db, standin, clock),
    credlyHosts: learning.credlyHosts,
  };
}
