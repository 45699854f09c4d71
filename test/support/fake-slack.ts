import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import {
  type Failure,
  type RecordedCall,
  readBody,
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
  /**
   * Token rotation, as an app with it turned on gets: set, installs answer with an expiring bot
   * token (`xoxe.xoxb-…`), `expires_in` and a refresh token (`xoxe-1-…`). Unset (the default),
   * installs answer as before.
   */
  rotation: { expiresIn: number } | undefined;
  /** Refresh tokens Slack would accept, each good for one refresh, with their workspace. */
  refreshTokens: Map<string, string>;
  /** oauth.v2.access calls with `grant_type=refresh_token`. */
  refreshCalls(): RecordedCall[];
  /** How long a refresh takes to answer (0 unless set), so refreshes can overlap in tests. */
  refreshDelayMs: number;
  /**
   * Enterprise Grid: the organisation each workspace is in. An install in such a workspace
   * answers with `enterprise: { id }`, as Slack does for a workspace install inside Grid.
   */
  enterprises: Map<string, string>;
  /**
   * Enterprise Grid org-wide installs: an install "in" one of these ids (added as a team with
   * `standin.addTeam`, its token belonging to it) answers as an org-wide install of that
   * organisation: `team: null`, `enterprise: { id }`, `is_enterprise_install: true`.
   */
  orgWide: Set<string>;
}

const OAUTH_ACCESS_PATH = "/api/oauth.v2.access";

export async function startFakeSlack(
  options: Pick<
    StandInOptions,
    "eventsUrl" | "signingSecret" | "clientId" | "clientSecret" | "oauthRedirectUrl"
  > = {},
): Promise<FakeSlack> {
  const standin = new SlackStandIn({ anyChannel: true, ...options });
  const rotating: { rotation: { expiresIn: number } | undefined; refreshDelayMs: number } = {
    rotation: undefined,
    refreshDelayMs: 0,
  };
  const refreshTokens = new Map<string, string>();
  const enterprises = new Map<string, string>();
  const orgWide = new Set<string>();

  /** A new expiring bot token and refresh token for a workspace, as Slack's rotation gives. */
  function rotatingTokens(teamId: string, expiresIn: number) {
    const token = `xoxe.xoxb-1-${teamId}-${randomBytes(12).toString("hex")}`;
    const refreshToken = `xoxe-1-${teamId}-${randomBytes(16).toString("hex")}`;
    standin.tokens.set(token, { teamId, revoked: false });
    refreshTokens.set(refreshToken, teamId);
    return { access_token: token, refresh_token: refreshToken, expires_in: expiresIn };
  }

  /**
   * oauth.v2.access: the stand-in records the call, applies scripted failures and checks the
   * client; a refresh grant (which the stand-in does not know) and installs with rotation are
   * answered here.
   */
  async function oauthAccess(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const replay = Object.assign(Readable.from([raw]), {
      headers: req.headers,
      url: req.url,
      method: req.method,
    }) as unknown as IncomingMessage;
    let status = 200;
    let headers: Record<string, string> = {};
    let text = "";
    const capture = {
      writeHead(code: number, head: Record<string, string> = {}) {
        status = code;
        headers = head;
        return capture;
      },
      end(body?: string) {
        text = body ?? "";
        return capture;
      },
    } as unknown as ServerResponse;
    await standin.handle(replay, capture, OAUTH_ACCESS_PATH);
    const form = Object.fromEntries(new URLSearchParams(raw.toString("utf8")));
    if (form.grant_type === "refresh_token" && rotating.refreshDelayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, rotating.refreshDelayMs));
    }
    let answer: Record<string, unknown> | undefined;
    try {
      answer = JSON.parse(text) as Record<string, unknown>;
    } catch {
      answer = undefined;
    }
    if (status === 200 && answer) {
      if (form.grant_type === "refresh_token" && answer.error === "invalid_code") {
        const teamId = refreshTokens.get(form.refresh_token ?? "");
        if (teamId === undefined) answer = { ok: false, error: "invalid_refresh_token" };
        else {
          refreshTokens.delete(form.refresh_token!);
          const expiresIn = rotating.rotation?.expiresIn ?? 43_200;
          answer = { ok: true, token_type: "bot", ...rotatingTokens(teamId, expiresIn) };
        }
      } else if (answer.ok === true && rotating.rotation) {
        const teamId = (answer.team as { id: string }).id;
        // The token the stand-in made never reaches the app: the expiring one replaces it.
        standin.tokens.delete(String(answer.access_token));
        answer = { ...answer, ...rotatingTokens(teamId, rotating.rotation.expiresIn) };
      }
      if (form.grant_type !== "refresh_token" && answer.ok === true) {
        const team = answer.team as { id: string; name: string } | null;
        if (team && orgWide.has(team.id)) {
          answer = {
            ...answer,
            team: null,
            enterprise: { id: team.id, name: team.name },
            is_enterprise_install: true,
          };
        } else if (team && enterprises.has(team.id)) {
          answer = { ...answer, enterprise: { id: enterprises.get(team.id), name: "Grid" } };
        }
      }
      text = JSON.stringify(answer);
    }
    res.writeHead(status, headers);
    res.end(text);
  }

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const handled =
      req.method === "POST" && path === OAUTH_ACCESS_PATH
        ? oauthAccess(req, res)
        : standin.handle(req, res, path);
    handled.catch(() => {
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
    get rotation() {
      return rotating.rotation;
    },
    set rotation(value) {
      rotating.rotation = value;
    },
    get refreshDelayMs() {
      return rotating.refreshDelayMs;
    },
    set refreshDelayMs(value) {
      rotating.refreshDelayMs = value;
    },
    refreshTokens,
    enterprises,
    orgWide,
    refreshCalls: () =>
      standin.callsTo("oauth.v2.access").filter((c) => c.body.grant_type === "refresh_token"),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
