import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type Failure,
  type RecordedCall,
  SlackStandIn,
  type StandInOptions,
  type StandInUser,
} from "../../playground/slack/standin.ts";

export type { Failure, RecordedCall };
export type FakeUser = StandInUser;

/** The playground's Slack stand-in on a loopback port of its own, as tests and benches use it. */
export interface FakeSlack {
  standin: SlackStandIn;
  /** Base URL for `slackApiUrl`, ending in "/". */
  apiUrl: string;
  /** Every Web API call and response_url post, in arrival order. */
  calls: RecordedCall[];
  callsTo(method: string): RecordedCall[];
  /** A fresh response_url served by the fake. */
  responseUrl(): string;
  failNext(method: string, failure: Failure, times?: number): void;
  /** Fail a deterministic fraction of calls to a method. */
  failFraction(method: string, fraction: number, failure: Failure): void;
  addUser(user: FakeUser): void;
  /** Resolves with the first recorded call (past or future) that matches. */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeSlack(
  options: Pick<
    StandInOptions,
    "eventsUrl" | "signingSecret" | "clientId" | "clientSecret" | "oauthRedirectUrl"
  > = {},
): Promise<FakeSlack> {
  const standin = new SlackStandIn({ anyChannel: true, ...options });
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    standin.handle(req, res, path).catch(() => {
      res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  standin.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    standin,
    get apiUrl() {
      return standin.apiUrl;
    },
    calls: standin.calls,
    callsTo: (method) => standin.callsTo(method),
    responseUrl: () => standin.responseUrl(),
    failNext: (method, failure, times) => standin.failNext(method, failure, times),
    failFraction: (method, fraction, failure) => standin.failFraction(method, fraction, failure),
    addUser: (user) => standin.addUser(user),
    waitFor: (predicate, timeoutMs) => standin.waitFor(predicate, timeoutMs),
    reset: () => standin.reset(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
