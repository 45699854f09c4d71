import { App, HTTPReceiver, type Receiver, type webApi } from "@slack/bolt";
import type { Core } from "../../src/commands/core.ts";
import type { Config } from "../../src/config.ts";
import type { NodeHandler } from "../platform.ts";
import { interactiveClientOptions } from "./client-options.ts";
import { fileOrigins } from "./files.ts";
import { browserLanguage, installPage, installResultPage, pageLanguage } from "./install-pages.ts";
import { type ListenerInstallations, registerListeners } from "./listeners/index.ts";
import type { Handling } from "./listeners/work.ts";
import { type AdapterLogger, boltLogger, describeError } from "./logging.ts";
import { WorkQueue, type WorkQueueOptions } from "./work-queue.ts";

/** Everything the manifest must declare; test/slack/manifest.test.ts holds the two in step. */
export { SLACK_COMMANDS } from "./command.ts";
export const SLACK_EVENTS = [
  "app_home_opened",
  "message.im",
  "app_uninstalled",
  "tokens_revoked",
  "user_change",
] as const;
export const SLACK_SCOPES = [
  "commands",
  "chat:write",
  "im:write",
  "users:read",
  "users:read.email",
  "files:write",
  "im:history",
  "files:read",
] as const;
/** One URL for commands, events and interactivity, as manifest.yml declares. */
export const SLACK_EVENTS_PATH = "/slack/events";
/** Add to Slack: the page with the install link, and where Slack sends the installer back. */
export const SLACK_INSTALL_PATH = "/slack/install";
export const SLACK_OAUTH_REDIRECT_PATH = "/slack/oauth_redirect";

export interface SlackApp {
  bolt: App;
  mode: "http" | "socket" | "custom";
  /**
   * HTTP mode: the handler for POST /slack/events, to mount on the service's own HTTP server
   * next to /healthz, /readyz and /api/messages. Undefined in Socket Mode.
   */
  handle: NodeHandler | undefined;
  /** The work after acks, for metrics and tests. */
  queue: WorkQueue;
  /** Socket Mode opens its WebSocket here; HTTP mode has nothing to start. */
  start(): Promise<void>;
  /** Stops Socket Mode and waits for the queued work after acks to finish. */
  stop(): Promise<void>;
}

export interface SlackAppOptions {
  core: Core;
  config: Pick<Config, "slack" | "logLevel">;
  logger: AdapterLogger;
  /** Replaces the default receiver (Bolt's HTTPReceiver, or Socket Mode). */
  receiver?: Receiver;
  /** Add to Slack: where installations are kept; required when the config has a client id. */
  installations?: ListenerInstallations;
  /** The work after acks: how much at once and how much may wait (defaults for a service). */
  work?: Partial<WorkQueueOptions>;
  /** Milliseconds since the epoch, for the age of queued replies (the system clock unless set). */
  now?: () => number;
  /** Hands commands' work to the command thread (see Handling.handOff). */
  handOff?: Handling["handOff"];
}

/** Add to Slack (OAuth v2): many workspaces, each with its own bot token, over HTTP. */
export function isAddToSlack(config: Pick<Config, "slack">): boolean {
  const { clientId, clientSecret, stateSecret, signingSecret } = config.slack;
  return Boolean(clientId && clientSecret && stateSecret && signingSecret);
}

export function isSlackConfigured(config: Pick<Config, "slack">): boolean {
  const { botToken, signingSecret, appToken } = config.slack;
  return Boolean(botToken && (signingSecret || appToken)) || isAddToSlack(config);
}

/** Slack's authorize page sits beside its Web API (https://slack.com/oauth/v2/authorize). */
export function authorizeUrl(apiUrl: string | undefined): string {
  return new URL("../oauth/v2/authorize", apiUrl ?? "https://slack.com/api/").toString();
}

/**
 * Initialised after the listeners are registered; no conversation store, as Stackup keeps no
 * per-conversation state in Bolt and the default in-memory one is read on every request.
 */
const BOLT_OPTIONS = { deferInitialization: true, convoStore: false } as const;

/**
 * Builds the Bolt app and checks the bot token with auth.test, so a bad token fails at start-up.
 *
 * HTTP mode uses Bolt's default receiver, HTTPReceiver, without its server: the service owns the one
 * HTTP server and hands Slack's paths to the receiver's request listener, so Slack need not be
 * configured for the server to run and every other path stays the service's. It is the receiver a
 * bare Bolt app has (signature check, body parsing, ack); ExpressReceiver added Express's router
 * and body parsers to every request's ack.
 */
export async function createSlackApp(options: SlackAppOptions): Promise<SlackApp> {
  const { config, logger } = options;
  const { botToken, signingSecret, appToken } = config.slack;
  const log = boltLogger(logger, config.logLevel);
  const clientOptions = interactiveClientOptions(config);
  if (isAddToSlack(config) && !options.receiver) {
    return createAddToSlackApp(options, log, clientOptions);
  }
  if (!botToken || (!signingSecret && !appToken && !options.receiver)) {
    throw new Error(
      "Slack needs SLACK_BOT_TOKEN plus SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode).",
    );
  }

  let bolt: App;
  let mode: SlackApp["mode"];
  let handle: NodeHandler | undefined;
  if (options.receiver) {
    mode = "custom";
    bolt = new App({
      token: botToken,
      receiver: options.receiver,
      logger: log,
      clientOptions,
      ...BOLT_OPTIONS,
    });
    if (options.receiver instanceof HTTPReceiver) handle = mountable(options.receiver);
  } else if (appToken) {
    mode = "socket";
    bolt = new App({
      token: botToken,
      appToken,
      socketMode: true,
      logger: log,
      clientOptions,
      ...BOLT_OPTIONS,
    });
  } else {
    mode = "http";
    const receiver = new HTTPReceiver({
      signingSecret: signingSecret!,
      endpoints: SLACK_EVENTS_PATH,
      // Ack sends the HTTP response at once; the work continues after it (a long-running server).
      processBeforeResponse: false,
      logger: log,
    });
    bolt = new App({
      token: botToken,
      receiver,
      logger: log,
      clientOptions,
      ...BOLT_OPTIONS,
    });
    handle = mountable(receiver);
  }

  const h = handling(options);
  registerListeners(bolt, h, fileOrigins(config.slack.apiUrl), undefined);
  await bolt.init();

  return {
    bolt,
    mode,
    handle,
    queue: h.queue,
    async start() {
      if (mode === "socket") await bolt.start();
    },
    async stop() {
      if (mode === "socket") await bolt.stop();
      await h.queue.onIdle();
    },
  };
}

/**
 * Add to Slack: the OAuth routes on the receiver, and every request authorized with the
 * token stored for its workspace (Bolt's authorize over the installation store). No token is
 * checked at start-up: there is none until a workspace installs the app.
 */
async function createAddToSlackApp(
  options: SlackAppOptions,
  log: ReturnType<typeof boltLogger>,
  clientOptions: webApi.WebClientOptions,
): Promise<SlackApp> {
  const { config, logger, installations } = options;
  const { clientId, clientSecret, stateSecret, signingSecret, apiUrl } = config.slack;
  if (!installations) throw new Error("Add to Slack needs an installation store.");
  const receiver = new HTTPReceiver({
    signingSecret: signingSecret!,
    endpoints: SLACK_EVENTS_PATH,
    processBeforeResponse: false,
    logger: log,
    clientId: clientId!,
    clientSecret: clientSecret!,
    stateSecret: stateSecret!,
    scopes: [...SLACK_SCOPES],
    installationStore: installations,
    installerOptions: {
      installPath: SLACK_INSTALL_PATH,
      redirectUriPath: SLACK_OAUTH_REDIRECT_PATH,
      authorizationUrl: authorizeUrl(apiUrl),
      // The token exchange goes where the Web API is (a stand-in in tests), retried briefly.
      clientOptions,
      renderHtmlForInstallPath: installPage,
      callbackOptions: {
        success: (installation, _options, req, res) => {
          logger.info(
            {
              team: installation.team?.id,
              enterprise: installation.enterprise?.id,
              installer: installation.user.id,
            },
            "Stackup was installed in a Slack workspace",
          );
          installResultPage(req, res, { ok: true, teamId: installation.team?.id });
        },
        failure: (error, _options, req, res) => {
          logger.warn({ err: describeError(error) }, "A Slack installation did not complete");
          installResultPage(req, res, { ok: false, code: error.code });
        },
      },
    },
  });
  const bolt = new App({ receiver, logger: log, clientOptions, ...BOLT_OPTIONS });
  noteEnterprises(bolt, installations, logger);
  const h = handling(options);
  registerListeners(bolt, h, fileOrigins(apiUrl), installations);
  await bolt.init();
  return {
    bolt,
    mode: "http",
    handle: mountable(receiver, true),
    queue: h.queue,
    async start() {},
    async stop() {
      await h.queue.onIdle();
    },
  };
}

/**
 * Enterprise Grid: which organisation each workspace is in (Bolt reads it from the body's
 * enterprise_id, enterprise.id or authorizations), so messages Stackup sends there later can use
 * the organisation's org-wide install.
 */
function noteEnterprises(bolt: App, installations: ListenerInstallations, logger: AdapterLogger) {
  const noteEnterprise = installations.noteEnterprise?.bind(installations);
  if (!noteEnterprise) return;
  bolt.use(async ({ context, next }) => {
    const { teamId, enterpriseId } = context;
    if (teamId && enterpriseId) {
      try {
        await noteEnterprise(teamId, enterpriseId);
      } catch (error) {
        logger.warn(
          { team: teamId, enterprise: enterpriseId, err: describeError(error) },
          "Could not record a Slack workspace's organisation",
        );
      }
    }
    await next();
  });
}

function handling(options: SlackAppOptions): Handling {
  return {
    core: options.core,
    logger: options.logger,
    queue: new WorkQueue(options.work),
    now: options.now ?? Date.now,
    handOff: options.handOff,
  };
}

function mountable(receiver: HTTPReceiver, oauth = false): NodeHandler {
  const listener = receiver.requestListener;
  return (req, res, next) => {
    const path = (req.url ?? "").split("?")[0];
    // Only Slack's paths reach the receiver, which throws on any other (its way of passing on).
    if (req.method === "POST" && path === SLACK_EVENTS_PATH) listener(req, res);
    else if (
      oauth &&
      req.method === "GET" &&
      (path === SLACK_INSTALL_PATH || path === SLACK_OAUTH_REDIRECT_PATH)
    ) {
      pageLanguage.run(browserLanguage(req), () => listener(req, res));
    } else next();
  };
}
