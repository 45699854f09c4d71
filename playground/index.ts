import type { Kysely } from "kysely";
import type { NodeHandler } from "../adapters/platform.ts";
import { slackPlatform } from "../adapters/slack/platform.ts";
import { teamsPlatform } from "../adapters/teams/platform.ts";
import type { Config } from "../src/config.ts";
import type { Database } from "../src/db/types.ts";
import type { Logger } from "../src/log.ts";
import { type Clock, OffsetClock } from "../src/time/clock.ts";
import { addDemoPeople, SLACK_DEMO, seedDemo, TEAMS_DEMO } from "./demo.ts";
import { switchLanguage } from "./language.ts";
import { PlaygroundLearning } from "./learning.ts";
import { addPlaygroundPeople } from "./people.ts";
import { playgroundHandler } from "./server.ts";
import { SlackStandIn, TEAM_ID } from "./slack/standin.ts";
import { grantInstallerAdmin } from "./teams/admin.ts";
import { TENANT_ID, TeamsStandIn } from "./teams/standin.ts";

/**
 * The playground: a pretend Slack and a pretend Teams in the browser, played to the real Slack
 * and Teams adapters.
 */
export interface Playground {
  /** The service's config with Slack and Teams pointed at the stand-ins. */
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
  [
    { platform: "slack", externalId: TEAM_ID },
    { platform: "teams", externalId: TENANT_ID },
  ];

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

/** Where the playground is, what it may reach, and who can reach it. */
function announce(
  logger: Logger,
  config: Config,
  at: { allowRanges: string[]; url: string },
): void {
  logger.info({ allowRanges: at.allowRanges }, "playground: badge checks may reach this machine");
  logger.info({ url: at.url }, "playground: try Stackup in the browser");
  if (config.playground !== "on") {
    logger.info(
      "playground: only this machine can reach it; PLAYGROUND=on serves it to the network",
    );
  } else {
    logger.warn("playground: PLAYGROUND=on, anyone who reaches this port can use it, no sign-in");
  }
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
  const teams = new TeamsStandIn({
    baseUrl: `${serviceUrl}/playground/teams`,
    messagesUrl: `${serviceUrl}/api/messages`,
    users: () => standin.users.values(),
    now: () => clock.now(),
    // The admin who adds the app to the team is the tenant's admin in Stackup too.
    installed: (installer) => grantInstallerAdmin(db, installer, clock.now()),
  });
  const seed = async () => {
    addDemoPeople(standin);
    const slack = await seedDemo(db, SLACK_DEMO, clock);
    const inTeams = await seedDemo(db, TEAMS_DEMO, clock);
    // As an admin's setup policy would: everyone's personal chat, so check-ins reach them.
    await teams.installForEveryone();
    return { ...slack, created: slack.created || inTeams.created };
  };
  const learning = new PlaygroundLearning({ serviceUrl, db, clock, runDue: options.runDue });
  const allowRanges = ["127.0.0.1/32"];
  announce(logger, config, { allowRanges, url: `${serviceUrl}/playground` });
  return {
    config: {
      ...config,
      slack: {
        signingSecret: standin.signingSecret,
        botToken: "xoxb-playground",
        appToken: undefined,
        apiUrl: standin.apiUrl,
      },
      // The Teams stand-in signs nothing, as the Teams tests' connector: /api/messages takes
      // activities without a Bot Framework token, which is why the playground keeps to loopback.
      teams: {
        appId: undefined,
        appPassword: undefined,
        appType: "MultiTenant",
        tenantId: undefined,
        allowUnauthenticated: true,
        unauthenticatedFor: "playground",
      },
    },
    handler: playgroundHandler({
      standin,
      clock,
      runDue: options.runDue,
      seedDemo: seed,
      clockLocked: () => clockLocked(db),
      learning,
      switchLanguage: (user, locale) => switchLanguage(standin, db, user, locale),
      teams,
    }),
    allowRanges,
    seedDemo: seed,
    credlyHosts: learning.credlyHosts,
  };
}
