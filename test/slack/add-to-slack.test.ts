import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackInstallations } from "../../adapters/slack/installations.ts";
import { TokenCipher, TokenKeyError } from "../../adapters/slack/token-cipher.ts";
import { type RunningApp, startApp } from "../../bin/app.ts";
import { DeliveryError } from "../../src/delivery/errors.ts";
import { translator } from "../../src/i18n/index.ts";
import { createLogger } from "../../src/log.ts";
import { ManualClock } from "../../src/time/clock.ts";
import type { TestDatabase } from "../support/db.ts";
import type { FakeSlack, RecordedCall } from "../support/fake-slack.ts";
import { sign, slashCommandBody } from "../support/slack-signing.ts";
import { type AddToSlack, startAddToSlack } from "./harness.ts";

const CLIENT_ID = "1111.2222";
const CLIENT_SECRET = "client-secret-never-logged-0123456789";
const STATE_SECRET = "state-secret-never-logged-0123456789abcdef";

describe("Add to Slack: OAuth install, per-workspace tokens, uninstall (real Bolt, PostgreSQL, fake Slack)", () => {
  let s: AddToSlack;
  // Set from `s` once it has started, for the tests to use as they are.
  let t: TestDatabase, fake: FakeSlack, app: RunningApp, url: string, logs: string[];
  // Monday 30 Nov 2026, 08:00 UTC: 09:00 in Berlin, an hour before the default check-in.
  const clock = new ManualClock("2026-11-30T08:00:00Z");

  const config = (stateSecret = STATE_SECRET) => s.config({ stateSecret, tokenKey: stateSecret });

  const rows = () =>
    t.db.selectFrom("slack_installations").selectAll().orderBy("installation_key").execute();

  const tokenOf = (team: string) => s.tokenOf(team);

  /** The install page's link, the state cookie it set, and the fake's authorize page. */
  async function startInstall(team: string, user: string) {
    const { page, cookie, href, link, approved, back } = await s.startInstall(team, user);
    expect(page.status).toBe(200);
    expect(cookie).toMatch(/^slack-app-oauth-state=./);
    expect(href).toBeTruthy();
    expect(`${link.origin}${link.pathname}`).toBe(
      new URL("../oauth/v2/authorize", fake.apiUrl).href,
    );
    expect(link.searchParams.get("client_id")).toBe(CLIENT_ID);
    expect(link.searchParams.get("scope")?.split(",")).toContain("chat:write");
    expect(approved.status).toBe(302);
    return { cookie, back };
  }

  async function install(team: string, user: string) {
    const { res, text } = await s.finishInstall(await startInstall(team, user));
    expect(text).toContain("Stackup is installed");
    expect(res.status).toBe(200);
  }

  async function slash(team: string, user: string, text: string): Promise<RecordedCall> {
    const responseUrl = fake.responseUrl();
    const signed = sign(
      slashCommandBody({
        teamId: team,
        teamDomain: team.toLowerCase(),
        userId: user,
        text,
        responseUrl,
      }),
    );
    const res = await fetch(`${url}/slack/events`, { method: "POST", ...signed });
    expect(res.status).toBe(200);
    return fake.waitFor((c) => c.method === "response_url" && responseUrl.endsWith(c.path));
  }

  beforeAll(async () => {
    s = await startAddToSlack({
      label: "add_to_slack",
      app: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, stateSecret: STATE_SECRET },
      clock,
      teams: { T0ACME: "Acme", T0BETA: "Beta" },
      people: {
        U0ANN: { name: "ann", real_name: "Ann Acme", tz: "Europe/Berlin", team: "T0ACME" },
        U0BEA: { name: "bea", real_name: "Bea Beta", tz: "Europe/Berlin", team: "T0BETA" },
      },
    });
    ({ t, fake, app, url, logs } = s);
  });
  afterAll(() => s?.stop());

  it("installs a workspace from /slack/install and keeps its bot token only encrypted", async () => {
    expect(await rows()).toEqual([]);
    await install("T0ACME", "U0ANN");

    const exchange = fake.callsTo("oauth.v2.access");
    expect(exchange).toHaveLength(1);
    expect(exchange[0]?.body.client_id).toBe(CLIENT_ID);
    const token = tokenOf("T0ACME");
    const [row] = await rows();
    expect(row).toMatchObject({
      installation_key: "T0ACME",
      team_id: "T0ACME",
      bot_user_id: "U0BOT0ACME",
      bot_id: "B0BOT0ACME",
      installer_user_id: "U0ANN",
    });
    expect(row?.scopes).toContain("chat:write");
    // Neither the token nor any recognisable part of it is in the stored bytes.
    const stored = row!.bot_token_encrypted;
    expect(stored.length).toBeGreaterThan(token.length);
    expect(stored.includes(Buffer.from(token))).toBe(false);
    expect(stored.includes(Buffer.from(token.slice(-24)))).toBe(false);
    expect(stored.toString("latin1")).not.toContain("xoxb-");
    // The workspace exists before anyone in it has used Stackup, and the row points at it.
    const workspace = await t.db
      .selectFrom("workspaces")
      .where("external_id", "=", "T0ACME")
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(workspace).toMatchObject({ platform: "slack", name: "Acme" });
    expect(row?.workspace_id).toBe(workspace.id);
    // A store with the same key reads it back.
    const reader = new SlackInstallations(t.db, new TokenCipher(STATE_SECRET));
    expect(await reader.botToken("T0ACME")).toBe(token);
  });

  it("refuses a missing, forged or other browser's state, and stores nothing", async () => {
    const before = await rows();
    const exchanges = fake.callsTo("oauth.v2.access").length;

    const { cookie, back } = await startInstall("T0BETA", "U0BEA");
    const noState = new URL(back);
    noState.searchParams.delete("state");
    const forged = new URL(back);
    forged.searchParams.set("state", `${back.searchParams.get("state")}x`);
    for (const [target, headers] of [
      [noState, { cookie }],
      [forged, { cookie }],
      [back, {}], // the right state, but not from this browser's install page
    ] as const) {
      const res = await fetch(target, { headers, redirect: "manual" });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("Stackup was not installed");
    }
    expect(fake.callsTo("oauth.v2.access")).toHaveLength(exchanges);
    expect(await rows()).toEqual(before);
  });

  it("draws the install pages in the browser's language", async () => {
    const de = translator("de");
    const headers = { "accept-language": "ko-KR, de-CH;q=0.8, en;q=0.5" };
    const page = await fetch(`${url}/slack/install`, { headers });
    const html = await page.text();
    expect(html).toContain('<html lang="de-CH">');
    expect(html).toContain(de.t("web.installButton"));
    expect(html).not.toContain(">Add to Slack<");
    const { back } = await startInstall("T0BETA", "U0BEA");
    const res = await fetch(back, { headers, redirect: "manual" }); // no cookie: refused
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(de.t("web.installExpired"));
  });

  it("answers a slash command from each workspace with that workspace's token", async () => {
    await install("T0BETA", "U0BEA");
    expect((await rows()).map((r) => r.installation_key)).toEqual(["T0ACME", "T0BETA"]);
    const acme = tokenOf("T0ACME");
    const beta = tokenOf("T0BETA");
    expect(acme).not.toBe(beta);

    await slash("T0BETA", "U0BEA", "goal Rust book in 6 weeks 2h/week");
    await slash("T0ACME", "U0ANN", "goal Go book in 6 weeks 2h/week");
    const profile = (user: string) =>
      fake
        .callsTo("users.info")
        .filter((c) => c.body.user === user)
        .map((c) => c.authorization);
    expect(profile("U0BEA")).toEqual([`Bearer ${beta}`]);
    expect(profile("U0ANN")).toEqual([`Bearer ${acme}`]);
    const people = await t.db
      .selectFrom("users")
      .innerJoin("workspaces", "workspaces.id", "users.workspace_id")
      .select(["users.display_name", "workspaces.external_id"])
      .orderBy("users.display_name")
      .execute();
    expect(people).toEqual([
      { display_name: "Ann Acme", external_id: "T0ACME" },
      { display_name: "Bea Beta", external_id: "T0BETA" },
    ]);
  });

  it("does nothing for a workspace that has not installed Stackup", async () => {
    const responseUrl = fake.responseUrl();
    const signed = sign(
      slashCommandBody({ teamId: "T0NONE", userId: "U0NOBODY", text: "goals", responseUrl }),
    );
    expect((await fetch(`${url}/slack/events`, { method: "POST", ...signed })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.calls.filter((c) => responseUrl.endsWith(c.path))).toEqual([]);
  });

  it("sends a check-in to a person in workspace B with B's token, and channel posts, files and updates with their workspace's", async () => {
    const beta = tokenOf("T0BETA");
    const acme = tokenOf("T0ACME");
    clock.set("2026-11-30T09:01:00Z"); // just past 10:00 in Berlin, Monday
    await app.jobs!.runDue!();
    const checkin = await fake.waitFor(
      (c) => c.method === "chat.postMessage" && c.body.channel === "U0BEA",
      10_000,
    );
    expect(checkin.authorization).toBe(`Bearer ${beta}`);
    expect(JSON.stringify(checkin.body.blocks)).toContain("Rust book");

    const acmeWorkspace = await t.db
      .selectFrom("workspaces")
      .where("external_id", "=", "T0ACME")
      .select("id")
      .executeTakeFirstOrThrow();
    const to = {
      kind: "channel" as const,
      workspaceId: acmeWorkspace.id,
      channelId: "C0ACMELEARN",
    };
    const sent = await app.messenger.send(to, { summary: "Digest", blocks: [] });
    await app.messenger.update(to, sent.ref, { summary: "Digest, updated", blocks: [] });
    await app.messenger.send(to, {
      summary: "Chart",
      blocks: [],
      files: [{ filename: "chart.png", contentType: "image/png", data: new Uint8Array([1, 2, 3]) }],
    });
    const byAcme = ["chat.update", "files.getUploadURLExternal", "files.completeUploadExternal"];
    for (const method of byAcme) {
      expect(fake.callsTo(method).map((c) => c.authorization)).toEqual([`Bearer ${acme}`]);
    }
    const posts = fake.callsTo("chat.postMessage").filter((c) => c.body.channel === "C0ACMELEARN");
    expect(posts.map((c) => c.authorization)).toEqual([`Bearer ${acme}`]);
  });

  it("keeps an installation when an uninstall event from before it arrives late", async () => {
    const before = (await rows()).map((r) => r.installation_key).sort();
    expect(before).toContain("T0BETA");
    const late = await fake.standin.uninstall("T0BETA", {
      eventTime: Math.floor(Date.now() / 1000) - 3600,
      revoke: false,
    });
    expect(late.status).toBe(200);
    for (let i = 0; !logs.join("\n").includes("installed again since") && i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(logs.join("\n")).toContain("installed again since");
    expect((await rows()).map((r) => r.installation_key).sort()).toEqual(before);
  });

  it("forgets a workspace that uninstalls Stackup; sends there then fail permanently", async () => {
    const bea = await t.db
      .selectFrom("users")
      .where("platform_user_id", "=", "U0BEA")
      .select("id")
      .executeTakeFirstOrThrow();
    const ann = await t.db
      .selectFrom("users")
      .where("platform_user_id", "=", "U0ANN")
      .select("id")
      .executeTakeFirstOrThrow();
    const uninstalled = await fake.standin.uninstall("T0BETA");
    expect(uninstalled.status).toBe(200);
    for (let i = 0; (await rows()).length !== 1 && i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await rows()).map((r) => r.installation_key)).toEqual(["T0ACME"]);

    const posts = fake.callsTo("chat.postMessage").length;
    const failure = await app.messenger
      .send({ kind: "user", userId: bea.id }, { summary: "Still there?", blocks: [] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure).toMatchObject({ permanent: true, code: "not_installed" });
    expect(fake.callsTo("chat.postMessage")).toHaveLength(posts);
    // A check-in that may have gone out is not looked for there: the resend then fails for good.
    const history = fake.callsTo("conversations.history").length;
    expect(await app.messenger.findSent({ kind: "user", userId: bea.id }, "k", new Date())).toBe(
      null,
    );
    expect(fake.callsTo("conversations.history")).toHaveLength(history);
    // The other workspace is untouched.
    await app.messenger.send({ kind: "user", userId: ann.id }, { summary: "Hi", blocks: [] });
    expect(fake.callsTo("chat.postMessage")).toHaveLength(posts + 1);
  });

  it("never logs a bot token, the client secret or the state secret", () => {
    const text = logs.join("\n");
    expect(text).toContain("oauth.v2.access"); // debug logs were written and read
    for (const token of fake.standin.tokens.keys()) expect(text).not.toContain(token);
    expect(text).not.toContain(CLIENT_SECRET);
    expect(text).not.toContain(STATE_SECRET);
  });

  it("says clearly when the key is not the one the tokens were stored with", async () => {
    const other = new SlackInstallations(t.db, new TokenCipher("another-key-".repeat(4)));
    await expect(other.botToken("T0ACME")).rejects.toThrow(TokenKeyError);
    await expect(other.botToken("T0ACME")).rejects.toThrow(/different key/);
    await expect(other.checkKey()).rejects.toThrow(/can be read with the configured key/);
    await expect(
      startApp({
        config: config("another-state-secret-".repeat(3)),
        logger: createLogger("silent"),
        role: "web",
        clock,
      }),
    ).rejects.toThrow(/not the key they were installed with/);
    // Damaged bytes under the right key are reported too, never returned as a token.
    const [row] = await rows();
    const damaged = Buffer.from(row!.bot_token_encrypted);
    damaged[damaged.length - 1]! ^= 1;
    const cipher = new TokenCipher(STATE_SECRET);
    expect(() => cipher.open({ sealed: damaged, keyId: cipher.keyId }, "T0ACME")).toThrow(
      /can't be decrypted/,
    );
    // A token is bound to its workspace: moved to another row it does not open.
    expect(() =>
      cipher.open({ sealed: row!.bot_token_encrypted, keyId: cipher.keyId }, "T0BETA"),
    ).toThrow(TokenKeyError);
  });

  it("forgets a workspace whose bot token is revoked, but not for a revoked user token", async () => {
    const revoked = async (tokens: Record<string, string[]>) => {
      const body = JSON.stringify({
        token: "unused",
        team_id: "T0ACME",
        api_app_id: "A0STACKUP",
        type: "event_callback",
        event_id: `Ev${Date.now()}${Object.keys(tokens).join("")}`,
        event_time: Math.floor(Date.now() / 1000),
        event: { type: "tokens_revoked", tokens },
      });
      const signed = sign(body, { contentType: "application/json" });
      expect((await fetch(`${url}/slack/events`, { method: "POST", ...signed })).status).toBe(200);
    };
    await revoked({ oauth: ["U0ANN"] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await rows()).map((r) => r.installation_key)).toEqual(["T0ACME"]);
    await revoked({ bot: ["U0BOT0ACME"] });
    for (let i = 0; (await rows()).length > 0 && i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await rows()).toEqual([]);
  });
});
