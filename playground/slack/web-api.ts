import type { IncomingMessage, ServerResponse } from "node:http";
import { exchangeCode, serveAuthorize } from "./oauth.ts";
import { BOT_USER_ID, parseBody, readBody, sendJson, TEAM_ID } from "./records.ts";
import type { StandInState } from "./state.ts";

/** The Web API methods the bot calls, answered with Slack-shaped responses from the state. */

type Body = Record<string, unknown>;
type Answer = Record<string, unknown>;

function authTest(s: StandInState, _body: Body, token: string): Answer {
  const team = s.teamOfToken(token);
  return {
    ok: true,
    url: `https://${team.domain}.slack.test/`,
    team: team.name,
    user: "stackup",
    team_id: team.id,
    user_id: team.botUserId,
    bot_id: team.botId,
  };
}

function chatPostMessage(s: StandInState, body: Body): Answer {
  const channel = String(body.channel ?? "");
  if (!s.channels.has(channel) && !s.users.has(channel)) {
    if (!s.anyChannel) return { ok: false, error: "channel_not_found" };
    s.channels.set(channel, {
      id: channel,
      name: channel.toLowerCase(),
      isIm: channel.startsWith("D"),
    });
  }
  const m = s.postMessage(body);
  return {
    ok: true,
    channel: m.channel,
    ts: m.ts,
    message: {
      type: "message",
      user: BOT_USER_ID,
      bot_id: "B0BOT",
      text: m.text,
      blocks: m.blocks,
      ts: m.ts,
    },
  };
}

function chatUpdate(s: StandInState, body: Body): Answer {
  let m = s.messages.find((x) => x.channel === body.channel && x.ts === body.ts);
  if (!m && s.anyChannel) {
    m = {
      channel: String(body.channel),
      ts: String(body.ts),
      user: BOT_USER_ID,
      text: "",
      blocks: [],
      files: [],
    };
    s.messages.push(m);
  }
  if (!m) return { ok: false, error: "message_not_found" };
  m.text = String(body.text ?? m.text);
  if (Array.isArray(body.blocks)) m.blocks = body.blocks;
  m.updatedAt = s.nextTs();
  return {
    ok: true,
    channel: m.channel,
    ts: m.ts,
    text: m.text,
    message: { text: m.text, blocks: m.blocks },
  };
}

function chatPostEphemeral(s: StandInState, body: Body): Answer {
  const m = s.postMessage(body, { ephemeralFor: String(body.user ?? "") });
  return { ok: true, message_ts: m.ts };
}

function viewsOpen(s: StandInState, body: Body): Answer {
  const view = (body.view ?? {}) as Record<string, unknown>;
  const id = s.nextId("V");
  const user = s.triggerUsers.get(String(body.trigger_id)) ?? "U0NOBODY";
  for (const v of s.views.values()) if (v.user === user && v.type === "modal") v.open = false;
  s.views.set(id, { id, user, type: "modal", view, open: true });
  return { ok: true, view: { id, team_id: TEAM_ID, ...view } };
}

function viewsUpdate(s: StandInState, body: Body): Answer {
  const existing = s.views.get(String(body.view_id ?? ""));
  if (!existing) return { ok: false, error: "not_found" };
  existing.view = (body.view ?? {}) as Record<string, unknown>;
  return { ok: true, view: { id: existing.id, team_id: TEAM_ID, ...existing.view } };
}

function viewsPublish(s: StandInState, body: Body): Answer {
  const user = String(body.user_id ?? "");
  const view = (body.view ?? {}) as Record<string, unknown>;
  const existing = [...s.views.values()].find((v) => v.user === user && v.type === "home");
  const id = existing?.id ?? s.nextId("V");
  s.views.set(id, { id, user, type: "home", view, open: true });
  return { ok: true, view: { id, team_id: TEAM_ID, ...view } };
}

/** A boolean argument as Slack's Web API takes it: true, or "true"/"1" in a form body. */
const isTrue = (value: unknown) => value === true || value === "true" || value === "1";

function usersInfo(s: StandInState, body: Body): Answer {
  const user = s.users.get(String(body.user));
  if (!user) return { ok: false, error: "user_not_found" };
  return {
    ok: true,
    user: {
      id: user.id,
      team_id: user.team ?? TEAM_ID,
      name: user.name,
      real_name: user.real_name ?? "",
      tz: user.tz,
      tz_label: "",
      tz_offset: 0,
      is_admin: user.is_admin ?? false,
      is_owner: false,
      ...(isTrue(body.include_locale) && user.locale ? { locale: user.locale } : {}),
      profile: {
        display_name: user.display_name ?? "",
        real_name: user.real_name ?? "",
        email: user.email,
      },
    },
  };
}

function usersLookupByEmail(s: StandInState, body: Body): Answer {
  const email = String(body.email ?? "").toLowerCase();
  const user = [...s.users.values()].find((u) => u.email?.toLowerCase() === email);
  return user
    ? { ok: true, user: { id: user.id, name: user.name } }
    : { ok: false, error: "users_not_found" };
}

function conversationsOpen(s: StandInState, body: Body): Answer {
  const user = String(body.users ?? "").split(",")[0] ?? "";
  return { ok: true, channel: { id: s.dmChannel(user) } };
}

function filesGetUploadURLExternal(s: StandInState, body: Body): Answer {
  const id = s.nextId("F");
  s.files.set(id, {
    id,
    filename: String(body.filename ?? "file"),
    title: String(body.filename ?? "file"),
    mimetype: "application/octet-stream",
    data: Buffer.alloc(0),
    complete: false,
  });
  return { ok: true, upload_url: `${s.baseUrl}/upload/${id}`, file_id: id };
}

function filesCompleteUploadExternal(s: StandInState, body: Body): Answer {
  const list = (Array.isArray(body.files) ? body.files : []) as {
    id: string;
    title?: string;
  }[];
  const done = [];
  for (const f of list) {
    const file = s.files.get(f.id);
    if (!file) return { ok: false, error: "file_not_found" };
    file.complete = true;
    if (f.title) file.title = f.title;
    done.push({ id: file.id, name: file.filename, title: file.title });
  }
  if (body.channel_id) {
    const m = s.postMessage(
      { channel: body.channel_id, text: body.initial_comment ?? "", blocks: body.blocks },
      {},
    );
    m.files = done.map((f) => ({
      ...f,
      mimetype: s.files.get(f.id)?.mimetype ?? "application/octet-stream",
      url: `${s.baseUrl}/files/${f.id}`,
    }));
  }
  return { ok: true, files: done };
}

const METHODS: Record<string, (s: StandInState, body: Body, token: string) => Answer> = {
  "auth.test": authTest,
  "chat.postMessage": chatPostMessage,
  "chat.update": chatUpdate,
  "chat.postEphemeral": chatPostEphemeral,
  "views.open": viewsOpen,
  "views.push": viewsOpen,
  "views.update": viewsUpdate,
  "views.publish": viewsPublish,
  "users.info": usersInfo,
  "users.lookupByEmail": usersLookupByEmail,
  "conversations.open": conversationsOpen,
  "files.getUploadURLExternal": filesGetUploadURLExternal,
  "files.completeUploadExternal": filesCompleteUploadExternal,
};

export function answer(s: StandInState, method: string, body: Body, token: string): Answer {
  const handler = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  return handler ? handler(s, body, token) : { ok: false, error: "unknown_method" };
}

/** What a request to the stand-in carries, as each route reads it. */
interface Request {
  path: string;
  raw: Buffer;
  contentType: string | undefined;
  authorization: string | undefined;
}

/** Serves the Web API, response_urls, uploads and file downloads under this stand-in's base path. */
export async function handle(
  s: StandInState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const raw = await readBody(req);
  const request: Request = {
    path,
    raw,
    contentType: req.headers["content-type"],
    authorization: req.headers.authorization,
  };
  if (path === "/oauth/v2/authorize") return serveAuthorize(s, req, res, path);
  if (path.startsWith("/upload/")) return serveUpload(s, request, res);
  if (path.startsWith("/files/")) return serveFile(s, request, res);

  let body: Body;
  try {
    body = parseBody(raw.toString("utf8"), request.contentType);
  } catch {
    return sendJson(res, 400, { ok: false, error: "invalid_form_data" });
  }
  if (path.startsWith("/response/")) return serveResponse(s, request, body, res);
  serveMethod(s, request, body, res);
}

function serveUpload(s: StandInState, request: Request, res: ServerResponse) {
  const { path, raw, contentType, authorization } = request;
  const file = s.files.get(path.slice("/upload/".length));
  if (!file) return sendJson(res, 404, { ok: false });
  file.data = raw;
  file.mimetype = String(contentType ?? file.mimetype).split(";")[0] ?? file.mimetype;
  s.record({
    method: "upload",
    path,
    body: { bytes: raw.length },
    authorization,
    contentType,
  });
  res.writeHead(200, { "content-type": "text/plain" });
  res.end(`OK - ${raw.length}`);
}

function serveFile(s: StandInState, request: Request, res: ServerResponse) {
  const { path, contentType, authorization } = request;
  const download = /^\/files\/(\w+)\/download$/.exec(path);
  const file = s.files.get(download ? (download[1] ?? "") : path.slice("/files/".length));
  if (download) {
    s.record({ method: "file.download", path, body: {}, authorization, contentType });
  }
  if (!file?.complete) return sendJson(res, 404, { ok: false });
  // Slack answers a download without the bot token with its sign-in page.
  if (download && !authorization?.startsWith("Bearer ")) {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end("<!doctype html><title>Sign in</title>");
    return;
  }
  res.writeHead(200, { "content-type": file.mimetype, "content-length": file.data.length });
  res.end(file.data);
}

function serveResponse(s: StandInState, request: Request, body: Body, res: ServerResponse) {
  const { path, contentType, authorization } = request;
  s.record({ method: "response_url", path, body, authorization, contentType });
  const failure = s.takeFailure("response_url");
  if (failure && "status" in failure) return sendJson(res, failure.status, { ok: false });
  applyResponse(s, path.slice("/response/".length), body);
  s.changed();
  sendJson(res, 200, { ok: true });
}

function serveMethod(s: StandInState, request: Request, body: Body, res: ServerResponse) {
  const { path, contentType, authorization } = request;
  const method = path.replace(/^\/api\//, "");
  s.record({ method, path, body, authorization, contentType });
  const failure = s.takeFailure(method);
  if (failure) {
    if ("error" in failure) return sendJson(res, 200, { ok: false, error: failure.error });
    if (failure.status === 429) {
      return sendJson(
        res,
        429,
        { ok: false, error: "ratelimited" },
        { "retry-after": String(failure.retryAfterSeconds) },
      );
    }
    return sendJson(res, 500, { ok: false, error: "internal_error" });
  }
  if (method === "oauth.v2.access") {
    return sendJson(res, 200, exchangeCode(s, body, authorization));
  }
  if (!authorization?.startsWith("Bearer ")) {
    return sendJson(res, 200, { ok: false, error: "not_authed" });
  }
  const token = authorization.slice("Bearer ".length);
  if (s.tokens.get(token)?.revoked) {
    return sendJson(res, 200, { ok: false, error: "token_revoked" });
  }
  const answered = answer(s, method, body, token);
  if (answered.ok) s.changed();
  sendJson(res, 200, answered);
}

/** A reply the bot sent to a response_url: replaces, deletes or adds a message. */
function applyResponse(s: StandInState, id: string, body: Body): void {
  const target = s.responseTargets.get(id);
  if (!target) return;
  if (body.delete_original && target.ts) {
    const i = s.messages.findIndex((m) => m.channel === target.channel && m.ts === target.ts);
    if (i >= 0) s.messages.splice(i, 1);
    return;
  }
  if (body.replace_original && target.ts) {
    const m = s.messages.find((x) => x.channel === target.channel && x.ts === target.ts);
    if (m) {
      m.text = String(body.text ?? m.text);
      if (Array.isArray(body.blocks)) m.blocks = body.blocks;
      m.updatedAt = s.nextTs();
      return;
    }
  }
  const m = s.postMessage(
    { channel: target.channel, text: body.text, blocks: body.blocks },
    body.response_type === "in_channel" ? {} : { ephemeralFor: target.user },
  );
  // Later replies to the same response_url replace this one, as Slack does.
  target.ts = m.ts;
}
