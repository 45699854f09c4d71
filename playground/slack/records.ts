import type { IncomingMessage, ServerResponse } from "node:http";

/** The stand-in's records of its pretend workspace, and the wire helpers its API shares. */

export interface StandInUser {
  id: string;
  name: string;
  real_name?: string;
  display_name?: string;
  email?: string;
  tz?: string;
  /** The client's language ("de-DE"); users.info returns it when asked with include_locale. */
  locale?: string;
  /** A workspace admin, as users.info says. */
  is_admin?: boolean;
  /** The workspace the person is in; the stand-in's own (TEAM_ID) unless set. */
  team?: string;
}

/** A workspace the app can be installed in with Add to Slack, and its bot there. */
export interface StandInTeam {
  id: string;
  name: string;
  domain: string;
  botUserId: string;
  botId: string;
}

/** A bot token the stand-in handed out (or was told about), and whose it is. */
export interface StandInToken {
  teamId: string;
  revoked: boolean;
}

export interface StandInChannel {
  id: string;
  name: string;
  isIm: boolean;
  /** For a DM, the person the bot talks to. */
  user?: string;
}

export interface StoredFile {
  id: string;
  filename: string;
  title: string;
  mimetype: string;
  data: Buffer;
  complete: boolean;
  /** Who shared it; a person's file downloads only with a token, as url_private_download does. */
  sharedBy?: string;
}

/** A file a person shares in their DM with the bot. */
export interface ShareFileInput {
  name: string;
  mimetype: string;
  data: Uint8Array;
  /** What they typed with it. */
  text?: string;
}

export interface StandInMessage {
  channel: string;
  ts: string;
  /** Who wrote it: the bot's user id or a person's. */
  user: string;
  text: string;
  blocks: unknown[];
  files: { id: string; name: string; title: string; mimetype: string; url: string }[];
  /** Set when only this person can see it. */
  ephemeralFor?: string;
  updatedAt?: string;
}

export interface StandInView {
  id: string;
  user: string;
  type: "modal" | "home";
  view: Record<string, unknown>;
  open: boolean;
}

/** One request the bot made: a Web API call or a POST to a response_url. */
export interface RecordedCall {
  /** Web API method ("chat.postMessage"), or "response_url" for response_url posts. */
  method: string;
  path: string;
  /** The parsed body; form fields holding JSON (blocks, view) are decoded. */
  body: Record<string, unknown>;
  authorization: string | undefined;
  contentType: string | undefined;
}

/** How a scripted call fails. */
export type Failure =
  | { error: string }
  | { status: 429; retryAfterSeconds: number }
  | { status: 500 };

export const BOT_USER_ID = "U0BOT";
export const TEAM_ID = "T0PLAY";

export const JSON_FIELDS = new Set(["blocks", "attachments", "view", "metadata", "files"]);

export function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (raw === "") return {};
  if (contentType?.includes("application/json")) return JSON.parse(raw) as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    body[key] = JSON_FIELDS.has(key) && /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return body;
}

/** A request body over the reader's limit; the playground answers it with 413. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
  }
}

/** Bodies the stand-in takes: its largest are file uploads, which Slack caps far higher. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  if (Number(req.headers["content-length"] ?? 0) > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(payload));
}

export interface StandInOptions {
  /** Where the bot's HTTP endpoint is, e.g. http://127.0.0.1:3000/slack/events. */
  eventsUrl?: string;
  signingSecret?: string;
  /** The public base URL of this stand-in, e.g. http://127.0.0.1:3000/playground/slack. */
  baseUrl?: string;
  /** Accept posts to channels nobody created (tests post to made-up ids). */
  anyChannel?: boolean;
  /** Add to Slack: the app's client id and secret, which oauth.v2.access checks. */
  clientId?: string;
  clientSecret?: string;
  /** Where the authorize page sends the installer back when the link names no redirect_uri. */
  oauthRedirectUrl?: string;
}

export interface ClickInput {
  user: string;
  actionId: string;
  value: string;
  /** The message that carries the button; absent for clicks in the App Home tab or a modal. */
  message?: { channel: string; ts: string };
  blockId?: string;
}

export interface EventResult {
  status: number;
  body: string;
}
