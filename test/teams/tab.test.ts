import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { translator } from "../../src/i18n/index.ts";
import { startTeamsService, type TeamsService } from "./harness.ts";

const APP_ID = "00000000-0000-4000-8000-0000000000b0";
const TENANT = "72f988bf-0000-4000-8000-0000000000aa";
const PUBLIC_URL = "https://stackup.example.test";
const AUDIENCE = `api://stackup.example.test/${APP_ID}`;
const OID = "00000000-0000-4000-8000-00000000a11c";

type Key = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

/** Entra ID's published keys, as a stand-in on loopback: the tab must never go elsewhere. */
async function startKeyServer(
  jwks: unknown,
): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits += 1;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/discovery/v2.0/keys`,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("Teams personal tab: Home with Teams SSO, tokens checked against loopback keys", () => {
  let h: TeamsService;
  let keys: Awaited<ReturnType<typeof startKeyServer>>;
  let signing: Key;
  let stranger: Key;

  const token = (claims: JWTPayload = {}, key: Key = signing, kid = "k1") => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      aud: AUDIENCE,
      iat: now,
      exp: now + 3600,
      tid: TENANT,
      oid: OID,
      name: "Alice <b>Liddell</b>",
      preferred_username: "alice@example.test",
      ...claims,
    })
      .setProtectedHeader({ alg: "RS256", kid })
      .sign(key);
  };

  const home = (bearer?: string) =>
    fetch(
      `${h.url}/teams/tab/home`,
      bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {},
    );

  beforeAll(async () => {
    const pair = await generateKeyPair("RS256");
    signing = pair.privateKey;
    stranger = (await generateKeyPair("RS256")).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    keys = await startKeyServer({ keys: [jwk] });
    const { teams } = loadConfig({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: "test-password-never-sent",
      MicrosoftAppType: "SingleTenant",
      MicrosoftAppTenantId: TENANT,
      PUBLIC_URL,
      TEAMS_SSO_KEYS_URL: keys.url,
    });
    h = await startTeamsService({ label: "teams_tab", role: "web", config: { teams } });
  });
  afterAll(async () => {
    await h?.close();
    await keys?.close();
  });

  it("serves the page with the Teams client script, framed by Teams only", async () => {
    const page = await fetch(`${h.url}/teams/tab`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("MicrosoftTeams.min.js");
    expect(html).toContain('<script src="tab.js">');
    expect(page.headers.get("content-security-policy")).toContain(
      "frame-ancestors https://teams.microsoft.com",
    );
    const script = await (await fetch(`${h.url}/teams/tab.js`)).text();
    expect(script).toContain("getAuthToken");
    // English when Teams names no language the catalogue has
    expect(html).toContain('<html lang="en-GB">');
    expect(html).toContain("Loading your goals…");
  });

  it("speaks the language Teams puts in the tab's URL, notes for the script included", async () => {
    const html = await (await fetch(`${h.url}/teams/tab?locale=ja-jp`)).text();
    const ja = translator("ja");
    expect(html).toContain('<html lang="ja-JP">');
    expect(html).toContain(ja.t("web.tabLoading"));
    expect(html).toContain(`data-unauthorized="${ja.t("web.tabUnauthorized")}"`);
    expect(html).not.toContain("Loading your goals");
    const script = await (await fetch(`${h.url}/teams/tab.js`)).text();
    expect(script).not.toMatch(/say\("/);
    // a locale parameter can't reach the page as markup
    const odd = await (await fetch(`${h.url}/teams/tab?locale=%22%3E%3Cscript%3E`)).text();
    expect(odd).toContain('<html lang="en-GB">');
    expect(odd).not.toContain("<script>");
  });

  it("shows the person's Home for a valid token, signing them up on first visit", async () => {
    const res = await home(await token());
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("You have no learning goals yet.");
    expect(html).toContain("<code>learn goal &lt;credential&gt;");
    expect(html).not.toContain("<b>");
    const user = await h.db
      .selectFrom("users")
      .select(["platform_user_id", "display_name", "email"])
      .executeTakeFirstOrThrow();
    expect(user).toEqual({
      platform_user_id: OID,
      display_name: "Alice <b>Liddell</b>",
      email: "alice@example.test",
    });
    expect(keys.hits()).toBe(1);
  });

  it("shows their goals with their pace, escaping what they typed", async () => {
    const user = await h.db.selectFrom("users").select("id").executeTakeFirstOrThrow();
    const at = new Date();
    await h.db
      .insertInto("goals")
      .values({
        user_id: user.id,
        title: "Rust <script>alert(1)</script>",
        hours_per_week: 3,
        created_at: at,
        updated_at: at,
      })
      .execute();
    const html = await (await home(await token())).text();
    expect(html).toContain("Rust &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>");
    expect(html).toContain("<h2>Your learning goals</h2>");
    expect(html).toContain("Not started yet · plan 3 h/week");
  });

  it.each([
    ["no token", async () => undefined],
    ["a token signed by another key", async () => token({}, stranger)],
    ["a token for another app", async () => token({ aud: "api://elsewhere.test/other" })],
    ["an expired token", async () => token({ exp: Math.floor(Date.now() / 1000) - 3600 })],
    [
      "a token from another tenant",
      async () => token({ tid: "11111111-0000-4000-8000-000000000000" }),
    ],
    ["a token without a person", async () => token({ oid: undefined })],
    ["a malformed token", async () => "not-a-jwt"],
  ])("refuses %s and shows nothing", async (_label, make) => {
    const users = await h.db.selectFrom("users").select("id").execute();
    const res = await home(await make());
    expect(res.status).toBe(401);
    expect(await res.text()).toBe("Not signed in.");
    expect(await h.db.selectFrom("users").select("id").execute()).toEqual(users);
  });
});
