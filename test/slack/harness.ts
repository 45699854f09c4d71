import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createSlackApp, type SlackApp } from "../../adapters/slack/app.ts";
import type { AdapterLogger } from "../../adapters/slack/logging.ts";
import type { Actor, Core, FormResult, SharedFile } from "../../src/commands/core.ts";
import type { Config } from "../../src/config.ts";
import type { Message, Reply } from "../../src/messages/model.ts";
import type { Clock } from "../../src/time/clock.ts";
import { type FakeSlack, type FakeUser, startFakeSlack } from "../support/fake-slack.ts";
import { startTestService, type TestService } from "../support/service.ts";
import { sign, TEST_SIGNING_SECRET } from "../support/slack-signing.ts";

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
  close(): Promise<void>;
}

/** The real Bolt app mounted on a loopback HTTP server beside a health route, as production does. */
export async function startHarness(): Promise<Harness> {
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
  return {
    fake,
    core,
    slack,
    logs,
    url,
    post: (path, body, headers) => fetch(`${url}${path}`, { method: "POST", body, headers }),
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
  return {
    ...service,
    fake,
    post: (body, signing) =>
      fetch(`${service.url}/slack/events`, { method: "POST", ...sign(body, signing) }),
    async close() {
      await service.close();
      await fake.close();
    },
  };
}
