import { randomBytes } from "node:crypto";
import {
  BOT_USER_ID,
  type Failure,
  type RecordedCall,
  type StandInChannel,
  type StandInMessage,
  type StandInOptions,
  type StandInTeam,
  type StandInToken,
  type StandInUser,
  type StandInView,
  type StoredFile,
  TEAM_ID,
} from "./records.ts";

/**
 * The pretend workspace the stand-in keeps in memory: people, channels, messages, views, files,
 * tokens, the calls the bot made and the failures scripted for it. The Web API, the events and
 * OAuth read and change it.
 */
export class StandInState {
  readonly calls: RecordedCall[] = [];
  readonly users = new Map<string, StandInUser>();
  readonly channels = new Map<string, StandInChannel>();
  readonly messages: StandInMessage[] = [];
  readonly views = new Map<string, StandInView>();
  readonly files = new Map<string, StoredFile>();
  /** Answers the bot sent to response_urls, by the response id, in order. */
  readonly responseTargets = new Map<string, { user: string; channel: string; ts?: string }>();
  readonly scripted = new Map<string, { failure: Failure; times: number }[]>();
  readonly fractions = new Map<
    string,
    { fraction: number; failure: Failure; seen: number; failed: number }
  >();
  readonly waiters = new Set<{
    predicate: (c: RecordedCall) => boolean;
    resolve: (c: RecordedCall) => void;
  }>();
  readonly listeners = new Set<() => void>();
  counter = 0;
  tsSeconds = 1_700_000_000;
  eventsUrl: string | undefined;
  signingSecret: string;
  baseUrl: string;
  readonly anyChannel: boolean;
  /** Workspaces by team id; the stand-in's own is always there. */
  readonly teams = new Map<string, StandInTeam>();
  /** Bot tokens it knows; a token it doesn't know belongs to its own workspace. */
  readonly tokens = new Map<string, StandInToken>();
  /** Codes the authorize page handed out, each good for one oauth.v2.access. */
  readonly oauthCodes = new Map<
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

  nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}${String(this.counter).padStart(6, "0")}`;
  }

  nextTs(): string {
    this.counter += 1;
    return `${this.tsSeconds}.${String(this.counter).padStart(6, "0")}`;
  }

  /** Called after every change, so a page can refresh. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed() {
    for (const listener of this.listeners) listener();
  }

  addUser(user: StandInUser): void {
    this.users.set(user.id, user);
    this.changed();
  }

  /**
   * The person switches their Slack client's language; users.info reports it from then on.
   * Undefined goes back to none. False when there is no such person.
   */
  setUserLocale(userId: string, locale: string | undefined): boolean {
    const user = this.users.get(userId);
    if (!user) return false;
    if (locale) user.locale = locale;
    else delete user.locale;
    this.changed();
    return true;
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

  takeFailure(method: string): Failure | undefined {
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

  record(call: RecordedCall) {
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

  postMessage(body: Record<string, unknown>, extra: Partial<StandInMessage> = {}): StandInMessage {
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

  /** Trigger ids handed out with requests, so views.open knows whose screen to open on. */
  readonly triggerUsers = new Map<string, string>();

  trigger(user: string): string {
    const id = `${this.counter + 1}.${Date.now()}.${randomBytes(4).toString("hex")}`;
    this.counter += 1;
    this.triggerUsers.set(id, user);
    return id;
  }

  person(id: string): StandInUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`No such person in the playground: ${id}`);
    return user;
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
