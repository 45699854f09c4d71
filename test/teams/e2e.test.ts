import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../../bin/app.ts";
import { createLogger } from "../../src/log.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { testConfig } from "../support/app.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import {
  type ConnectorCall,
  type FakeConnector,
  startFakeConnector,
} from "../support/fake-connector.ts";
import {
  ALICE,
  botAdded,
  CHANNEL_ID,
  cardClick,
  cardOf,
  channelMessage,
  PERSONAL,
  personalMessage,
  readCard,
  TENANT,
  unauthenticatedTeams,
} from "./activities.ts";

describe("Teams end to end: the real service, CloudAdapter over HTTP, PostgreSQL, Redis and a fake Bot Connector", () => {
  let t: TestDatabase;
  let fake: FakeConnector;
  let app: RunningApp;
  const clock = new ManualClock("2026-11-30T09:00:00Z");

  beforeAll(async () => {
    t = await createTestDatabase("e2e_teams");
    fake = await startFakeConnector();
    fake.addMember({
      id: ALICE.id,
      aadObjectId: ALICE.aadObjectId,
      name: "Alice Liddell",
      email: "Alice@Example.test",
      userPrincipalName: "alice@example.test",
      tenantId: TENANT,
    });
    app = await startApp({
      config: { ...testConfig({ schema: t.schema }), teams: unauthenticatedTeams },
      logger: createLogger("silent"),
      // The web role serves /api/messages and registers the Teams messenger, as "all" does.
      role: "web",
      clock,
    });
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
    await t?.drop();
  });

  async function post(activity: Record<string, unknown>): Promise<number> {
    const res = await fetch(`${app.http!.url}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(activity),
    });
    await res.arrayBuffer();
    return res.status;
  }

  /** Posts an activity and returns the connector calls it caused. */
  async function exchange(activity: Record<string, unknown>): Promise<ConnectorCall[]> {
    const before = fake.calls.length;
    expect(await post(activity)).toBe(200);
    return fake.calls.slice(before).filter((c) => c.operation !== "getMember");
  }

  /** Says something in the personal chat and reads the card of the one reply. */
  async function say(text: string): Promise<string> {
    const calls = await exchange(personalMessage(fake.serviceUrl, text));
    expect(calls.map((c) => c.operation)).toEqual(["reply"]);
    expect(calls[0]!.conversationId).toBe(PERSONAL.id);
    return readCard(cardOf(calls[0]!.body));
  }

  it("stores the personal chat's reference on install and says hello", async () => {
    const calls = await exchange(botAdded(fake.serviceUrl));
    expect(calls).toHaveLength(1);
    expect(readCard(cardOf(calls[0]!.body))).toContain("goal");
    const refs = await t.db
      .withTables<{
        teams_conversation_references: {
          tenant_id: string;
          kind: string;
          key: string;
          reference: { serviceUrl: string; conversation: { id: string } };
        };
      }>()
      .selectFrom("teams_conversation_references")
      .selectAll()
      .execute();
    expect(refs).toHaveLength(1);
    expect(refs[0]).toMatchObject({
      tenant_id: TENANT,
      kind: "personal",
      key: ALICE.aadObjectId,
      reference: { serviceUrl: fake.serviceUrl, conversation: { id: PERSONAL.id } },
    });
  });

  it("sets a goal, logs 2 h and lists it, with or without the leading learn", async () => {
    expect(
      await say("learn goal Google Project Management Certificate by March 31 5h/week"),
    ).toContain("Google Project Management Certificate");
    expect(await say("log 2")).toContain("Logged 2 h on");
    const goals = await say("learn goals");
    expect(goals).toContain("2 h of 140 h");
    expect(goals).toContain("1%");
    expect(goals).toContain("2 h ahead of plan · pace 2 h/week");
  });

  it("keys the person by AAD object id and tenant, with profile facts from the roster and the client", async () => {
    const rows = await t.db
      .selectFrom("users")
      .innerJoin("workspaces", "workspaces.id", "users.workspace_id")
      .select(["platform", "external_id", "platform_user_id", "display_name", "email", "time_zone"])
      .execute();
    expect(rows).toEqual([
      {
        platform: "teams",
        external_id: TENANT,
        platform_user_id: ALICE.aadObjectId,
        display_name: "Alice Liddell",
        email: "alice@example.test",
        time_zone: "Europe/Berlin",
      },
    ]);
    // The roster is asked once, on first contact only.
    expect(fake.callsTo("getMember")).toHaveLength(1);
  });

  it("delivers a scheduled check-in proactively and updates it in place", async () => {
    const user = await t.db.selectFrom("users").select("id").executeTakeFirstOrThrow();
    const before = fake.calls.length;
    const delivery = await app.messenger.send(
      { kind: "user", userId: user.id },
      {
        summary: "Time for your weekly check-in",
        blocks: [
          { type: "header", text: "Weekly check-in" },
          { type: "text", text: ["How did ", { bold: "learning" }, " go this week?"] },
        ],
      },
    );
    const sent = fake.calls.slice(before);
    expect(sent.map((c) => c.operation)).toEqual(["send"]);
    expect(sent[0]!.conversationId).toBe(PERSONAL.id);
    expect(sent[0]!.body.summary).toBe("Time for your weekly check-in");
    expect(readCard(cardOf(sent[0]!.body))).toContain("How did **learning** go this week?");

    await app.messenger.update({ kind: "user", userId: user.id }, delivery.ref, {
      summary: "Thanks!",
      blocks: [{ type: "text", text: ["Thanks for checking in."] }],
    });
    const update = fake.calls.at(-1)!;
    expect(update.operation).toBe("update");
    expect(update.conversationId).toBe(PERSONAL.id);
    expect(readCard(cardOf(update.body))).toContain("Thanks for checking in.");
  });

  it("turns a throttled proactive send into a RateLimitedError with the retry delay", async () => {
    const user = await t.db.selectFrom("users").select("id").executeTakeFirstOrThrow();
    fake.failNext("send", { status: 429, retryAfterSeconds: 7 });
    const before = fake.calls.length;
    const started = Date.now();
    await expect(
      app.messenger.send(
        { kind: "user", userId: user.id },
        { summary: "x", blocks: [{ type: "text", text: ["x"] }] },
      ),
    ).rejects.toMatchObject({ name: "RateLimitedError", retryAfterMs: 7000 });
    // The error comes back at once, so the job queue (not the HTTP client) decides the wait.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(fake.calls.slice(before).map((c) => c.operation)).toEqual(["send"]);
  });

  it("logs an hour from a card button and updates that card in place", async () => {
    const goal = await t.db.selectFrom("goals").select("id").executeTakeFirstOrThrow();
    const calls = await exchange(
      cardClick(fake.serviceUrl, "activity-card-1", {
        stackup: { a: "goal.log", v: JSON.stringify({ g: goal.id, h: 1 }) },
      }),
    );
    expect(calls.map((c) => c.operation)).toEqual(["update"]);
    expect(calls[0]!.activityId).toBe("activity-card-1");
    expect(readCard(cardOf(calls[0]!.body))).toContain("3 h of 140 h");
  });

  it("opens the new-goal form as a card, shows errors back, and replaces the form on success", async () => {
    const opened = await exchange(
      cardClick(fake.serviceUrl, "activity-card-2", { stackup: { a: "goal.new", v: "{}" } }),
    );
    expect(opened.map((c) => c.operation)).toEqual(["reply"]);
    const form = cardOf(opened[0]!.body);
    const body = form.body as { type: string; id?: string }[];
    expect(body.map((e) => e.id).filter(Boolean)).toEqual([
      "f:credential",
      "f:title",
      "f:target",
      "f:hours",
    ]);
    const submit = (body.at(-1) as unknown as { actions: { data: Record<string, unknown> }[] })
      .actions[0]!.data;

    const bad = await exchange(
      cardClick(fake.serviceUrl, "form-card", {
        ...submit,
        "f:title": "Rust book",
        "f:hours": "500",
      }),
    );
    expect(bad.map((c) => c.operation)).toEqual(["reply"]);
    const errors = readCard(cardOf(bad[0]!.body));
    expect(errors).toContain("Hours per week");
    expect(errors).toContain("Enter hours per week between 0.5 and 80.");
    expect(await t.db.selectFrom("goals").select("title").execute()).toHaveLength(1);

    const good = await exchange(
      cardClick(fake.serviceUrl, "form-card", {
        ...submit,
        "f:title": "Rust book",
        "f:hours": "3",
      }),
    );
    expect(good.map((c) => c.operation)).toEqual(["update"]);
    expect(good[0]!.activityId).toBe("form-card");
    expect(readCard(cardOf(good[0]!.body))).toContain("Rust book");
  });

  it("reads commands in a channel after the @mention and answers privately in the personal chat", async () => {
    const calls = await exchange(channelMessage(fake.serviceUrl, "learn goals"));
    expect(calls.map((c) => [c.operation, c.conversationId])).toEqual([
      ["send", PERSONAL.id],
      ["reply", `${CHANNEL_ID};messageid=1700000000000`],
    ]);
    expect(readCard(cardOf(calls[0]!.body))).toContain("3 h of 140 h");
    expect(readCard(cardOf(calls[1]!.body))).toContain("personal chat");

    // The channel is remembered by its id, not the thread, for channel posts later.
    const workspace = await t.db.selectFrom("workspaces").select("id").executeTakeFirstOrThrow();
    await app.messenger.send(
      { kind: "channel", workspaceId: workspace.id, channelId: CHANNEL_ID },
      { summary: "Team digest", blocks: [{ type: "text", text: ["This week: 3 h logged."] }] },
    );
    const posted = fake.calls.at(-1)!;
    expect(posted.operation).toBe("send");
    expect(posted.conversationId).toBe(CHANNEL_ID);
  });

  it("escapes what the user typed so it cannot form links or layout", async () => {
    const text = await say("goal [free prize](https://evil.example) **now** in 4 weeks 2h/week");
    expect(text).toContain("\\[free prize\\](https://evil.example) \\*\\*now\\*\\*");
    expect(text).not.toContain("[free prize](");
  });
});

describe("Teams with an app id: Bot Framework tokens are required", () => {
  let t: TestDatabase;
  let fake: FakeConnector;
  let app: RunningApp;

  beforeAll(async () => {
    t = await createTestDatabase("e2e_teams_auth");
    fake = await startFakeConnector();
    app = await startApp({
      config: {
        ...testConfig({ schema: t.schema }),
        teams: {
          appId: "00000000-0000-4000-8000-0000000000b0",
          appPassword: "test-password-never-sent",
          appType: "MultiTenant",
          tenantId: undefined,
          allowUnauthenticated: false,
        },
      },
      logger: createLogger("silent"),
      role: "web",
    });
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
    await t?.drop();
  });

  /** A well-formed JWT that no Bot Framework issuer signed; it is refused before any key fetch. */
  function forgedToken(): string {
    const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    return `${part({ alg: "RS256", typ: "JWT", kid: "x" })}.${part({
      iss: "https://attacker.example",
      aud: "00000000-0000-4000-8000-0000000000b0",
      exp: Math.floor(Date.now() / 1000) + 600,
    })}.${Buffer.from("not a signature").toString("base64url")}`;
  }

  it.each([
    ["no token", undefined],
    ["a malformed token", "Bearer not-a-jwt"],
    ["a token from another issuer", `Bearer ${forgedToken()}`],
  ])("refuses a request with %s and changes nothing", async (_label, authorization) => {
    const res = await fetch(`${app.http!.url}/api/messages`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(authorization ? { authorization } : {}),
      },
      body: JSON.stringify(personalMessage(fake.serviceUrl, "goal Rust in 4 weeks 2h/week")),
    });
    expect(res.status).toBe(401);
    expect(await t.db.selectFrom("users").select("id").execute()).toHaveLength(0);
    expect(await t.db.selectFrom("goals").select("id").execute()).toHaveLength(0);
    expect(fake.calls).toHaveLength(0);
  });

  it("leaves other paths to the rest of the server", async () => {
    expect((await fetch(`${app.http!.url}/api/messages`)).status).toBe(404);
    expect((await fetch(`${app.http!.url}/healthz`)).status).toBe(200);
  });
});
