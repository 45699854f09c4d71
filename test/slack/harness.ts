import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import {
  createSlackApp,
  SLACK_EVENTS_PATH,
  type SlackApp,
  type SlackAppOptions,
} from "../../adapters/slack/app.ts";
import type { AdapterLogger } from "../../adapters/slack/logging.ts";
import { type RunningApp, startApp } from "../../bin/app.ts";
import type { Actor, Core, FormResult, SharedFile } from "../../src/commands/core.ts";
import type { Config } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import type { Message, Reply } from "../../src/messages/model.ts";
import type { Clock } from "../../src/time/clock.ts";
import { testConfig } from "../support/app.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import {
  type FakeSlack,
  type FakeUser,
  type RecordedCall,
  startFakeSlack,
} from "../support/fake-slack.ts";
import { startTestService, type TestService } from "../support/service.ts";
import {
  type SlashCommandInput,
  sign,
  slashCommandBody,
  TEST_SIGNING_SECRET,
} from "../support/slack-signing.ts";

export const BOT_TOKEN = "xoxb-test-bot-token-do-not-log";

export type CoreCall =
  | { kind: "command"; actor: Actor; text: string }
  | { kind: "action"; actor: Actor; action: string; value: string }
  | {
      kind: "submit";
      actor: Actor;
      formId: string;
      state: string | undefined;
      values: Record<string, string | undefined>;
    }
  | { kind: "home"; actor: Actor }
  | { kind: "file"; actor: Actor; file: SharedFile };

type Person = Pick<Actor, "platform" | "workspaceExternalId" | "userExternalId">;

/** A Core whose answers each test sets, recording every call. */
export class StubCore implements Core {
  calls: CoreCall[] = [];
  onCommand: (text: string) => Promise<Reply> = async () => ({ kind: "none" });
  onAction: (action: string, value: string) => Promise<Reply> = async () => ({ kind: "none" });
  onSubmit: (formId: string) => Promise<FormResult> = async () => ({
    ok: true,
    reply: { kind: "none" },
  });
  onFile: (file: SharedFile) => Promise<Reply> = async () => ({ kind: "none" });
  /** The language the core would say it last answered someone in. */
  localeOf: NonNullable<Core["localeOf"]> = () => undefined;
  onHome: () => Promise<Message> = async () => ({
    summary: "Home",
    blocks: [{ type: "header", text: "Your goals" }],
  });

  command(actor: Actor, text: string) {
    this.calls.push({ kind: "command", actor, text });
    return this.onCommand(text);
  }
  action(actor: Actor, action: string, value: string) {
    this.calls.push({ kind: "action", actor, action, value });
    return this.onAction(action, value);
  }
  submit(
    actor: Actor,
    formId: string,
    state: string | undefined,
    values: Record<string, string | undefined>,
  ) {
    this.calls.push({ kind: "submit", actor, formId, state, values });
    return this.onSubmit(formId);
  }
  home(actor: Actor) {
    this.calls.push({ kind: "home", actor });
    return this.onHome();
  }
  file(actor: Actor, file: SharedFile) {
    this.calls.push({ kind: "file", actor, file });
    return this.onFile(file);
  }
  /** People whose profile the platform said changed. */
  changed: Person[] = [];
  async profileChanged(person: Person): Promise<void> {
    this.changed.push(person);
  }
}

export interface LogLine {
  level: string;
  text: string;
}

/** Keeps every log line as text, so tests can look for leaked secrets. */
export function recordingLogger(lines: LogLine[]): AdapterLogger {
  const at =
    (level: string) =>
    (...args: unknown[]) => {
      lines.push({ level, text: JSON.stringify(args) });
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  } as unknown as AdapterLogger;
}

export interface Harness {
  fake: FakeSlack;
  core: StubCore;
  slack: SlackApp;
  logs: LogLine[];
  /** Base URL of the service's HTTP server, with /healthz and the Slack handler mounted. */
  url: string;
  post(path: string, body: string, headers: Record<string, string>): Promise<Response>;
  /** Sends a signed `/learn <text>`; its reply goes to `responseUrl` on the fake. */
  slash(text: string, responseUrl?: string): { responseUrl: string; response: Promise<Response> };
  /** Forgets the calls, logs and fake Slack's records of earlier tests. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * The real Bolt app mounted on a loopback HTTP server beside a health route, as production does;
 * `options` can bound the work after acks and set the clock queued replies are aged by.
 */
export async function startHarness(
  options: Pick<SlackAppOptions, "work" | "now"> = {},
): Promise<Harness> {
  const fake = await startFakeSlack();
  fake.addUser({
    id: "U0ALICE",
    name: "alice",
    real_name: "Alice Liddell",
    display_name: "",
    email: "alice@example.test",
    tz: "Europe/Berlin",
  });
  const core = new StubCore();
  const logs: LogLine[] = [];
  const slack = await createSlackApp({
    core,
    config: {
      logLevel: "debug",
      slack: {
        signingSecret: TEST_SIGNING_SECRET,
        botToken: BOT_TOKEN,
        appToken: undefined,
        apiUrl: fake.apiUrl,
      },
    },
    logger: recordingLogger(logs),
    ...options,
  });
  const handle = slack.handle;
  if (!handle) throw new Error("HTTP mode should expose a handler");
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/healthz") {
      res.end("ok");
      return;
    }
    handle(req, res, () => {
      res.statusCode = 404;
      res.end("not found");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${url}${path}`, { method: "POST", body, headers });
  return {
    fake,
    core,
    slack,
    logs,
    url,
    post,
    slash(text, responseUrl = fake.responseUrl()) {
      const signed = sign(slashCommandBody({ text, responseUrl }));
      return { responseUrl, response: post(SLACK_EVENTS_PATH, signed.body, signed.headers) };
    },
    reset() {
      fake.reset();
      core.calls.length = 0;
      core.changed.length = 0;
      logs.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await slack.stop();
      await fake.close();
    },
  };
}

/** Polls until `check` returns a value, for work that continues after the ack. */
export async function eventually<T>(check: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The person the service tests talk as, with a full Slack profile. */
export const ALICE: FakeUser = {
  id: "U0ALICE",
  name: "alice",
  real_name: "Alice Liddell",
  email: "alice@example.test",
  tz: "Europe/Berlin",
};

export interface SlackService extends TestService {
  fake: FakeSlack;
  /** Posts `body` to /slack/events, signed as Slack signs it unless `signing` says otherwise. */
  post(body: string, signing?: Parameters<typeof sign>[1]): Promise<Response>;
  /** Types a slash command (`/learn` by default), expects it acked, and waits for its reply. */
  command(
    text: string,
    input?: Omit<SlashCommandInput, "text" | "responseUrl">,
  ): Promise<RecordedCall>;
}

/**
 * The real service, web and worker in one process, talking to a fake Slack that knows ALICE.
 * The fake also knows where the service listens, so `fake.standin` can act as her.
 */
export async function startSlackService(options: {
  label: string;
  config?: Partial<Config>;
  clock?: Clock;
}): Promise<SlackService> {
  const fake = await startFakeSlack();
  fake.standin.signingSecret = TEST_SIGNING_SECRET;
  fake.addUser(ALICE);
  let service: TestService;
  try {
    service = await startTestService({ ...options, role: "all", slackApiUrl: fake.apiUrl });
  } catch (error) {
    await fake.close();
    throw error;
  }
  fake.standin.eventsUrl = `${service.url}/slack/events`;
  const post = (body: string, signing?: Parameters<typeof sign>[1]) =>
    fetch(`${service.url}/slack/events`, { method: "POST", ...sign(body, signing) });
  return {
    ...service,
    fake,
    post,
    async command(text, input = {}) {
      const responseUrl = fake.responseUrl();
      const res = await post(slashCommandBody({ ...input, text, responseUrl }));
      expect(res.status).toBe(200);
      return fake.waitFor((c) => c.method === "response_url" && responseUrl.endsWith(c.path));
    },
    async close() {
      await service.close();
      await fake.close();
    },
  };
}

/** The Add to Slack app's credentials, as Slack and the service both know them. */
export interface AddToSlackApp {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
}

/** The steps of Add to Slack up to Slack sending the browser back, for tests to check. */
export interface InstallStart {
  /** The install page, and the state cookie it set. */
  page: Response;
  cookie: string;
  /** The page's Add to Slack link as written, and as followed (with the fake's team and user). */
  href: string | undefined;
  link: URL;
  /** Slack's authorize page approving, and where it sends the browser back to. */
  approved: Response;
  back: URL;
}

export interface AddToSlack {
  t: TestDatabase;
  fake: FakeSlack;
  app: RunningApp;
  /** Base URL of the service's HTTP server. */
  url: string;
  /** Every line the service logged, at debug level, for tests to look for leaked secrets. */
  logs: string[];
  /** The service's config; `slack` overrides its Slack settings (e.g. another key). */
  config(slack?: Partial<Config["slack"]>): Config;
  /** `user` of `team` (the organisation's id for an org-wide install) approves on Slack. */
  startInstall(team: string, user: string): Promise<InstallStart>;
  /** The browser comes back to the service's redirect with the state cookie. */
  finishInstall(
    start: Pick<InstallStart, "cookie" | "back">,
  ): Promise<{ res: Response; text: string }>;
  /** The whole OAuth dance, from the install page to the service's answer. */
  install(team: string, user: string): Promise<InstallStart & { res: Response; text: string }>;
  /** The fake's live bot tokens of a workspace or organisation. */
  liveTokens(team: string): string[];
  /** The one live bot token of a workspace or organisation, checked to be the only one. */
  tokenOf(team: string): string;
  stop(): Promise<void>;
}

/**
 * The real service, web and worker in one process, with Add to Slack on: a fresh database, and a
 * fake Slack that knows the app's credentials, sends the browser back to the service and posts
 * events to it. `prepare` adds the teams and people before the service starts.
 */
export async function startAddToSlack(options: {
  label: string;
  app: AddToSlackApp;
  clock: Clock;
  /** The workspaces (and organisations) that can install Stackup, by id: their names. */
  teams: Record<string, string>;
  /**
   * The people, by id: their whole profile, or just their workspace for a profile named after
   * their id, in Berlin.
   */
  people: Record<string, string | Omit<FakeUser, "id">>;
  /** Anything else Slack should know before the service starts. */
  prepare?(fake: FakeSlack): void;
}): Promise<AddToSlack> {
  const { clientId, clientSecret, stateSecret } = options.app;
  const t = await createTestDatabase(options.label);
  let fake: FakeSlack | undefined;
  try {
    fake = await startFakeSlack({ clientId, clientSecret, signingSecret: TEST_SIGNING_SECRET });
    for (const [id, name] of Object.entries(options.teams)) fake.standin.addTeam({ id, name });
    for (const [id, person] of Object.entries(options.people)) {
      fake.addUser(
        typeof person === "string"
          ? { id, name: id.toLowerCase(), real_name: id, tz: "Europe/Berlin", team: person }
          : { id, ...person },
      );
    }
    options.prepare?.(fake);
    const apiUrl = fake.apiUrl;
    const config = (slack: Partial<Config["slack"]> = {}): Config => ({
      ...testConfig({ schema: t.schema, slackApiUrl: apiUrl }),
      slack: {
        signingSecret: TEST_SIGNING_SECRET,
        botToken: undefined,
        appToken: undefined,
        apiUrl,
        clientId,
        clientSecret,
        stateSecret,
        tokenKey: stateSecret,
        ...slack,
      },
    });
    const logs: string[] = [];
    const app = await startApp({
      config: config(),
      logger: createLogger("debug", { write: (line: string) => void logs.push(line) }),
      role: "all",
      clock: options.clock,
    });
    const url = app.http!.url;
    fake.standin.oauthRedirectUrl = `${url}/slack/oauth_redirect`;
    fake.standin.eventsUrl = `${url}/slack/events`;

    const startInstall = async (team: string, user: string): Promise<InstallStart> => {
      const page = await fetch(`${url}/slack/install`);
      const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0]!;
      const html = await page.text();
      const href = /id="add-to-slack" href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&");
      if (!href) throw new Error(`The install page (${page.status}) has no Add to Slack link`);
      const link = new URL(href);
      link.searchParams.set("team", team);
      link.searchParams.set("user", user);
      const approved = await fetch(link, { redirect: "manual" });
      const location = approved.headers.get("location");
      if (!location) throw new Error(`Slack's authorize page answered ${approved.status}`);
      return { page, cookie, href, link, approved, back: new URL(location) };
    };
    const finishInstall = async ({ cookie, back }: Pick<InstallStart, "cookie" | "back">) => {
      const res = await fetch(back, { headers: { cookie }, redirect: "manual" });
      return { res, text: await res.text() };
    };
    const slack = fake;
    const liveTokens = (team: string) =>
      [...slack.standin.tokens].filter(([, v]) => v.teamId === team && !v.revoked).map(([k]) => k);
    return {
      t,
      fake: slack,
      app,
      url,
      logs,
      config,
      startInstall,
      finishInstall,
      async install(team, user) {
        const start = await startInstall(team, user);
        return { ...start, ...(await finishInstall(start)) };
      },
      liveTokens,
      tokenOf(team) {
        const found = liveTokens(team);
        expect(found).toHaveLength(1);
        return found[0]!;
      },
      async stop() {
        await app.stop();
        await slack.close();
        await t.drop();
      },
    };
  } catch (error) {
    await fake?.close();
    await t.drop();
    throw error;
  }
}
