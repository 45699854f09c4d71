import type { webApi } from "@slack/bolt";
import * as slackWebApi from "@slack/web-api";
import { type Dispatcher, Pool } from "undici";
import type { Config } from "../../src/config.ts";
import { DeliveryError, RateLimitedError } from "../../src/delivery/errors.ts";
import type { Message } from "../../src/messages/model.ts";
import type { Delivery, Destination, Messenger, SendOptions } from "../../src/ports.ts";
import { renderMessage, type SlackMessage } from "./blocks.ts";
import { type AdapterLogger, boltLogger } from "./logging.ts";

/** Slack said to slow down; the job queue should retry after `retryAfterMs`. */
export { RateLimitedError };

/** Slack refused or failed a delivery. `permanent` failures will fail the same way on retry. */
export class SlackDeliveryError extends DeliveryError {
  override readonly name = "SlackDeliveryError";
  constructor(method: string, code: string, permanent: boolean) {
    super("Slack", method, code, permanent);
  }
}

/** Errors that no retry can fix: the person, channel or message is gone or closed to the bot. */
const PERMANENT = new Set([
  "account_inactive",
  "user_not_found",
  "users_not_found",
  "user_disabled",
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "message_not_found",
  "cant_update_message",
  "edit_window_closed",
  "invalid_blocks",
  "invalid_auth",
  "not_authed",
  "token_revoked",
  "missing_scope",
  "restricted_action",
]);

/** Resolves our user id to the Slack user id stored for them. */
export type SlackUserLookup = (userId: number) => Promise<string>;

/**
 * The bot token of the workspace a destination belongs to (Add to Slack keeps one per workspace).
 * Throws a permanent SlackDeliveryError when Stackup is not installed there.
 */
export type SlackTokenLookup = (to: Destination) => Promise<string>;

/** Stackup is not (or no longer) installed in the destination's workspace. */
export function notInstalled(): SlackDeliveryError {
  return new SlackDeliveryError("installation", "not_installed", true);
}

/**
 * How long a Slack call may take before it is given up (it may still have arrived). Below half the
 * check-in lease, so a slow send can't outlive the claim it was made under.
 */
export const SLACK_TIMEOUT_MS = 20_000;

/**
 * A Web API client for background delivery: no retries of its own and rate limits rejected at
 * once, so the job queue decides when to try again.
 */
export function createMessengerClient(
  config: Pick<Config, "slack" | "logLevel">,
  logger: AdapterLogger,
): webApi.WebClient {
  // With Add to Slack there is no one token: each call names its workspace's.
  if (!config.slack.botToken && !config.slack.clientId) {
    throw new Error("The Slack messenger needs SLACK_BOT_TOKEN or Add to Slack.");
  }
  return new slackWebApi.WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: SLACK_TIMEOUT_MS,
    logger: boltLogger(logger, config.logLevel),
  });
}

function translate(method: string, error: unknown): Error {
  if (error instanceof slackWebApi.WebAPIRateLimitedError) {
    return new RateLimitedError("Slack", method, Math.max(error.retryAfter, 1) * 1000);
  }
  if (error instanceof slackWebApi.WebAPIPlatformError) {
    const code = String(error.data.error);
    return new SlackDeliveryError(method, code, PERMANENT.has(code));
  }
  if (error instanceof slackWebApi.WebAPIHTTPError) {
    return new SlackDeliveryError(method, `http_${error.statusCode}`, false);
  }
  if (error instanceof slackWebApi.WebAPIRequestError) {
    return new SlackDeliveryError(method, "request_failed", false);
  }
  return error instanceof Error ? error : new Error(String(error));
}

async function call<T>(method: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw translate(method, error);
  }
}

/** A delivered message's ref: "channel:ts", enough to update it later without a lookup. */
export function parseRef(ref: string): { channel: string; ts: string } {
  const colon = ref.indexOf(":");
  if (colon <= 0 || colon === ref.length - 1) throw new Error(`Not a Slack message ref: "${ref}"`);
  return { channel: ref.slice(0, colon), ts: ref.slice(colon + 1) };
}

/**
 * Posts a message with its files in one go, the files.uploadV2 way: an upload URL per file, the
 * bytes POSTed there, then files.completeUploadExternal shares them in the channel with the
 * message's blocks.
 */
export async function uploadWithMessage(
  client: webApi.WebClient,
  channel: string,
  message: Message,
  token?: string,
  rendered: SlackMessage = renderMessage(message),
): Promise<Delivery> {
  const auth = token ? { token } : {};
  const files: { id: string; title: string }[] = [];
  for (const file of message.files ?? []) {
    const target = await call("files.getUploadURLExternal", () =>
      client.files.getUploadURLExternal({
        ...auth,
        filename: file.filename,
        length: file.data.byteLength,
      }),
    );
    if (!target.upload_url || !target.file_id)
      throw new SlackDeliveryError("files.getUploadURLExternal", "no_upload_url", false);
    const posted = await fetch(target.upload_url, {
      method: "POST",
      headers: { "content-type": file.contentType },
      body: file.data,
    }).catch(() => undefined);
    if (!posted?.ok)
      throw new SlackDeliveryError("files.upload", `http_${posted?.status ?? "failed"}`, false);
    files.push({ id: target.file_id, title: file.title ?? file.filename });
  }
  const done = await call("files.completeUploadExternal", () =>
    client.files.completeUploadExternal({
      ...auth,
      files: files as [{ id: string; title: string }],
      channel_id: channel,
      blocks: rendered.blocks,
    }),
  );
  // The share's ts is only there when Slack has posted it already.
  const shares = done.files?.[0]?.shares as
    | Record<string, Record<string, { ts?: string }[]>>
    | undefined;
  const ts = shares?.public?.[channel]?.[0]?.ts ?? shares?.private?.[channel]?.[0]?.ts;
  return { ref: `${channel}:${ts ?? files[0]!.id}` };
}

type Posted = { channel?: string; ts?: string };

/**
 * How Slack's answer to a post begins: its first members, before the echo of the whole message.
 * The message is only echoed, so a post that went out needs no more of the answer read.
 */
const POSTED_HEAD = /^\{"ok":true,"channel":"([A-Z0-9]{1,40})","ts":"(\d{1,20}\.\d{1,10})"[,}]/;

/** The channel and ts from the start of a successful answer; undefined for any other shape. */
function postedHead(first: Buffer | undefined): Posted | undefined {
  // Latin-1 decodes a byte a character: enough to match ASCII, and nothing past the head.
  const match = first && POSTED_HEAD.exec(first.toString("latin1", 0, 96));
  return match ? { channel: match[1]!, ts: match[2]! } : undefined;
}

/** Slack's answers are a few kilobytes; anything far larger is not one. */
const MAX_ANSWER_BYTES = 1 << 20;

/**
 * chat.postMessage without the Web API client: the same arguments as a JSON body (which Slack
 * takes for this method, with the token as a Bearer header), the same errors, over undici's pool
 * of kept-alive connections. The Web API client's fetch, queue, retry wrapper and eager debug
 * formatting cost several times the request itself when a worker posts hundreds of check-ins a
 * second, and form-encoding the blocks' JSON nearly doubles the body. undici's dispatch API with a
 * handler of our own, rather than `request`, spares each call a body stream, an AbortSignal and
 * their events: about half the client's CPU a post. The token may differ per call (one per
 * workspace with Add to Slack); `token` is the one used when a call names none.
 */
export function directPoster(
  apiUrl: string,
  token: string | undefined,
  timeoutMs: number,
): (args: Record<string, unknown>, token?: string, writeBy?: number) => Promise<Posted> {
  const url = new URL(`${apiUrl}${POST_METHOD}`);
  // A bounded set of connections: beyond it requests queue rather than open more.
  const pool = new Pool(url.origin, {
    connections: 64,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const base = {
    accept: "application/json",
    "content-type": "application/json; charset=utf-8",
    "user-agent": `stackup @slack:web-api node/${process.version.slice(1)}`,
  };
  const withToken = (t: string) => ({ ...base, authorization: `Bearer ${t}` });
  const defaultHeaders = token ? withToken(token) : base;
  const path = `${url.pathname}${url.search}`;

  return (args, callToken, writeBy) =>
    new Promise<Posted>((resolve, reject) => {
      const headers = callToken && callToken !== token ? withToken(callToken) : defaultHeaders;
      const handler = new PostHandler(resolve, reject, timeoutMs, writeBy);
      try {
        pool.dispatch({ method: "POST", path, headers, body: JSON.stringify(args) }, handler);
      } catch {
        handler.settle(notSent());
      }
    });
}

const POST_METHOD = "chat.postMessage";

/** Given up, not retried here: the caller treats it as possibly delivered. */
const postFailed = () => new SlackDeliveryError(POST_METHOD, "request_failed", false);
/** Given up before a byte of it was written: certainly not delivered. */
const notSent = () => new SlackDeliveryError(POST_METHOD, "not_sent", false);

/**
 * One post's answer, as undici hands it over. A class, so a post makes one object rather than a
 * handful of functions.
 */
class PostHandler implements Dispatcher.DispatchHandler {
  private settled = false;
  private controller: Dispatcher.DispatchController | undefined;
  private status = 0;
  private retryAfter: unknown;
  private size = 0;
  private readonly chunks: Buffer[] = [];
  private readonly deadline: NodeJS.Timeout;
  private readonly expires: number;

  constructor(
    private readonly resolve: (posted: Posted) => void,
    private readonly reject: (error: Error) => void,
    timeoutMs: number,
    writeBy?: number,
  ) {
    // The whole call, queueing for a connection included, stays within the timeout: a send
    // must not outlive the claim it was made under. A call still queued is dropped unwritten,
    // as is one whose caller's write-by time has passed.
    const left = writeBy === undefined ? timeoutMs : Math.min(timeoutMs, writeBy - Date.now());
    this.expires = performance.now() + left;
    this.deadline = setTimeout(() => {
      this.settle(this.controller ? postFailed() : notSent());
      this.controller?.abort(postFailed());
    }, timeoutMs);
  }

  settle(error: Error | undefined, posted?: Posted) {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.deadline);
    if (error) this.reject(error);
    else this.resolve(posted!);
  }

  private answer(): Posted {
    if (this.status === 429) {
      const seconds = Number.parseInt(String(this.retryAfter ?? ""), 10);
      throw new RateLimitedError(
        "Slack",
        POST_METHOD,
        Math.max(Number.isNaN(seconds) ? 1 : seconds, 1) * 1000,
      );
    }
    if (this.status !== 200) {
      throw new SlackDeliveryError(POST_METHOD, `http_${this.status}`, false);
    }
    const posted = postedHead(this.chunks[0]);
    if (posted) return posted;
    let data: { ok?: boolean; error?: string } & Posted;
    try {
      data = JSON.parse(Buffer.concat(this.chunks, this.size).toString("utf8")) as typeof data;
    } catch {
      // A 200 we can't read may have been posted all the same.
      throw postFailed();
    }
    if (data?.ok !== true) {
      const code = String(data?.error);
      throw new SlackDeliveryError(POST_METHOD, code, PERMANENT.has(code));
    }
    return data;
  }

  onRequestStart(controller: Dispatcher.DispatchController) {
    this.controller = controller;
    // By the clock, not only the timer: a starved event loop may hand a connection over before
    // an overdue timer has run, and the call must not be written then.
    if (!this.settled && performance.now() >= this.expires) this.settle(notSent());
    if (this.settled) controller.abort(notSent());
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ) {
    this.status = statusCode;
    this.retryAfter = headers["retry-after"];
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer) {
    this.size += chunk.length;
    if (this.size > MAX_ANSWER_BYTES) controller.abort(postFailed());
    else if (this.status === 200) this.chunks.push(chunk);
  }

  onResponseEnd() {
    try {
      this.settle(undefined, this.answer());
    } catch (error) {
      this.settle(error as Error);
    }
  }

  onResponseError() {
    this.settle(postFailed());
  }
}

export interface SlackMessengerOptions {
  /** How long a post may take before it is given up; SLACK_TIMEOUT_MS unless set. */
  timeoutMs?: number;
  /** Each destination's workspace token (Add to Slack); the client's own token otherwise. */
  tokens?: SlackTokenLookup;
  /** The destination's language, for the note closing a message cut to fit; English otherwise. */
  localeOf?: (to: Destination) => Promise<string | undefined>;
}

/** Renders for `to`, looking up its language only when the message is cut and the note needs it. */
async function renderFor(
  message: Message,
  to: Destination,
  localeOf: SlackMessengerOptions["localeOf"],
): Promise<SlackMessage> {
  let cut = false;
  const rendered = renderMessage(message, () => {
    cut = true;
    return undefined;
  });
  if (!cut || !localeOf) return rendered;
  const locale = await localeOf(to);
  return renderMessage(message, () => locale);
}

/**
 * The Messenger port on Slack. A user's DM channel id never changes, so it is kept once opened.
 */
export function createSlackMessenger(
  client: webApi.WebClient,
  slackUserId: SlackUserLookup,
  options: SlackMessengerOptions = {},
): Messenger {
  const dmChannels = new Map<string, string>();
  const fixedToken = client.token;
  const localeOf = options.localeOf;
  const tokenFor: SlackTokenLookup =
    options.tokens ??
    (async () => {
      if (!fixedToken) throw notInstalled();
      return fixedToken;
    });
  const direct = directPoster(
    client.slackApiUrl,
    options.tokens ? undefined : fixedToken,
    options.timeoutMs ?? SLACK_TIMEOUT_MS,
  );

  async function channelFor(to: Destination, token: string): Promise<string> {
    if (to.kind === "channel") return to.channelId;
    const user = to.platformUserId ?? (await slackUserId(to.userId));
    const known = dmChannels.get(user);
    if (known) return known;
    const opened = await call("conversations.open", () =>
      client.conversations.open({ token, users: user }),
    );
    const id = opened.channel?.id;
    if (!id) throw new SlackDeliveryError("conversations.open", "no_channel", false);
    dmChannels.set(user, id);
    return id;
  }

  return {
    async send(to: Destination, message: Message, options?: SendOptions): Promise<Delivery> {
      const token = await tokenFor(to);
      const rendered = await renderFor(message, to, localeOf);
      if (message.files?.length) {
        return uploadWithMessage(client, await channelFor(to, token), message, token, rendered);
      }
      // A Slack user id as the channel posts in the app's DM with them and answers with the DM's
      // id: one call instead of conversations.open first.
      const user =
        to.kind === "user" ? (to.platformUserId ?? (await slackUserId(to.userId))) : undefined;
      const channel = to.kind === "channel" ? to.channelId : (dmChannels.get(user!) ?? user!);
      const sent = await call("chat.postMessage", () =>
        direct({ channel, ...rendered }, token, options?.writeBy),
      );
      if (!sent.ts) throw new SlackDeliveryError("chat.postMessage", "no_ts", false);
      if (user && sent.channel?.startsWith("D")) dmChannels.set(user, sent.channel);
      return { ref: `${sent.channel ?? channel}:${sent.ts}` };
    },
    async update(to: Destination, ref: string, message: Message): Promise<void> {
      const { channel, ts } = parseRef(ref);
      const token = await tokenFor(to);
      const rendered = await renderFor(message, to, localeOf);
      await call("chat.update", () => client.chat.update({ token, channel, ts, ...rendered }));
    },
    // The DM's history (im:history) since a minute before `since`, looking for the key in blocks.
    async findSent(to: Destination, key: string, since: Date): Promise<Delivery | null> {
      if (to.kind !== "user") return null;
      let token: string;
      try {
        token = await tokenFor(to);
      } catch (error) {
        // Nothing can have arrived where Stackup is not installed; the send then fails for good.
        if (error instanceof SlackDeliveryError && error.code === "not_installed") return null;
        throw error;
      }
      const channel = await channelFor(to, token);
      const history = await call("conversations.history", () =>
        client.conversations.history({
          token,
          channel,
          oldest: String(Math.floor(since.getTime() / 1000) - 60),
          limit: 50,
        }),
      );
      const needle = JSON.stringify(key).slice(1, -1);
      for (const m of history.messages ?? []) {
        if (m.ts && JSON.stringify(m.blocks ?? []).includes(needle)) {
          return { ref: `${channel}:${m.ts}` };
        }
      }
      return null;
    },
  };
}
