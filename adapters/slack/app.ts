import {
  App,
  ExpressReceiver,
  type InstallationStore,
  type Receiver,
  type webApi,
} from "@slack/bolt";
import type { Actor, Core, FormResult } from "../../src/commands/core.ts";
import type { Config } from "../../src/config.ts";
import type { Message, Reply } from "../../src/messages/model.ts";
import { explainFailure } from "../../src/messages/unavailable.ts";
import type { NodeHandler } from "../platform.ts";
import { slackActor } from "./actor.ts";
import {
  actionFromId,
  decodeMetadata,
  readFormValues,
  renderForm,
  renderHome,
  type SubmittedState,
} from "./blocks.ts";
import { SLASH_COMMAND } from "./command.ts";
import { downloadSlackFile, fileOrigins, type SlackFile } from "./files.ts";
import { installPage, installResultPage } from "./install-pages.ts";
import type { SlackInstallations } from "./installations.ts";
import { type AdapterLogger, boltLogger, describeError } from "./logging.ts";
import { truncatePlain } from "./mrkdwn.ts";
import { deliverReply, type ReplyContext, SORRY } from "./replies.ts";

/** Everything the manifest must declare; test/slack/manifest.test.ts holds the two in step. */
export const SLACK_COMMANDS = [SLASH_COMMAND] as const;
export const SLACK_EVENTS = [
  "app_home_opened",
  "message.im",
  "app_uninstalled",
  "tokens_revoked",
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

/** Slack closes a modal it has not heard back about within 3 s; answer before then. */
const SUBMIT_DEADLINE_MS = 2_500;

export interface SlackApp {
  bolt: App;
  mode: "http" | "socket" | "custom";
  /**
   * HTTP mode: the handler for POST /slack/events, to mount on the service's own HTTP server
   * next to /healthz, /readyz and /api/messages. Undefined in Socket Mode.
   */
  handle: NodeHandler | undefined;
  /** Socket Mode opens its WebSocket here; HTTP mode has nothing to start. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface SlackAppOptions {
  core: Core;
  config: Pick<Config, "slack" | "logLevel">;
  logger: AdapterLogger;
  /** Replaces the default receiver (ExpressReceiver over HTTP, or Socket Mode). */
  receiver?: Receiver;
  /** Add to Slack: where installations are kept; required when the config has a client id. */
  installations?: InstallationStore &
    Required<Pick<InstallationStore, "deleteInstallation">> &
    Partial<Pick<SlackInstallations, "deleteInstallationBefore" | "noteEnterprise">>;
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

/** The Web API client options for interactive work: a user is waiting, so retry briefly only. */
function interactiveClientOptions(config: Pick<Config, "slack">): webApi.WebClientOptions {
  return {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1_000 },
  };
}

/**
 * Builds the Bolt app and checks the bot token with auth.test, so a bad token fails at start-up.
 *
 * HTTP mode uses ExpressReceiver rather than HTTPReceiver: its Express app can be called as
 * middleware with a `next`, so the service owns the one HTTP server and decides the other routes
 * (health checks, Teams) itself, and Slack need not be configured for the server to run.
 * HTTPReceiver would own the server and answer every unknown path with 404.
 */
export async function createSlackApp(options: SlackAppOptions): Promise<SlackApp> {
  const { core, config, logger } = options;
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
      deferInitialization: true,
    });
    if (options.receiver instanceof ExpressReceiver) handle = mountable(options.receiver);
  } else if (appToken) {
    mode = "socket";
    bolt = new App({
      token: botToken,
      appToken,
      socketMode: true,
      logger: log,
      clientOptions,
      deferInitialization: true,
    });
  } else {
    mode = "http";
    const receiver = new ExpressReceiver({
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
      deferInitialization: true,
    });
    handle = mountable(receiver);
  }

  registerListeners(bolt, core, logger, fileOrigins(config.slack.apiUrl), undefined);
  await bolt.init();

  return {
    bolt,
    mode,
    handle,
    async start() {
      if (mode === "socket") await bolt.start();
    },
    async stop() {
      if (mode === "socket") await bolt.stop();
    },
  };
}

/**
 * Add to Slack: the OAuth routes on the ExpressReceiver, and every request authorized with the
 * token stored for its workspace (Bolt's authorize over the installation store). No token is
 * checked at start-up: there is none until a workspace installs the app.
 */
async function createAddToSlackApp(
  options: SlackAppOptions,
  log: ReturnType<typeof boltLogger>,
  clientOptions: webApi.WebClientOptions,
): Promise<SlackApp> {
  const { core, config, logger, installations } = options;
  const { clientId, clientSecret, stateSecret, signingSecret, apiUrl } = config.slack;
  if (!installations) throw new Error("Add to Slack needs an installation store.");
  const receiver = new ExpressReceiver({
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
        success: (installation, _options, _req, res) => {
          logger.info(
            {
              team: installation.team?.id,
              enterprise: installation.enterprise?.id,
              installer: installation.user.id,
            },
            "Stackup was installed in a Slack workspace",
          );
          installResultPage(res, { ok: true, teamId: installation.team?.id });
        },
        failure: (error, _options, _req, res) => {
          logger.warn({ err: describeError(error) }, "A Slack installation did not complete");
          installResultPage(res, { ok: false, code: error.code });
        },
      },
    },
  });
  const bolt = new App({ receiver, logger: log, clientOptions, deferInitialization: true });
  const noteEnterprise = installations.noteEnterprise?.bind(installations);
  if (noteEnterprise) {
    // Enterprise Grid: which organisation each workspace is in (Bolt reads it from the body's
    // enterprise_id, enterprise.id or authorizations), so messages Stackup sends there later can
    // use the organisation's org-wide install.
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
  registerListeners(bolt, core, logger, fileOrigins(apiUrl), installations);
  await bolt.init();
  return {
    bolt,
    mode: "http",
    handle: mountable(receiver, true),
    async start() {},
    async stop() {},
  };
}

function mountable(receiver: ExpressReceiver, oauth = false): NodeHandler {
  const express = receiver.app as unknown as NodeHandler;
  return (req, res, next) => {
    const path = (req.url ?? "").split("?")[0];
    // Only Slack's paths go through Express, so other routes see untouched requests.
    if (req.method === "POST" && path === SLACK_EVENTS_PATH) express(req, res, next);
    else if (
      oauth &&
      req.method === "GET" &&
      (path === SLACK_INSTALL_PATH || path === SLACK_OAUTH_REDIRECT_PATH)
    ) {
      express(req, res, next);
    } else next();
  };
}

interface Handling {
  core: Core;
  logger: AdapterLogger;
}

/** Runs one interaction's work after the ack; a failure becomes a friendly note and a log line. */
async function work(h: Handling, ctx: ReplyContext, what: string, run: () => Promise<Reply>) {
  let reply: Reply;
  try {
    reply = await run();
  } catch (error) {
    h.logger.error(
      { err: describeError(error), what, slackUser: ctx.userId },
      "Slack interaction failed",
    );
    await apologise(h, ctx, error);
    return;
  }
  try {
    await deliverReply(ctx, reply);
  } catch (error) {
    h.logger.error(
      { err: describeError(error), what, reply: reply.kind },
      "Could not deliver a Slack reply",
    );
    await apologise(h, ctx);
  }
}

async function apologise(h: Handling, ctx: ReplyContext, error?: unknown) {
  try {
    await deliverReply(
      { ...ctx, source: { kind: "command" } },
      { kind: "message", message: explainFailure(error) ?? SORRY, visibility: "private" },
    );
  } catch (error) {
    h.logger.warn(
      { err: describeError(error) },
      "Could not tell the Slack user that something went wrong",
    );
  }
}

interface ButtonLike {
  action_id: string;
  value?: string;
  selected_option?: { value: string } | null;
  selected_date?: string | null;
}

/** A message event in the bot's DM (message.im), as far as the adapter reads it. */
interface DirectMessage {
  channel?: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  subtype?: string;
  files?: SlackFile[];
}

function registerListeners(
  bolt: App,
  core: Core,
  logger: AdapterLogger,
  origins: readonly string[],
  installations: SlackAppOptions["installations"],
) {
  const h: Handling = { core, logger };

  // Uninstalled, or the bot token revoked: forget the installation, so nothing more is sent there.
  const forget = async (
    why: string,
    context: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean },
    eventTime: number | undefined,
  ) => {
    const where = { team: context.teamId, enterprise: context.enterpriseId };
    if (!installations) {
      logger.warn(where, `Slack says ${why}: SLACK_BOT_TOKEN no longer works there`);
      return;
    }
    try {
      const query = {
        teamId: context.teamId,
        enterpriseId: context.enterpriseId,
        isEnterpriseInstall: context.isEnterpriseInstall === true,
      } as Parameters<typeof installations.deleteInstallation>[0];
      if (installations.deleteInstallationBefore && eventTime) {
        // event_time is in whole seconds: anything stored within that second counts as before.
        const removed = await installations.deleteInstallationBefore(
          query,
          new Date((eventTime + 1) * 1000),
        );
        logger.info(
          where,
          removed
            ? `Slack says ${why}: installation removed`
            : `Slack says ${why}, but Stackup was installed again since: kept`,
        );
        return;
      }
      await installations.deleteInstallation(query);
      logger.info(where, `Slack says ${why}: installation removed`);
    } catch (error) {
      logger.error(
        { ...where, err: describeError(error) },
        "Could not remove a Slack installation",
      );
    }
  };
  const eventTime = (body: unknown) => {
    const at = (body as { event_time?: unknown }).event_time;
    return typeof at === "number" && Number.isFinite(at) ? at : undefined;
  };
  bolt.event("app_uninstalled", async ({ context, body }) => {
    await forget("Stackup was uninstalled", context, eventTime(body));
  });
  bolt.event("tokens_revoked", async ({ event, context, body }) => {
    // Only the bot token matters: Stackup asks for no user tokens.
    if ((event.tokens.bot ?? []).length > 0) {
      await forget("the bot token was revoked", context, eventTime(body));
    }
  });

  for (const command of SLACK_COMMANDS) {
    bolt.command(command, async ({ command: cmd, ack, client }) => {
      await ack();
      const actor = slackActor(client, {
        teamId: cmd.team_id,
        teamName: cmd.team_domain,
        userId: cmd.user_id,
      });
      const ctx: ReplyContext = {
        client,
        userId: cmd.user_id,
        source: { kind: "command" },
        channelId: cmd.channel_id,
        responseUrl: cmd.response_url,
        triggerId: cmd.trigger_id,
      };
      await work(h, ctx, `command ${command}`, () => core.command(actor, cmd.text.trim()));
    });
  }

  bolt.action({ type: "block_actions" }, async ({ ack, body, action, client }) => {
    await ack();
    const clicked = action as ButtonLike;
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const actor = slackActor(client, { teamId, teamName: body.team?.domain, userId: body.user.id });
    const container = body.container as {
      type?: string;
      message_ts?: string;
      channel_id?: string;
      is_ephemeral?: boolean;
    };
    const viewType = body.view?.type;
    const source: ReplyContext["source"] =
      container.type === "message" && container.channel_id && container.message_ts
        ? {
            kind: "message",
            channelId: container.channel_id,
            ts: container.message_ts,
            ephemeral: Boolean(container.is_ephemeral),
          }
        : viewType === "home"
          ? { kind: "home" }
          : { kind: "modal" };
    const ctx: ReplyContext = {
      client,
      userId: body.user.id,
      source,
      channelId: body.channel?.id ?? container.channel_id,
      responseUrl: body.response_url,
      triggerId: body.trigger_id,
    };
    const value = clicked.value ?? clicked.selected_option?.value ?? clicked.selected_date ?? "";
    const name = actionFromId(clicked.action_id);
    await work(h, ctx, `action ${name}`, async () => {
      const reply = await core.action(actor, name, value);
      // The dashboard shows what the click changed, unless the reply redraws it anyway.
      if (source.kind === "home" && reply.kind !== "update") {
        await publishHome(h, client, actor, body.user.id);
      }
      return reply;
    });
  });

  bolt.view({ type: "view_submission" }, async ({ ack, body, view, client }) => {
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const actor = slackActor(client, { teamId, teamName: body.team?.domain, userId: body.user.id });
    const meta = decodeMetadata(view.private_metadata);
    const values = readFormValues(view.state as unknown as SubmittedState);
    const inputIds = view.blocks
      .filter((b) => b.type === "input" && b.block_id)
      .map((b) => b.block_id as string);
    const ctx: ReplyContext = {
      client,
      userId: body.user.id,
      source: { kind: "modal" },
      channelId: meta.channelId,
      responseUrl: meta.responseUrl,
      triggerId: (body as { trigger_id?: string }).trigger_id,
    };

    const pending = core.submit(actor, view.callback_id, meta.state, values);
    const first = await Promise.race([
      pending.then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      ),
      new Promise<"late">((resolve) => setTimeout(resolve, SUBMIT_DEADLINE_MS, "late").unref()),
    ]);

    if (first === "late") {
      // Close the modal now; the outcome arrives as a message when the core is done.
      await ack();
      await work(h, ctx, `submit ${view.callback_id}`, async () => lateReply(await pending));
      return;
    }
    if ("error" in first) {
      logger.error(
        { err: describeError(first.error), what: `submit ${view.callback_id}` },
        "Slack interaction failed",
      );
      const target = inputIds[0];
      if (target) await ack({ response_action: "errors", errors: { [target]: SORRY.summary } });
      else {
        await ack();
        await apologise(h, ctx);
      }
      return;
    }
    const result = first.result;
    if (!result.ok) {
      await ack({ response_action: "errors", errors: fieldErrors(result.errors, inputIds) });
      return;
    }
    const reply = result.reply;
    if (reply.kind === "form") {
      const origin = {
        ...(meta.channelId ? { channelId: meta.channelId } : {}),
        ...(meta.responseUrl ? { responseUrl: meta.responseUrl } : {}),
      };
      await ack({ response_action: "push", view: renderForm(reply.form, origin) });
      return;
    }
    await ack();
    await work(h, ctx, `submit ${view.callback_id}`, async () => reply);
  });

  bolt.event("app_home_opened", async ({ event, body, client }) => {
    if (event.tab !== "home") return;
    const teamId = (body as { team_id?: string }).team_id ?? "";
    const actor = slackActor(client, { teamId, userId: event.user });
    await publishHome(h, client, actor, event.user);
  });

  // A file shared in the bot's DM: a badge to check. Edits, deletions and the bot's own posts
  // arrive as message events too, and are not files someone just shared.
  bolt.event("message", async ({ event, body, client, context }) => {
    const m = event as DirectMessage;
    if (m.channel_type !== "im" || !m.channel || !m.user) return;
    if (m.bot_id || m.user === context.botUserId) return;
    if (m.subtype !== undefined && m.subtype !== "file_share") return;
    // One badge per message: each file would otherwise claim another completion.
    const shared = m.files?.find((f) => f.url_private_download && f.mode !== "tombstone");
    if (!shared?.url_private_download) return;
    const url = shared.url_private_download;
    const token = context.botToken ?? client.token ?? "";
    const teamId = (body as { team_id?: string }).team_id ?? "";
    const actor = slackActor(client, { teamId, userId: m.user });
    const ctx: ReplyContext = {
      client,
      userId: m.user,
      source: { kind: "command" },
      channelId: m.channel,
    };
    await work(h, ctx, "file", () =>
      core.file(actor, {
        name: shared.name ?? shared.title ?? "file",
        contentType: shared.mimetype ?? "application/octet-stream",
        size: shared.size ?? 0,
        bytes: (limit) => downloadSlackFile(url, token, limit, origins),
      }),
    );
  });

  bolt.error(async (error) => {
    logger.error({ err: describeError(error) }, "Unhandled Slack error");
  });
}

async function publishHome(h: Handling, client: webApi.WebClient, actor: Actor, userId: string) {
  let home: Message;
  try {
    home = await h.core.home(actor);
  } catch (error) {
    h.logger.error({ err: describeError(error), what: "home" }, "Slack interaction failed");
    home = explainFailure(error) ?? SORRY;
  }
  try {
    await client.views.publish({ user_id: userId, view: renderHome(home) });
  } catch (error) {
    h.logger.error(
      { err: describeError(error), what: "home" },
      "Could not publish the Slack home tab",
    );
  }
}

/** After the modal has closed, errors can only be told as a message. */
function lateReply(result: FormResult): Reply {
  if (result.ok) return result.reply.kind === "form" ? { kind: "none" } : result.reply;
  const lines = Object.values(result.errors);
  return {
    kind: "message",
    visibility: "private",
    message: {
      summary: "Your form was not saved.",
      blocks: [{ type: "text", text: ["Your form was not saved:\n", lines.join("\n")] }],
    },
  };
}

/** Slack rejects errors for unknown block ids, so strays go to the first input. */
function fieldErrors(errors: Record<string, string>, inputIds: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const strays: string[] = [];
  for (const [id, message] of Object.entries(errors)) {
    if (inputIds.includes(id)) out[id] = truncatePlain(message, 150);
    else strays.push(message);
  }
  const first = inputIds[0];
  if (strays.length > 0 && first) {
    out[first] = truncatePlain([out[first], ...strays].filter(Boolean).join(" "), 150);
  }
  return out;
}
