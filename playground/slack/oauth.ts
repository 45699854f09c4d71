import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { TEAM_ID } from "./records.ts";
import type { StandInState } from "./state.ts";

/** Add to Slack: the authorize page and oauth.v2.access. */

/**
 * The authorize page: the installer in `team` approves, and is sent back to the app's redirect
 * URL with a one-time code and the state the app put in the link.
 */
export function authorize(
  s: StandInState,
  link: string | URL,
  who: { team?: string; user?: string } = {},
): string {
  const url = new URL(link);
  const q = url.searchParams;
  const teamId = who.team ?? q.get("team") ?? TEAM_ID;
  if (!s.teams.has(teamId)) throw new Error(`No such workspace in the stand-in: ${teamId}`);
  if (s.clientId && q.get("client_id") !== s.clientId) {
    throw new Error("The authorize link names another app's client id.");
  }
  const redirectUri = q.get("redirect_uri") ?? undefined;
  const target = redirectUri ?? s.oauthRedirectUrl;
  if (!target) throw new Error("The stand-in does not know where to send the installer back.");
  const code = `code-${randomBytes(8).toString("hex")}`;
  s.oauthCodes.set(code, {
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
export function exchangeCode(
  s: StandInState,
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
  if (s.clientId && clientId !== s.clientId) return { ok: false, error: "invalid_client_id" };
  if (s.clientSecret && clientSecret !== s.clientSecret) {
    return { ok: false, error: "bad_client_secret" };
  }
  const code = String(body.code ?? "");
  const grant = s.oauthCodes.get(code);
  if (!grant) return { ok: false, error: "invalid_code" };
  s.oauthCodes.delete(code);
  if (grant.redirectUri !== undefined && body.redirect_uri !== grant.redirectUri) {
    return { ok: false, error: "bad_redirect_uri" };
  }
  const team = s.teams.get(grant.teamId)!;
  const token = `xoxb-${team.id}-${randomBytes(12).toString("hex")}`;
  s.tokens.set(token, { teamId: team.id, revoked: false });
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

/** The authorize page over HTTP: approves as the link says and redirects back to the app. */
export function serveAuthorize(
  s: StandInState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
) {
  const link = new URL(req.url ?? "", "http://127.0.0.1");
  s.record({
    method: "oauth.authorize",
    path,
    body: Object.fromEntries(link.searchParams),
    authorization: req.headers.authorization,
    contentType: req.headers["content-type"],
  });
  let location: string;
  try {
    location = authorize(s, `${s.baseUrl}${path}${link.search}`);
  } catch (error) {
    res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
    res.end(error instanceof Error ? error.message : String(error));
    return;
  }
  res.writeHead(302, { location });
  res.end();
}
