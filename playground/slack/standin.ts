import { createHmac, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  BOT_USER_ID,
  type ClickInput,
  type EventResult,
  type Failure,
  parseBody,
  type RecordedCall,
  readBody,
  type ShareFileInput,
  type StandInChannel,
  type StandInMessage,
  type StandInOptions,
  type StandInTeam,
  type StandInToken,
  type StandInUser,
  type StandInView,
  type StoredFile,
  sendJson,
  TEAM_ID,
} from "./records.ts";

/**
 * A local stand-in for the Slack platform: it keeps a pretend workspace in memory, answers the
 * Web API methods the bot calls with Slack-shaped responses, and sends the bot signed slash
 * commands, button clicks and form submissions exactly as Slack does. The playground page, the
 * integration tests and the benchmarks all use it as their Slack.
 */

export * from "./records.ts";

/** The pretend Slack workspace and its Web API. */
export class SlackStandIn {
  readonly calls: RecordedCall[] = [];
  readonly users = new Map<string, StandInUser>();
  readonly channels = new Map<string, StandInChannel>();
  readonly messages: StandInMessage[] = [];
  readonly views = new Map<string, StandInView>();
  readonly files = new Map<string, StoredFile>();
  /** Answers the bot sent to response_urls, by the response id, in order. */
  private readonly responseTargets = new Map<
    string,
    { user: string; channel: string; ts?: string }
  >();
  private readonly scripted = new Map<string, { failure: Failure; times: number }[]>();
  private readonly fractions = new Map<
    string,
    { fraction: number; failure: Failure; seen: number; failed: number }
  >();
  private readonly waiters = new Set<{
    predicate: (c: RecordedCall) => boolean;
    resolve: (c: RecordedCall) => void;
  }>();
  private readonly listeners = new Set<() => void>();
  private counter = 0;
  private tsSeconds = 1_700_000_000;
  eventsUrl: string | undefined;
  signingSecret: string;
  baseUrl: string;
  private readonly anyChannel: boolean;
  /** Workspaces by team id; the stand-in's own is always there. */
  readonly teams = new Map<string, StandInTeam>();
  /** Bot tokens it knows; a token it doesn't know belongs to its own workspace. */
  readonly tokens = new Map<string, StandInToken>();
  /** Codes the authorize page handed out, each good for one oauth.v2.access. */
  private readonly oauthCodes = new Map<
    string,
    { teamId: string; installer: string; scope: string; redirectUri: string | undefined }
  >();
  clientId: string | undefined;
  clientSecret: string | undefined;
  oauthRedirectUrl: string | undefined;

  constructor(options: StandInOptions = {}) {
    this.anyChannel = options.anyChannel ?? false;
    this.clientId = options.clientId;
    this.clientSecret = options.clientSecret;
    this.oauthRedirectUrl = options.oauthRedirectUrl;
    this.teams.set(TEAM_ID, {
      id: TEAM_ID,
      name: "Playground",
      domain: "playground",
      botUserId: BOT_USER_ID,
      botId: "B0BOT",
    });
    this.eventsUrl = options.eventsUrl;
    this.signingSecret = options.signingSecret ?? randomBytes(16).toString("hex");
    this.baseUrl = options.baseUrl ?? "http://127.0.0.1";
    this.channels.set("C0GENERAL", { id: "C0GENERAL", name: "general", isIm: false });
  }

  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  private nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}${String(this.counter).padStart(6, "0")}`;
  }

  private nextTs(): string {
    this.counter += 1;
    return `${this.tsSeconds}.${String(this.counter).padStart(6, "0")}`;
  }

  /** Called after every change, so a page can refresh. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed() {
    for (const listener of this.listeners) listener();
  }

  addUser(user: StandInUser): void {
    this.users.set(user.id, user);
    this.changed();
  }

  /** A workspace of its own, with its own bot user, for installing the app into. */
  addTeam(team: { id: string; name: string; domain?: string }): StandInTeam {
    const bare = team.id.replace(/^[TE]/, "");
    const added: StandInTeam = {
      id: team.id,
      name: team.name,
      domain: team.domain ?? team.name.toLowerCase().replace(/\W+/g, "-"),
      botUserId: `U0BOT${bare}`,
      botId: `B0BOT${bare}`,
    };
    this.teams.set(team.id, added);
    return added;
  }

  /** Which workspace a bot token belongs to. */
  teamOfToken(token: string): StandInTeam {
    const teamId = this.tokens.get(token)?.teamId ?? TEAM_ID;
    return this.teams.get(teamId) ?? this.teams.get(TEAM_ID)!;
  }

  /** Revokes every bot token of a workspace, as uninstalling the app does. */
  revokeTokens(teamId: string): void {
    for (const token of this.tokens.values()) if (token.teamId === teamId) token.revoked = true;
  }

  /**
   * The authorize page: the installer in `team` approves, and is sent back to the app's redirect
   * URL with a one-time code and the state the app put in the link.
   */
  authorize(link: string | URL, who: { team?: string; user?: string } = {}): string {
    const url = new URL(link);
    const q = url.searchParams;
    const teamId = who.team ?? q.get("team") ?? TEAM_ID;
    if (!this.teams.has(teamId)) throw new Error(`No such workspace in the stand-in: ${teamId}`);
    if (this.clientId && q.get("client_id") !== this.clientId) {
      throw new Error("The authorize link names another app's client id.");
    }
    const redirectUri = q.get("redirect_uri") ?? undefined;
    const target = redirectUri ?? this.oauthRedirectUrl;
    if (!target) throw new Error("The stand-in does not know where to send the installer back.");
    const code = `code-${randomBytes(8).toString("hex")}`;
    this.oauthCodes.set(code, {
      teamId,
      installer: who.user ?? q.get("user") ?? "U0INSTALLER",
      scope: q.get("scope") ?? "",
      redirectUri,
    });
    const back = new URL(target);
    back.searchParams.set("code", code);
    const state = q.get("state");
    if (state !== null) back.searchParams.set("state", state);
    return back.toString();
  }

  /** oauth.v2.access: a code from the authorize page for a new bot token of that workspace. */
  private exchangeCode(
    body: Record<string, unknown>,
    authorization: string | undefined,
  ): Record<string, unknown> {
    let clientId = body.client_id === undefined ? undefined : String(body.client_id);
    let clientSecret = body.client_secret === undefined ? undefined : String(body.client_secret);
    if (authorization?.startsWith("Basic ")) {
      const [id, secret] = Buffer.from(authorization.slice(6), "base64").toString().split(":");
      clientId ??= id;
      clientSecret ??= secret;
    }
    if (this.clientId && clientId !== this.clientId)
      return { ok: false, error: "invalid_client_id" };
    if (this.clientSecret && clientSecret !== this.clientSecret) {
      return { ok: false, error: "bad_client_secret" };
    }
    const code = String(body.code ?? "");
    const grant = this.oauthCodes.get(code);
    if (!grant) return { ok: false, error: "invalid_code" };
    this.oauthCodes.delete(code);
    if (grant.redirectUri !== undefined && body.redirect_uri !== grant.redirectUri) {
      return { ok: false, error: "bad_redirect_uri" };
    }
    const team = this.teams.get(grant.teamId)!;
    const token = `xoxb-${team.id}-${randomBytes(12).toString("hex")}`;
    this.tokens.set(token, { teamId: team.id, revoked: false });
    return {
      ok: true,
      app_id: "A0STACKUP",
      authed_user: { id: grant.installer },
      scope: grant.scope,
      token_type: "bot",
      access_token: token,
      bot_user_id: team.botUserId,
      team: { id: team.id, name: team.name },
      enterprise: null,
      is_enterprise_install: false,
    };
  }

  /**
   * The app is removed from a workspace: its tokens stop working and the app is told. `eventTime`
   * (seconds) and `revoke: false` replay an old uninstall event, as Slack's retries can.
   */
  async uninstall(
    teamId: string,
    options: { eventTime?: number; revoke?: boolean } = {},
  ): Promise<EventResult> {
    if (options.revoke !== false) this.revokeTokens(teamId);
    const team = this.teams.get(teamId);
    const at = options.eventTime ?? Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      token: "unused",
      team_id: teamId,
      api_app_id: "A0STACKUP",
      type: "event_callback",
      event_id: this.nextId("Ev"),
      event_time: at,
      event: { type: "app_uninstalled", event_ts: `${at}.000300` },
      authorizations: [{ team_id: teamId, user_id: team?.botUserId ?? BOT_USER_ID, is_bot: true }],
    });
    return this.post(body, "application/json");
  }

  addChannel(channel: { id: string; name: string }): void {
    this.channels.set(channel.id, { ...channel, isIm: false });
    this.changed();
  }

  /** The DM channel between the bot and a person. */
  dmChannel(user: string): string {
    const id = `D${user.replace(/^U/, "")}`;
    if (!this.channels.has(id)) this.channels.set(id, { id, name: user, isIm: true, user });
    return id;
  }

  // ---- failure scripting, for tests and benchmarks ----

  failNext(method: string, failure: Failure, times = 1): void {
    const queue = this.scripted.get(method) ?? [];
    queue.push({ failure, times });
    this.scripted.set(method, queue);
  }

  /** Fails a deterministic share of calls to a method. */
  failFraction(method: string, fraction: number, failure: Failure): void {
    this.fractions.set(method, { fraction, failure, seen: 0, failed: 0 });
  }

  private takeFailure(method: string): Failure | undefined {
    const queue = this.scripted.get(method);
    const head = queue?.[0];
    if (queue && head) {
      head.times -= 1;
      if (head.times <= 0) queue.shift();
      return head.failure;
    }
    const share = this.fractions.get(method);
    if (share) {
      share.seen += 1;
      if (share.failed / share.seen < share.fraction) {
        share.failed += 1;
        return share.failure;
      }
    }
    return undefined;
  }

  private record(call: RecordedCall) {
    this.calls.push(call);
    for (const waiter of this.waiters) {
      if (waiter.predicate(call)) {
        this.waiters.delete(waiter);
        waiter.resolve(call);
      }
    }
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves with the first recorded call (past or future) that matches. */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs = 5_000): Promise<RecordedCall> {
    const found = this.calls.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (call: RecordedCall) => {
          clearTimeout(timer);
          resolve(call);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.calls.map((c) => c.method).join(", ") || "none";
        reject(
          new Error(`Slack stand-in: no matching call within ${timeoutMs} ms (calls: ${seen})`),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  reset(): void {
    this.calls.length = 0;
    this.scripted.clear();
    this.fractions.clear();
  }

  /** A fresh response_url for a request made on behalf of `user` in `channel`. */
  responseUrl(
    target: { user: string; channel: string; ts?: string } = {
      user: "U0NOBODY",
      channel: "C0GENERAL",
    },
  ): string {
    const id = this.nextId("R");
    this.responseTargets.set(id, target);
    return `${this.baseUrl}/response/${id}`;
  }

  // ---- the Web API ----

  private postMessage(
    body: Record<string, unknown>,
    extra: Partial<StandInMessage> = {},
  ): StandInMessage {
    let channel = String(body.channel ?? "");
    if (this.users.has(channel)) channel = this.dmChannel(channel);
    const message: StandInMessage = {
      channel,
      ts: this.nextTs(),
      user: BOT_USER_ID,
      text: String(body.text ?? ""),
      blocks: Array.isArray(body.blocks) ? body.blocks : [],
      files: [],
      ...extra,
    };
    this.messages.push(message);
    return message;
  }

  private answer(
    method: string,
    body: Record<string, unknown>,
    token: string,
  ): Record<string, unknown> {
    switch (method) {
      case "auth.test": {
        const team = this.teamOfToken(token);
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
      case "chat.postMessage": {
        const channel = String(body.channel ?? "");
        if (!this.channels.has(channel) && !this.users.has(channel)) {
          if (!this.anyChannel) return { ok: false, error: "channel_not_found" };
          this.channels.set(channel, {
            id: channel,
            name: channel.toLowerCase(),
            isIm: channel.startsWith("D"),
          });
        }
        const m = this.postMessage(body);
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
      case "chat.update": {
        let m = this.messages.find((x) => x.channel === body.channel && x.ts === body.ts);
        if (!m && this.anyChannel) {
          m = {
            channel: String(body.channel),
            ts: String(body.ts),
            user: BOT_USER_ID,
            text: "",
            blocks: [],
            files: [],
          };
          this.messages.push(m);
        }
        if (!m) return { ok: false, error: "message_not_found" };
        m.text = String(body.text ?? m.text);
        if (Array.isArray(body.blocks)) m.blocks = body.blocks;
        m.updatedAt = this.nextTs();
        return {
          ok: true,
          channel: m.channel,
          ts: m.ts,
          text: m.text,
          message: { text: m.text, blocks: m.blocks },
        };
      }
      case "chat.postEphemeral": {
        const m = this.postMessage(body, { ephemeralFor: String(body.user ?? "") });
        return { ok: true, message_ts: m.ts };
      }
      case "views.open":
      case "views.push": {
        const view = (body.view ?? {}) as Record<string, unknown>;
        const id = this.nextId("V");
        const user = this.triggerUsers.get(String(body.trigger_id)) ?? "U0NOBODY";
        for (const v of this.views.values())
          if (v.user === user && v.type === "modal") v.open = false;
        this.views.set(id, { id, user, type: "modal", view, open: true });
        return { ok: true, view: { id, team_id: TEAM_ID, ...view } };
      }
      case "views.update": {
        const existing = this.views.get(String(body.view_id ?? ""));
        if (!existing) return { ok: false, error: "not_found" };
        existing.view = (body.view ?? {}) as Record<string, unknown>;
        return { ok: true, view: { id: existing.id, team_id: TEAM_ID, ...existing.view } };
      }
      case "views.publish": {
        const user = String(body.user_id ?? "");
        const view = (body.view ?? {}) as Record<string, unknown>;
        const existing = [...this.views.values()].find((v) => v.user === user && v.type === "home");
        const id = existing?.id ?? this.nextId("V");
        this.views.set(id, { id, user, type: "home", view, open: true });
        return { ok: true, view: { id, team_id: TEAM_ID, ...view } };
      }
      case "users.info": {
        const user = this.users.get(String(body.user));
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
            profile: {
              display_name: user.display_name ?? "",
              real_name: user.real_name ?? "",
              email: user.email,
            },
          },
        };
      }
      case "users.lookupByEmail": {
        const email = String(body.email ?? "").toLowerCase();
        const user = [...this.users.values()].find((u) => u.email?.toLowerCase() === email);
        return user
          ? { ok: true, user: { id: user.id, name: user.name } }
          : { ok: false, error: "users_not_found" };
      }
      case "conversations.open": {
        const user = String(body.users ?? "").split(",")[0] ?? "";
        return { ok: true, channel: { id: this.dmChannel(user) } };
      }
      case "files.getUploadURLExternal": {
        const id = this.nextId("F");
        this.files.set(id, {
          id,
          filename: String(body.filename ?? "file"),
          title: String(body.filename ?? "file"),
          mimetype: "application/octet-stream",
          data: Buffer.alloc(0),
          complete: false,
        });
        return { ok: true, upload_url: `${this.baseUrl}/upload/${id}`, file_id: id };
      }
      case "files.completeUploadExternal": {
        const list = (Array.isArray(body.files) ? body.files : []) as {
          id: string;
          title?: string;
        }[];
        const done = [];
        for (const f of list) {
          const file = this.files.get(f.id);
          if (!file) return { ok: false, error: "file_not_found" };
          file.complete = true;
          if (f.title) file.title = f.title;
          done.push({ id: file.id, name: file.filename, title: file.title });
        }
        if (body.channel_id) {
          const m = this.postMessage(
            { channel: body.channel_id, text: body.initial_comment ?? "", blocks: body.blocks },
            {},
          );
          m.files = done.map((f) => ({
            ...f,
            mimetype: this.files.get(f.id)?.mimetype ?? "application/octet-stream",
            url: `${this.baseUrl}/files/${f.id}`,
          }));
        }
        return { ok: true, files: done };
      }
      default:
        return { ok: false, error: "unknown_method" };
    }
  }

  /** Trigger ids handed out with requests, so views.open knows whose screen to open on. */
  private readonly triggerUsers = new Map<string, string>();

  private trigger(user: string): string {
    const id = `${this.counter + 1}.${Date.now()}.${randomBytes(4).toString("hex")}`;
    this.counter += 1;
    this.triggerUsers.set(id, user);
    return id;
  }

  /** Serves the Web API, response_urls, uploads and file downloads under this stand-in's base path. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const raw = await readBody(req);
    const contentType = req.headers["content-type"];
    const authorization = req.headers.authorization;

    if (path === "/oauth/v2/authorize") {
      const link = new URL(req.url ?? "", "http://127.0.0.1");
      this.record({
        method: "oauth.authorize",
        path,
        body: Object.fromEntries(link.searchParams),
        authorization,
        contentType,
      });
      let location: string;
      try {
        location = this.authorize(`${this.baseUrl}${path}${link.search}`);
      } catch (error) {
        res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
        res.end(error instanceof Error ? error.message : String(error));
        return;
      }
      res.writeHead(302, { location });
      res.end();
      return;
    }

    if (path.startsWith("/upload/")) {
      const file = this.files.get(path.slice("/upload/".length));
      if (!file) return sendJson(res, 404, { ok: false });
      file.data = raw;
      file.mimetype = String(contentType ?? file.mimetype).split(";")[0] ?? file.mimetype;
      this.record({
        method: "upload",
        path,
        body: { bytes: raw.length },
        authorization,
        contentType,
      });
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`OK - ${raw.length}`);
      return;
    }
    const download = /^\/files\/(\w+)\/download$/.exec(path);
    if (download) {
      const file = this.files.get(download[1] ?? "");
      this.record({ method: "file.download", path, body: {}, authorization, contentType });
      if (!file?.complete) return sendJson(res, 404, { ok: false });
      // Slack answers a download without the bot token with its sign-in page.
      if (!authorization?.startsWith("Bearer ")) {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        res.end("<!doctype html><title>Sign in</title>");
        return;
      }
      res.writeHead(200, { "content-type": file.mimetype, "content-length": file.data.length });
      res.end(file.data);
      return;
    }
    if (path.startsWith("/files/")) {
      const file = this.files.get(path.slice("/files/".length));
      if (!file?.complete) return sendJson(res, 404, { ok: false });
      res.writeHead(200, { "content-type": file.mimetype, "content-length": file.data.length });
      res.end(file.data);
      return;
    }

    let body: Record<string, unknown>;
    try {
      body = parseBody(raw.toString("utf8"), contentType);
    } catch {
      return sendJson(res, 400, { ok: false, error: "invalid_form_data" });
    }

    if (path.startsWith("/response/")) {
      this.record({ method: "response_url", path, body, authorization, contentType });
      const failure = this.takeFailure("response_url");
      if (failure && "status" in failure) return sendJson(res, failure.status, { ok: false });
      this.applyResponse(path.slice("/response/".length), body);
      this.changed();
      return sendJson(res, 200, { ok: true });
    }

    const method = path.replace(/^\/api\//, "");
    this.record({ method, path, body, authorization, contentType });
    const failure = this.takeFailure(method);
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
      return sendJson(res, 200, this.exchangeCode(body, authorization));
    }
    if (!authorization?.startsWith("Bearer ")) {
      return sendJson(res, 200, { ok: false, error: "not_authed" });
    }
    const token = authorization.slice("Bearer ".length);
    if (this.tokens.get(token)?.revoked) {
      return sendJson(res, 200, { ok: false, error: "token_revoked" });
    }
    const answer = this.answer(method, body, token);
    if (answer.ok) this.changed();
    sendJson(res, 200, answer);
  }

  private applyResponse(id: string, body: Record<string, unknown>) {
    const target = this.responseTargets.get(id);
    if (!target) return;
    if (body.delete_original && target.ts) {
      const i = this.messages.findIndex((m) => m.channel === target.channel && m.ts === target.ts);
      if (i >= 0) this.messages.splice(i, 1);
      return;
    }
    if (body.replace_original && target.ts) {
      const m = this.messages.find((x) => x.channel === target.channel && x.ts === target.ts);
      if (m) {
        m.text = String(body.text ?? m.text);
        if (Array.isArray(body.blocks)) m.blocks = body.blocks;
        m.updatedAt = this.nextTs();
        return;
      }
    }
    const m = this.postMessage(
      { channel: target.channel, text: body.text, blocks: body.blocks },
      body.response_type === "in_channel" ? {} : { ephemeralFor: target.user },
    );
    // Later replies to the same response_url replace this one, as Slack does.
    target.ts = m.ts;
  }

  // ---- what a person does in Slack, sent to the bot as Slack sends it ----

  private sign(body: string, contentType: string): Record<string, string> {
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac("sha256", this.signingSecret)
      .update(`v0:${timestamp}:${body}`)
      .digest("hex")}`;
    return {
      "content-type": contentType,
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": signature,
    };
  }

  private async post(body: string, contentType: string): Promise<EventResult> {
    if (!this.eventsUrl) throw new Error("The stand-in does not know where the bot listens.");
    const res = await fetch(this.eventsUrl, {
      method: "POST",
      body,
      headers: this.sign(body, contentType),
    });
    return { status: res.status, body: await res.text() };
  }

  private person(id: string): StandInUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`No such person in the playground: ${id}`);
    return user;
  }

  /**
   * Slack escapes mentions in a command's text when the manifest asks it to (should_escape):
   * `@ada` becomes `<@U123|ada>` and `#learning` becomes `<#C123|learning>`.
   */
  escapeMentions(text: string): string {
    return text.replace(
      /(^|\s)([@#])([\w.-]+)/g,
      (whole, space: string, sigil: string, name: string) => {
        const lower = name.toLowerCase();
        if (sigil === "@") {
          const user = [...this.users.values()].find((u) => u.name.toLowerCase() === lower);
          return user ? `${space}<@${user.id}|${user.name}>` : whole;
        }
        const channel = [...this.channels.values()].find((c) => !c.isIm && c.name === lower);
        return channel ? `${space}<#${channel.id}|${channel.name}>` : whole;
      },
    );
  }

  /** Types `/learn <text>` in a channel (the person's DM with the bot by default). */
  slash(userId: string, text: string, channel?: string, command = "/learn"): Promise<EventResult> {
    const user = this.person(userId);
    const channelId = channel ?? this.dmChannel(userId);
    const body = new URLSearchParams({
      token: "unused-verification-token",
      team_id: TEAM_ID,
      team_domain: "playground",
      channel_id: channelId,
      channel_name: this.channels.get(channelId)?.name ?? "directmessage",
      user_id: user.id,
      user_name: user.name,
      command,
      text: this.escapeMentions(text),
      api_app_id: "A0STACKUP",
      is_enterprise_install: "false",
      response_url: this.responseUrl({ user: user.id, channel: channelId }),
      trigger_id: this.trigger(user.id),
    }).toString();
    return this.post(body, "application/x-www-form-urlencoded");
  }

  /** Clicks a button in a message, the App Home tab or an open modal. */
  click(input: ClickInput): Promise<EventResult> {
    const user = this.person(input.user);
    const action = {
      type: "button",
      action_id: input.actionId,
      block_id: input.blockId ?? "b",
      text: { type: "plain_text", text: "button" },
      value: input.value,
      action_ts: `${Math.floor(Date.now() / 1000)}.000100`,
    };
    const base = {
      type: "block_actions",
      user: { id: user.id, username: user.name, name: user.name, team_id: TEAM_ID },
      api_app_id: "A0STACKUP",
      team: { id: TEAM_ID, domain: "playground" },
      trigger_id: this.trigger(user.id),
      actions: [action],
    };
    let payload: Record<string, unknown>;
    if (input.message) {
      const m = this.messages.find(
        (x) => x.channel === input.message?.channel && x.ts === input.message.ts,
      );
      if (!m) throw new Error("That message is gone.");
      payload = {
        ...base,
        container: {
          type: "message",
          message_ts: m.ts,
          channel_id: m.channel,
          is_ephemeral: Boolean(m.ephemeralFor),
        },
        channel: { id: m.channel, name: this.channels.get(m.channel)?.name ?? "" },
        ...(m.ephemeralFor
          ? {}
          : { message: { type: "message", ts: m.ts, text: m.text, blocks: m.blocks } }),
        response_url: this.responseUrl({ user: user.id, channel: m.channel, ts: m.ts }),
      };
    } else {
      const home = [...this.views.values()].find((v) => v.user === user.id && v.type === "home");
      payload = {
        ...base,
        container: { type: "view", view_id: home?.id ?? "V0HOME" },
        view: {
          id: home?.id ?? "V0HOME",
          type: "home",
          callback_id: "",
          private_metadata: "",
          blocks: (home?.view.blocks as unknown[]) ?? [],
        },
      };
    }
    return this.post(
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      "application/x-www-form-urlencoded",
    );
  }

  /** Submits an open modal with values by block id (as the page reads them from its inputs). */
  async submit(
    userId: string,
    viewId: string,
    values: Record<string, string | undefined>,
  ): Promise<EventResult> {
    const user = this.person(userId);
    const view = this.views.get(viewId);
    if (view?.type !== "modal") throw new Error("That form is no longer open.");
    const state: Record<string, Record<string, unknown>> = {};
    for (const block of (view.view.blocks as Record<string, unknown>[]) ?? []) {
      if (block.type !== "input") continue;
      const blockId = String(block.block_id ?? "");
      const element = block.element as Record<string, unknown>;
      const actionId = String(element.action_id ?? blockId);
      const value = values[blockId];
      state[blockId] = { [actionId]: stateValue(String(element.type), value, element) };
    }
    const payload = {
      type: "view_submission",
      team: { id: TEAM_ID, domain: "playground" },
      user: { id: user.id, username: user.name, name: user.name, team_id: TEAM_ID },
      api_app_id: "A0STACKUP",
      trigger_id: this.trigger(user.id),
      view: {
        id: view.id,
        team_id: TEAM_ID,
        type: "modal",
        callback_id: view.view.callback_id,
        private_metadata: view.view.private_metadata ?? "",
        blocks: view.view.blocks,
        state: { values: state },
      },
    };
    const result = await this.post(
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      "application/x-www-form-urlencoded",
    );
    const ack = result.body ? safeJson(result.body) : undefined;
    if (ack?.response_action !== "errors") {
      view.open = false;
      this.changed();
    }
    return result;
  }

  /**
   * Shares a file in the person's DM with the bot: the message appears there, and the bot gets
   * the message event Slack sends for it (message.im, subtype file_share, with files[]).
   */
  shareFile(userId: string, input: ShareFileInput): Promise<EventResult> {
    const user = this.person(userId);
    const channel = this.dmChannel(user.id);
    const id = this.nextId("F");
    const data = Buffer.from(input.data);
    this.files.set(id, {
      id,
      filename: input.name,
      title: input.name,
      mimetype: input.mimetype,
      data,
      complete: true,
      sharedBy: user.id,
    });
    const text = input.text ?? "";
    const message: StandInMessage = {
      channel,
      ts: this.nextTs(),
      user: user.id,
      text,
      blocks: [],
      files: [
        {
          id,
          name: input.name,
          title: input.name,
          mimetype: input.mimetype,
          url: `${this.baseUrl}/files/${id}`,
        },
      ],
    };
    this.messages.push(message);
    this.changed();
    const created = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      token: "unused",
      team_id: TEAM_ID,
      api_app_id: "A0STACKUP",
      type: "event_callback",
      event_id: this.nextId("Ev"),
      event_time: created,
      authorizations: [{ team_id: TEAM_ID, user_id: BOT_USER_ID, is_bot: true }],
      event: {
        type: "message",
        subtype: "file_share",
        text,
        user: user.id,
        channel,
        channel_type: "im",
        ts: message.ts,
        event_ts: message.ts,
        upload: false,
        display_as_bot: false,
        files: [
          {
            id,
            created,
            timestamp: created,
            name: input.name,
            title: input.name,
            mimetype: input.mimetype,
            filetype: input.name.split(".").pop()?.toLowerCase() ?? "",
            user: user.id,
            size: data.length,
            mode: "hosted",
            is_external: false,
            is_public: false,
            url_private: `${this.baseUrl}/files/${id}`,
            url_private_download: `${this.baseUrl}/files/${id}/download`,
          },
        ],
      },
    });
    return this.post(body, "application/json");
  }

  /** Opens the bot's App Home tab. */
  openHome(userId: string): Promise<EventResult> {
    const user = this.person(userId);
    const body = JSON.stringify({
      token: "unused",
      team_id: TEAM_ID,
      api_app_id: "A0STACKUP",
      type: "event_callback",
      event_id: this.nextId("Ev"),
      event_time: Math.floor(Date.now() / 1000),
      event: {
        type: "app_home_opened",
        user: user.id,
        channel: this.dmChannel(user.id),
        tab: "home",
        event_ts: `${Math.floor(Date.now() / 1000)}.000200`,
      },
    });
    return this.post(body, "application/json");
  }

  closeModal(viewId: string): void {
    const view = this.views.get(viewId);
    if (view) view.open = false;
    this.changed();
  }

  /** What one person sees: channels they're in, their DMs, ephemeral replies, home and modal. */
  snapshot(userId: string) {
    if (this.users.has(userId)) this.dmChannel(userId);
    const visible = (m: StandInMessage) => !m.ephemeralFor || m.ephemeralFor === userId;
    const channels = [...this.channels.values()].filter((c) => !c.isIm || c.user === userId);
    return {
      me: this.users.get(userId) ?? null,
      people: [...this.users.values()],
      channels: channels.map((c) => ({
        id: c.id,
        name: c.isIm ? "Stackup (DM)" : `#${c.name}`,
        isIm: c.isIm,
        messages: this.messages.filter((m) => m.channel === c.id && visible(m)),
      })),
      home: [...this.views.values()].find((v) => v.user === userId && v.type === "home") ?? null,
      modal:
        [...this.views.values()]
          .reverse()
          .find((v) => v.user === userId && v.type === "modal" && v.open) ?? null,
    };
  }
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The shape Slack puts each input type in `view.state.values`. */
function stateValue(type: string, value: string | undefined, element: Record<string, unknown>) {
  switch (type) {
    case "static_select": {
      const options = (element.options as { text: { text: string }; value: string }[]) ?? [];
      const option = options.find((o) => o.value === value);
      return { type, selected_option: option ?? null };
    }
    case "datepicker":
      return { type, selected_date: value || null };
    case "timepicker":
      return { type, selected_time: value || null };
    case "checkboxes": {
      const options = (element.options as { value: string }[]) ?? [];
      const chosen = new Set((value ?? "").split(",").filter(Boolean));
      return { type, selected_options: options.filter((o) => chosen.has(o.value)) };
    }
    default:
      return { type, value: value ?? null };
  }
}
