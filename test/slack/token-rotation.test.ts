import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installationTokens, SlackInstallations } from "../../adapters/slack/installations.ts";
import { createMessengerClient, createSlackMessenger } from "../../adapters/slack/messenger.ts";
import { TokenCipher } from "../../adapters/slack/token-cipher.ts";
import type { RunningApp } from "../../bin/app.ts";
import { DeliveryError } from "../../src/delivery/errors.ts";
import { createLogger } from "../../src/log.ts";
import type { Destination } from "../../src/ports.ts";
import { ManualClock } from "../../src/time/clock.ts";
import type { TestDatabase } from "../support/db.ts";
import type { FakeSlack } from "../support/fake-slack.ts";
import { sign, slashCommandBody } from "../support/slack-signing.ts";
import { type AddToSlack, startAddToSlack } from "./harness.ts";

const CLIENT_ID = "3333.4444";
const CLIENT_SECRET = "rotation-client-secret-never-logged-0123";
const STATE_SECRET = "rotation-state-secret-never-logged-0123456789";
const HOUR = 3_600_000;
const TWELVE_HOURS = 12 * 3600;

describe("Slack token rotation: expiring bot tokens refreshed before use (real Bolt, PostgreSQL, fake Slack)", () => {
  let s: AddToSlack;
  // Set from `s` once it has started, for the tests to use as they are.
  let t: TestDatabase, fake: FakeSlack, app: RunningApp, url: string, logs: string[];
  const clock = new ManualClock(new Date());
  const cipher = new TokenCipher(STATE_SECRET);

  const row = (key: string) =>
    t.db
      .selectFrom("slack_installations")
      .where("installation_key", "=", key)
      .selectAll()
      .executeTakeFirst();

  /** What the stored row decrypts to. */
  async function stored(key: string) {
    const r = await row(key);
    if (!r) return undefined;
    const open = (sealed: Buffer | null) =>
      sealed ? cipher.open({ sealed, keyId: r.token_key_id }, key) : null;
    return {
      token: open(r.bot_token_encrypted),
      refreshToken: open(r.refresh_token_encrypted),
      expiresAt: r.bot_token_expires_at?.getTime() ?? null,
      row: r,
    };
  }

  /** The fake's live bot tokens for a workspace. */
  const liveTokens = (team: string) => s.liveTokens(team);

  async function install(team: string, user: string) {
    expect((await s.install(team, user)).text).toContain("Stackup is installed");
  }

  async function channelIn(team: string): Promise<Destination> {
    const workspace = await t.db
      .selectFrom("workspaces")
      .where("external_id", "=", team)
      .select("id")
      .executeTakeFirstOrThrow();
    return { kind: "channel", workspaceId: workspace.id, channelId: `C0${team}LEARN` };
  }

  const postsTo = (channel: string) =>
    fake.callsTo("chat.postMessage").filter((c) => c.body.channel === channel);

  /** Every refresh token Slack handed out or was shown, for the log check. */
  const refreshTokensSeen = new Set<string>();
  const noteRefreshTokens = () => {
    for (const token of fake.refreshTokens.keys()) refreshTokensSeen.add(token);
    for (const call of fake.refreshCalls()) refreshTokensSeen.add(String(call.body.refresh_token));
  };

  beforeAll(async () => {
    s = await startAddToSlack({
      label: "slack_token_rotation",
      app: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, stateSecret: STATE_SECRET },
      clock,
      teams: { T0ROT: "Rotating", T0FIX: "Fixed" },
      people: { U0ROSA: "T0ROT", U0RENE: "T0ROT", U0FRED: "T0FIX" },
    });
    ({ t, fake, app, url, logs } = s);
  });
  afterAll(() => s?.stop());

  it("installs without rotation as before: no refresh token, no expiry, never refreshed", async () => {
    fake.rotation = undefined;
    await install("T0FIX", "U0FRED");
    const saved = await stored("T0FIX");
    expect(saved).toMatchObject({ refreshToken: null, expiresAt: null });
    expect(saved?.token).toMatch(/^xoxb-T0FIX-/);
    const to = await channelIn("T0FIX");
    await app.messenger.send(to, { summary: "Day one", blocks: [] });
    clock.advance(30 * 24 * HOUR); // a month on: a token without rotation does not expire
    await app.messenger.send(to, { summary: "A month on", blocks: [] });
    expect(postsTo("C0T0FIXLEARN").map((c) => c.authorization)).toEqual([
      `Bearer ${saved?.token}`,
      `Bearer ${saved?.token}`,
    ]);
    expect(fake.refreshCalls()).toEqual([]);
  });

  it("installs with rotation: the refresh token is stored encrypted and the expiry kept", async () => {
    fake.rotation = { expiresIn: TWELVE_HOURS };
    await install("T0ROT", "U0ROSA");
    const [token] = liveTokens("T0ROT");
    expect(token).toMatch(/^xoxe\.xoxb-/);
    const [refreshToken] = [...fake.refreshTokens.keys()];
    expect(refreshToken).toMatch(/^xoxe-1-/);
    const saved = await stored("T0ROT");
    expect(saved).toMatchObject({ token, refreshToken });
    expect(
      Math.abs(saved!.expiresAt! - (clock.now().getTime() + TWELVE_HOURS * 1000)),
    ).toBeLessThan(5_000);
    for (const bytes of [saved!.row.bot_token_encrypted, saved!.row.refresh_token_encrypted!]) {
      const raw = bytes.toString("latin1");
      expect(raw).not.toContain("xox");
      for (const secret of [token!, refreshToken!]) {
        expect(bytes.includes(Buffer.from(secret))).toBe(false);
        expect(bytes.includes(Buffer.from(secret.slice(-16)))).toBe(false);
      }
    }
    // Used at once, it is not refreshed: it has twelve hours left.
    await app.messenger.send(await channelIn("T0ROT"), { summary: "Hello", blocks: [] });
    expect(postsTo("C0T0ROTLEARN").map((c) => c.authorization)).toEqual([`Bearer ${token}`]);
    expect(fake.refreshCalls()).toEqual([]);
  });

  it("refreshes once before a send near expiry, posts with the new token and stores it", async () => {
    const before = await stored("T0ROT");
    clock.advance(11 * HOUR); // an hour left: within the two-hour margin
    await app.messenger.send(await channelIn("T0ROT"), { summary: "Near expiry", blocks: [] });

    const refreshes = fake.refreshCalls();
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.body).toMatchObject({
      grant_type: "refresh_token",
      refresh_token: before?.refreshToken,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(refreshes[0]?.contentType).toContain("application/x-www-form-urlencoded");
    const after = await stored("T0ROT");
    expect(after?.token).not.toBe(before?.token);
    expect(after?.token).toMatch(/^xoxe\.xoxb-/);
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
    expect(fake.refreshTokens.has(after!.refreshToken!)).toBe(true);
    expect(after?.expiresAt).toBe(clock.now().getTime() + TWELVE_HOURS * 1000);
    // A refresh is not a reinstall: a late uninstall event must still find the row older.
    expect(after?.row.updated_at).toEqual(before?.row.updated_at);
    expect(postsTo("C0T0ROTLEARN").at(-1)?.authorization).toBe(`Bearer ${after?.token}`);
    noteRefreshTokens();
  });

  it("20 sends at once near expiry, from two processes, make exactly one refresh", async () => {
    clock.advance(11 * HOUR);
    const other = new SlackInstallations(t.db, cipher, () => clock.now().getTime(), {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      apiUrl: fake.apiUrl,
    });
    const otherMessenger = createSlackMessenger(
      createMessengerClient(s.config(), createLogger("silent")),
      async () => "U0ROSA",
      { tokens: installationTokens(other, async () => "T0ROT") },
    );
    const to = await channelIn("T0ROT");
    const refreshes = fake.refreshCalls().length;
    const posts = postsTo("C0T0ROTLEARN").length;
    // Slack answers slowly: both processes need the token while the refresh is under way.
    fake.refreshDelayMs = 300;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? otherMessenger : app.messenger).send(to, { summary: `Send ${i}`, blocks: [] }),
      ),
    );
    fake.refreshDelayMs = 0;
    expect(fake.refreshCalls()).toHaveLength(refreshes + 1);
    const token = (await stored("T0ROT"))?.token;
    const sent = postsTo("C0T0ROTLEARN").slice(posts);
    expect(sent).toHaveLength(20);
    expect(new Set(sent.map((c) => c.authorization))).toEqual(new Set([`Bearer ${token}`]));
    noteRefreshTokens();
  });

  it("authorizes an incoming signed request near expiry with the refreshed token", async () => {
    clock.advance(11 * HOUR);
    const before = await stored("T0ROT");
    const refreshes = fake.refreshCalls().length;
    const responseUrl = fake.responseUrl();
    const signed = sign(
      slashCommandBody({
        teamId: "T0ROT",
        teamDomain: "rot",
        userId: "U0RENE",
        text: "goals",
        responseUrl,
      }),
    );
    const res = await fetch(`${url}/slack/events`, { method: "POST", ...signed });
    expect(res.status).toBe(200);
    await fake.waitFor((c) => c.method === "response_url" && responseUrl.endsWith(c.path));
    expect(fake.refreshCalls()).toHaveLength(refreshes + 1);
    const after = await stored("T0ROT");
    expect(after?.token).not.toBe(before?.token);
    const profile = fake.callsTo("users.info").filter((c) => c.body.user === "U0RENE");
    expect(profile.map((c) => c.authorization)).toEqual([`Bearer ${after?.token}`]);
    noteRefreshTokens();
  });

  it("uses the current token when a refresh fails with a 500 and the token still works", async () => {
    clock.advance(11 * HOUR);
    const before = await stored("T0ROT");
    const refreshes = fake.refreshCalls().length;
    fake.failNext("oauth.v2.access", { status: 500 });
    const to = await channelIn("T0ROT");
    await app.messenger.send(to, { summary: "Slack is having a moment", blocks: [] });
    await app.messenger.send(to, { summary: "Still", blocks: [] });
    // One attempt, not one per send; both posts went out with the token that still works.
    expect(fake.refreshCalls()).toHaveLength(refreshes + 1);
    expect(
      postsTo("C0T0ROTLEARN")
        .slice(-2)
        .map((c) => c.authorization),
    ).toEqual([`Bearer ${before?.token}`, `Bearer ${before?.token}`]);
    expect(await stored("T0ROT")).toEqual(before);
    expect(logs.join("\n")).toContain("Could not refresh a Slack bot token");

    // Once expired, a failing refresh is a passing failure for the send, never "not installed".
    clock.advance(HOUR + 1_000);
    fake.failNext("oauth.v2.access", { status: 500 });
    const failure = await app.messenger
      .send(to, { summary: "Expired", blocks: [] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure).toMatchObject({ permanent: false, code: "http_500" });
    // Slack answers again: the next send refreshes and goes out.
    await app.messenger.send(to, { summary: "Back", blocks: [] });
    const after = await stored("T0ROT");
    expect(after?.token).not.toBe(before?.token);
    expect(postsTo("C0T0ROTLEARN").at(-1)?.authorization).toBe(`Bearer ${after?.token}`);
    noteRefreshTokens();
  });

  it("a refused refresh leaves the workspace not installed: sends fail for good, tried once", async () => {
    clock.advance(11 * HOUR);
    const refreshes = fake.refreshCalls().length;
    const posts = fake.callsTo("chat.postMessage").length;
    fake.failNext("oauth.v2.access", { error: "invalid_refresh_token" });
    const to = await channelIn("T0ROT");
    for (let i = 0; i < 3; i++) {
      const failure = await app.messenger
        .send(to, { summary: `Refused ${i}`, blocks: [] })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(DeliveryError);
      expect(failure).toMatchObject({ permanent: true, code: "not_installed" });
    }
    expect(fake.refreshCalls()).toHaveLength(refreshes + 1);
    expect(fake.callsTo("chat.postMessage")).toHaveLength(posts);
    expect(await row("T0ROT")).toBeUndefined();
    const refused = logs.filter((line) => line.includes("Slack refused to refresh"));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain("invalid_refresh_token");
    // The workspace without rotation is untouched.
    await app.messenger.send(await channelIn("T0FIX"), { summary: "Still here", blocks: [] });
    noteRefreshTokens();
  });

  it("never logs a bot token, a refresh token or the client secret", () => {
    const text = logs.join("\n");
    expect(text).toContain("oauth.v2.access"); // debug logs were written and read
    expect(refreshTokensSeen.size).toBeGreaterThan(3);
    for (const token of fake.standin.tokens.keys()) expect(text).not.toContain(token);
    for (const token of refreshTokensSeen) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(token.slice(-16));
    }
    expect(text).not.toContain(CLIENT_SECRET);
  });
});
