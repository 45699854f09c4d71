import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../../bin/app.ts";
import { DeliveryError } from "../../src/delivery/errors.ts";
import type { Destination } from "../../src/ports.ts";
import { ManualClock } from "../../src/time/clock.ts";
import type { TestDatabase } from "../support/db.ts";
import type { FakeSlack, RecordedCall } from "../support/fake-slack.ts";
import { sign, slashCommandBody } from "../support/slack-signing.ts";
import { type AddToSlack, startAddToSlack } from "./harness.ts";

const CLIENT_ID = "1111.2222";
const CLIENT_SECRET = "client-secret-never-logged-0123456789";
const STATE_SECRET = "state-secret-never-logged-0123456789abcdef";
const HOUR = 60 * 60_000;

/** The Grid organisation E0GRID: T0GRIDA is covered only by its org-wide install, T0GRIDB has its own. */
const GRID = "E0GRID";

describe("Add to Slack across an Enterprise Grid organisation: org-wide install, proactive sends, uninstall (real Bolt, PostgreSQL, fake Slack)", () => {
  let s: AddToSlack;
  // Set from `s` once it has started, for the tests to use as they are.
  let t: TestDatabase, fake: FakeSlack, app: RunningApp, url: string, logs: string[];
  // Monday 30 Nov 2026, 08:00 UTC: 09:00 in Berlin, an hour before the default check-in.
  const clock = new ManualClock("2026-11-30T08:00:00Z");

  const rows = () =>
    t.db
      .selectFrom("slack_installations")
      .select([
        "installation_key",
        "team_id",
        "enterprise_id",
        "is_enterprise_install",
        "workspace_id",
      ])
      .orderBy("installation_key")
      .execute();

  /** The one live token Slack gave the workspace or, for an org-wide install, the organisation. */
  const tokenOf = (owner: string) => s.tokenOf(owner);

  /** Add to Slack from the install page; `team` is the organisation's id for an org-wide install. */
  async function install(team: string, user: string) {
    const { approved, res, text } = await s.install(team, user);
    expect(approved.status).toBe(302);
    expect(text).toContain("Stackup is installed");
    expect(res.status).toBe(200);
  }

  /** A slash command from a workspace of the organisation, as Slack posts it inside Grid. */
  async function slash(
    team: string,
    user: string,
    text: string,
    grid: { enterpriseId: string; orgWide: boolean },
  ): Promise<RecordedCall> {
    const responseUrl = fake.responseUrl();
    const body = new URLSearchParams(
      slashCommandBody({
        teamId: team,
        teamDomain: team.toLowerCase(),
        userId: user,
        text,
        responseUrl,
      }),
    );
    body.set("enterprise_id", grid.enterpriseId);
    body.set("enterprise_name", "Grid");
    body.set("is_enterprise_install", String(grid.orgWide));
    const res = await fetch(`${url}/slack/events`, { method: "POST", ...sign(body.toString()) });
    expect(res.status).toBe(200);
    return fake.waitFor((c) => c.method === "response_url" && responseUrl.endsWith(c.path));
  }

  const workspace = (team: string) =>
    t.db
      .selectFrom("workspaces")
      .where("platform", "=", "slack")
      .where("external_id", "=", team)
      .select(["id", "name", "enterprise_id"])
      .executeTakeFirst();

  const person = async (user: string): Promise<Destination> => {
    const row = await t.db
      .selectFrom("users")
      .where("platform_user_id", "=", user)
      .select("id")
      .executeTakeFirstOrThrow();
    return { kind: "user", userId: row.id };
  };

  /** A proactive message to someone, and the bearer token Slack saw it sent with. */
  async function sendTo(user: string, summary: string): Promise<string | undefined> {
    await app.messenger.send(await person(user), { summary, blocks: [] });
    const post = fake.callsTo("chat.postMessage").find((c) => c.body.text === summary);
    return post?.authorization;
  }

  const failureOf = async (user: string) =>
    app.messenger
      .send(await person(user), { summary: "Anyone there?", blocks: [] })
      .then(() => undefined)
      .catch((error: unknown) => error);

  beforeAll(async () => {
    s = await startAddToSlack({
      label: "slack_org_install",
      app: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, stateSecret: STATE_SECRET },
      clock,
      // Slack's install of the organisation, and the two workspaces in it.
      teams: { [GRID]: "Grid", T0GRIDA: "Grid A", T0GRIDB: "Grid B" },
      people: { U0ANN: "T0GRIDA", U0BEA: "T0GRIDB" },
      prepare(fake) {
        fake.orgWide.add(GRID);
        fake.enterprises.set("T0GRIDA", GRID);
        fake.enterprises.set("T0GRIDB", GRID);
      },
    });
    ({ t, fake, app, url, logs } = s);
  });
  afterAll(() => s?.stop());

  it("records a workspace's organisation from its first request, and sends there with the org-wide install's token", async () => {
    await install(GRID, "U0ANN");
    expect(await rows()).toEqual([
      {
        installation_key: GRID,
        team_id: null,
        enterprise_id: GRID,
        is_enterprise_install: true,
        workspace_id: null,
      },
    ]);
    const org = tokenOf(GRID);

    await slash("T0GRIDA", "U0ANN", "goal Rust book in 6 weeks 2h/week", {
      enterpriseId: GRID,
      orgWide: true,
    });
    expect(await workspace("T0GRIDA")).toMatchObject({ enterprise_id: GRID });
    expect(
      fake
        .callsTo("users.info")
        .filter((c) => c.body.user === "U0ANN")
        .map((c) => c.authorization),
    ).toEqual([`Bearer ${org}`]);

    // The scheduled check-in goes out with the organisation's token.
    clock.set("2026-11-30T09:01:00Z"); // just past 10:00 in Berlin, Monday
    await app.jobs!.runDue!();
    const checkin = await fake.waitFor(
      (c) => c.method === "chat.postMessage" && c.body.channel === "U0ANN",
      10_000,
    );
    expect(checkin.authorization).toBe(`Bearer ${org}`);
    expect(JSON.stringify(checkin.body.blocks)).toContain("Rust book");

    // So does a digest to a channel of that workspace.
    const grid = await workspace("T0GRIDA");
    await app.messenger.send(
      { kind: "channel", workspaceId: grid!.id, channelId: "C0GRIDALEARN" },
      { summary: "Digest for Grid A", blocks: [] },
    );
    const digest = fake.callsTo("chat.postMessage").find((c) => c.body.channel === "C0GRIDALEARN");
    expect(digest?.authorization).toBe(`Bearer ${org}`);
  });

  it("sends to a workspace of the organisation that installed Stackup itself with its own token", async () => {
    await install("T0GRIDB", "U0BEA");
    const own = tokenOf("T0GRIDB");
    expect(own).not.toBe(tokenOf(GRID));
    // Its install already says which organisation it is in.
    expect(await workspace("T0GRIDB")).toMatchObject({ name: "Grid B", enterprise_id: GRID });
    await slash("T0GRIDB", "U0BEA", "goals", { enterpriseId: GRID, orgWide: false });
    expect(await sendTo("U0BEA", "Hello Bea")).toBe(`Bearer ${own}`);
    expect(await sendTo("U0ANN", "Hello Ann")).toBe(`Bearer ${tokenOf(GRID)}`);
  });

  it("still finds a workspace of another organisation, or of none, not installed", async () => {
    for (const [team, enterprise, user] of [
      ["T0OTHER", "E0OTHER", "U0OTTO"],
      ["T0LONE", null, "U0LENA"],
    ] as const) {
      const { id } = await t.db
        .insertInto("workspaces")
        .values({ platform: "slack", external_id: team, name: team, enterprise_id: enterprise })
        .returning("id")
        .executeTakeFirstOrThrow();
      await t.db
        .insertInto("users")
        .values({
          workspace_id: id,
          platform_user_id: user,
          display_name: user,
          email: null,
          time_zone: "Europe/Berlin",
          created_at: clock.now(),
          updated_at: clock.now(),
        })
        .execute();
    }
    const posts = fake.callsTo("chat.postMessage").length;
    for (const user of ["U0OTTO", "U0LENA"]) {
      const failure = await failureOf(user);
      expect(failure).toBeInstanceOf(DeliveryError);
      expect(failure).toMatchObject({ permanent: true, code: "not_installed" });
    }
    expect(fake.callsTo("chat.postMessage")).toHaveLength(posts);
  });

  it("forgets the org-wide install when the organisation uninstalls Stackup: its workspaces are then not installed", async () => {
    const at = Math.floor(Date.now() / 1000);
    fake.standin.revokeTokens(GRID);
    const body = JSON.stringify({
      token: "unused",
      team_id: "T0GRIDA",
      enterprise_id: GRID,
      api_app_id: "A0STACKUP",
      type: "event_callback",
      event_id: `EvGRID${at}`,
      event_time: at,
      event: { type: "app_uninstalled", event_ts: `${at}.000100` },
      authorizations: [
        {
          enterprise_id: GRID,
          team_id: null,
          user_id: "U0BOTGRID",
          is_bot: true,
          is_enterprise_install: true,
        },
      ],
    });
    const res = await fetch(`${url}/slack/events`, {
      method: "POST",
      ...sign(body, { contentType: "application/json" }),
    });
    expect(res.status).toBe(200);
    for (let i = 0; (await rows()).length !== 1 && i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await rows()).map((r) => r.installation_key)).toEqual(["T0GRIDB"]);

    const posts = fake.callsTo("chat.postMessage").length;
    const failure = await failureOf("U0ANN");
    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure).toMatchObject({ permanent: true, code: "not_installed" });
    expect(fake.callsTo("chat.postMessage")).toHaveLength(posts);
    // The workspace with its own install is untouched.
    expect(await sendTo("U0BEA", "Still here, Bea")).toBe(`Bearer ${tokenOf("T0GRIDB")}`);
  });

  it("refreshes the org-wide install's expiring token, as a workspace's, before sending", async () => {
    fake.rotation = { expiresIn: 12 * 60 * 60 };
    await install(GRID, "U0ANN");
    const first = tokenOf(GRID);
    expect(first).toMatch(/^xoxe\.xoxb-/);
    expect(await sendTo("U0ANN", "Rotating one")).toBe(`Bearer ${first}`);
    expect(fake.refreshCalls()).toEqual([]);

    clock.advance(11 * HOUR); // within two hours of the expiry
    expect(await sendTo("U0ANN", "Rotating two")).toMatch(/^Bearer xoxe\.xoxb-/);
    expect(fake.refreshCalls()).toHaveLength(1);
    const second = fake.callsTo("chat.postMessage").find((c) => c.body.text === "Rotating two");
    expect(second?.authorization).not.toBe(`Bearer ${first}`);
    // The organisation's installation keeps the new token: a later send uses it, unrefreshed.
    expect(await sendTo("U0ANN", "Rotating three")).toBe(second?.authorization);
    expect(fake.refreshCalls()).toHaveLength(1);
    expect(await rows()).toContainEqual(
      expect.objectContaining({ installation_key: GRID, is_enterprise_install: true }),
    );
  });

  it("never logs a bot token", () => {
    const text = logs.join("\n");
    for (const token of fake.standin.tokens.keys()) expect(text).not.toContain(token);
  });
});
