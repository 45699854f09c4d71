import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type Activity,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type Request,
  type Response,
  type TurnContext,
} from "botbuilder";
import type { Kysely } from "kysely";
import type { Core } from "../../src/commands/core.ts";
import type { Config } from "../../src/config.ts";
import type { Database } from "../../src/db/types.ts";
import { destinationLocales } from "../../src/domain/users/locales.ts";
import { resolveLocale } from "../../src/i18n/index.ts";
import { explainFailure, sorryMessage } from "../../src/messages/unavailable.ts";
import type { Messenger } from "../../src/ports.ts";
import { type Clock, systemClock } from "../../src/time/clock.ts";
import type { NodeHandler } from "../platform.ts";
import { clientLocale } from "./actor.ts";
import { StackupTeamsBot } from "./bot.ts";
import { renderActivity } from "./cards.ts";
import { FileOfferStore } from "./file-offers.ts";
import { createFileDownloader } from "./files.ts";
import { ImageStore, imageHandler } from "./images.ts";
import { TeamsInstalls } from "./installs.ts";
import { type AdapterLogger, describeError } from "./logging.ts";
import { createTeamsMessenger } from "./messenger.ts";
import { isTeamsConfigured } from "./platform.ts";
import { ConversationReferenceStore } from "./references.ts";
import { MICROSOFT_KEYS_URL, remoteKeys } from "./sso.ts";
import { tabHandler } from "./tab.ts";
import { createFileUploader } from "./upload.ts";

/** Where the Bot Framework posts activities, as the Azure Bot resource's messaging endpoint. */
export const TEAMS_MESSAGES_PATH = "/api/messages";

/** Bot Framework activities are small; anything bigger is not one. */
const MAX_BODY_BYTES = 1_000_000;

export interface TeamsApp {
  adapter: CloudAdapter;
  bot: StackupTeamsBot;
  /** The handler for POST /api/messages, to mount on the service's HTTP server. */
  handle: NodeHandler;
  /** Serves the images cards link to (GET /teams/images/…). */
  images: NodeHandler;
  /** The personal Home tab, when there is an app id and a PUBLIC_URL for Teams SSO. */
  tab: NodeHandler | undefined;
  messenger: Messenger;
  /** True when activities are accepted without a Bot Framework token. */
  unauthenticated: boolean;
}

export interface TeamsAppOptions {
  core: Core;
  db: Kysely<Database>;
  config: Pick<Config, "teams" | "verification">;
  logger: AdapterLogger;
  /** When uninstalls happen; the system clock unless given. */
  clock?: Clock;
}

/**
 * The options ConfigurationBotFrameworkAuthentication reads, from our config rather than from
 * process.env. Without an app id botbuilder checks no tokens and fetches none.
 */
function authOptions(
  config: Pick<Config, "teams">,
): ConfigurationBotFrameworkAuthenticationOptions {
  const teams = config.teams;
  if (!teams?.appId) return {} as ConfigurationBotFrameworkAuthenticationOptions;
  return {
    MicrosoftAppId: teams.appId,
    MicrosoftAppType: teams.appType,
    ...(teams.appPassword ? { MicrosoftAppPassword: teams.appPassword } : {}),
    ...(teams.tenantId ? { MicrosoftAppTenantId: teams.tenantId } : {}),
  } as ConfigurationBotFrameworkAuthenticationOptions;
}

/** The note for a failure nothing else caught, in the client's language. */
function apology(activity: Partial<Activity>, error: unknown): Partial<Activity> {
  const locale = clientLocale(activity) ?? undefined;
  return renderActivity(explainFailure(error, locale) ?? sorryMessage(locale));
}

/**
 * Authentication whose connector clients send each request once. botbuilder builds its clients
 * on an Azure pipeline that sleeps through Retry-After on a 429; a background send must instead
 * fail at once with the delay, so the job queue can reschedule it without holding a worker.
 */
class WithoutRetries extends ConfigurationBotFrameworkAuthentication {
  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    const inner = super.createConnectorFactory(claimsIdentity);
    return {
      async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        const client = await inner.create(serviceUrl, audience);
        // The retry phase holds the Azure pipeline's retry and throttling policies.
        const pipeline = (client as unknown as { client?: { pipeline?: AzurePipeline } }).client
          ?.pipeline;
        if (!pipeline) throw new Error("botbuilder's connector client has changed shape");
        pipeline.removePolicy({ phase: "Retry" });
        return client;
      },
    };
  }
}

type ClaimsIdentity = Parameters<
  ConfigurationBotFrameworkAuthentication["createConnectorFactory"]
>[0];
type ConnectorFactory = ReturnType<
  ConfigurationBotFrameworkAuthentication["createConnectorFactory"]
>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory["create"]>>;

interface AzurePipeline {
  removePolicy(options: { phase: string }): unknown;
}

/** Says who let /api/messages take unsigned activities: the variable, or the playground. */
function warnUnauthenticated(config: Pick<Config, "teams">, logger: AdapterLogger): void {
  if (config.teams?.unauthenticatedFor === "playground") {
    logger.info(
      { path: TEAMS_MESSAGES_PATH },
      "playground: /api/messages accepts activities without a Bot Framework token, as the playground's Teams view sends them from its own Bot Connector stand-in on this machine",
    );
    return;
  }
  logger.warn(
    { path: TEAMS_MESSAGES_PATH },
    "TEAMS_ALLOW_UNAUTHENTICATED=true: /api/messages accepts activities WITHOUT checking who sent them. Use this only on a local machine or in tests, never where the internet can reach it.",
  );
}

export function createTeamsApp(options: TeamsAppOptions): TeamsApp {
  const { core, db, config, logger } = options;
  if (!isTeamsConfigured(config)) {
    throw new Error(
      "Teams needs MicrosoftAppId, or TEAMS_ALLOW_UNAUTHENTICATED=true for local use.",
    );
  }
  const appId = config.teams?.appId ?? "";
  const unauthenticated = !appId;
  if (unauthenticated) warnUnauthenticated(config, logger);
  const adapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication(authOptions(config)),
  );
  // Background sends get an adapter of their own that never waits out a 429 itself: the job
  // queue decides when to try again, as with Slack.
  const proactive = new CloudAdapter(new WithoutRetries(authOptions(config)));
  const store = new ConversationReferenceStore(db);
  // Attached files are fetched under the badge-link rules, with the same development allowances.
  const allowRanges = config.verification?.allowRanges ?? [];
  const download = createFileDownloader({ allowRanges });
  // Accepted files go to the person's OneDrive under the same rules.
  const upload = createFileUploader({ allowRanges });
  const offers = new FileOfferStore(db);
  const installs = new TeamsInstalls(db, options.clock ?? systemClock);
  const bot = new StackupTeamsBot({
    core,
    store,
    logger,
    appId,
    download,
    offers,
    upload,
    installs,
  });
  const imageStore = new ImageStore(db);

  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: describeError(error) }, "Unhandled Teams error");
    try {
      await context.sendActivity(apology(context.activity, error));
    } catch (sendError) {
      logger.warn(
        { err: describeError(sendError) },
        "Could not tell the Teams user that something went wrong",
      );
    }
  };

  const handle: NodeHandler = (req, res, next) => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "POST" || path !== TEAMS_MESSAGES_PATH) {
      next();
      return;
    }
    void serve(adapter, bot, req, res, logger);
  };

  return {
    adapter,
    bot,
    handle,
    tab: tabFor(options),
    images: imageHandler(imageStore, (error) =>
      logger.error({ err: describeError(error) }, "Could not serve a Teams card image"),
    ),
    messenger: createTeamsMessenger({
      adapter: proactive,
      appId,
      store,
      offers,
      images: { store: imageStore, publicUrl: config.teams?.publicUrl },
      localeOf: async (to) => resolveLocale(...(await destinationLocales(db, to))),
    }),
    unauthenticated,
  };
}

/** Teams SSO needs the app id (the token's audience) and the public address the tab is at. */
function tabFor({ core, config, logger }: TeamsAppOptions): NodeHandler | undefined {
  const teams = config.teams;
  if (!teams?.appId || !teams.publicUrl) return undefined;
  const keys = remoteKeys(teams.ssoKeysUrl ?? MICROSOFT_KEYS_URL);
  const sso = { appId: teams.appId, publicUrl: teams.publicUrl, tenantId: teams.tenantId, keys };
  return tabHandler({ core, sso, logger });
}

async function readJson(
  req: IncomingMessage,
): Promise<Record<string, unknown> | "too large" | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return "too large";
    chunks.push(chunk as Buffer);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    return parsed && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The express-like response CloudAdapter writes to, over a plain Node response. */
function responseFor(res: ServerResponse): Response {
  return {
    socket: res.socket,
    status(code: number) {
      res.statusCode = code;
    },
    header(name: string, value: unknown) {
      res.setHeader(name, String(value));
    },
    send(body: unknown) {
      if (body === undefined) return;
      if (typeof body === "string" || Buffer.isBuffer(body)) {
        if (!res.hasHeader("content-type"))
          res.setHeader("content-type", "text/plain; charset=utf-8");
        res.write(body);
      } else {
        res.setHeader("content-type", "application/json");
        res.write(JSON.stringify(body));
      }
    },
    end() {
      if (!res.writableEnded) res.end();
    },
  };
}

async function serve(
  adapter: CloudAdapter,
  bot: StackupTeamsBot,
  req: IncomingMessage,
  res: ServerResponse,
  logger: AdapterLogger,
): Promise<void> {
  try {
    const body = await readJson(req);
    if (body === "too large" || body === undefined) {
      res.writeHead(body === "too large" ? 413 : 400, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ error: body === "too large" ? "too large" : "not a JSON activity" }),
      );
      return;
    }
    const request: Request = { body, headers: req.headers, method: req.method ?? "POST" };
    await adapter.process(request, responseFor(res), (context) => bot.run(context));
  } catch (error) {
    logger.error({ err: describeError(error) }, "Teams request failed");
    if (!res.headersSent) res.writeHead(500);
    if (!res.writableEnded) res.end();
  }
}
