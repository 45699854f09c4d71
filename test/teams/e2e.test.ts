import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { ManualClock } from "../../src/time/clock.ts";
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
} from "./activities.ts";
import { rosterEntry, startTeamsService, type TeamsService } from "./harness.ts";

describe("Teams end to end: the real service, CloudAdapter over HTTP, PostgreSQL, Redis and a fake Bot Connector", () => {
  let h: TeamsService;
  const clock = new ManualClock("2026-11-30T09:00:00Z");

  beforeAll(async () => {
    h = await startTeamsService({
      label: "e2e_teams",
      members: [rosterEntry(ALICE, "Alice@Example.test")],
      // The web role serves /api/messages and registers the Teams messenger, as "all" does.
      role: "web",
      clock,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("stores the personal chat's reference on install and says hello", async () => {
    const calls = await h.exchange(botAdded(h.fake.serviceUrl));
    expect(calls).toHaveLength(1);
    expect(readCard(cardOf(calls[0]!.body))).toContain("goal");
    const refs = await h.db.selectFrom("teams_conversation_references").selectAll().execute();
    expect(refs).toHaveLength(1);
    expect(refs[0]).toMatchObject({
      tenant_id: TENANT,
      kind: "personal",
      key: ALICE.aadObjectId,
      reference: { serviceUrl: h.fake.serviceUrl, conversation: { id: PERSONAL.id } },
    });
  });

  it("sets a goal, logs 2 h and lists it, with or without the leading learn", async () => {
    expect(
      await h.say("learn goal Google Project Management Certificate by March 31 5h/week"),
    ).toContain("Google Project Management Certificate");
    expect(await h.say("log 2")).toContain("Logged 2 h on");
    const goals = await h.say("learn goals");
    expect(goals).toContain("2 h of 140 h");
    expect(goals).toContain("1%");
    expect(goals).toContain("2 h ahead of plan · pace 2 h/week");
  });

  it("keys the person by AAD object id and tenant, with profile facts from the roster and the client", async () => {
    const rows = await h.db
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
    expect(h.fake.callsTo("getMember")).toHaveLength(1);
  });

  it("delivers a scheduled check-in proactively and updates it in place", async () => {
    const user = await h.db.selectFrom("users").select("id").executeTakeFirstOrThrow();
    const before = h.fake.calls.length;
    const delivery = await h.app.messenger.send(
      { kind: "user", userId: user.id },
      {
        summary: "Time for your weekly check-in",
        blocks: [
          { type: "header", text: "Weekly check-in" },
          { type: "text", text: ["How did ", { bold: "learning" }, " go this week?"] },
        ],
      },
    );
    const sent = h.fake.calls.slice(before);
    expect(sent.map((c) => c.operation)).toEqual(["send"]);
    expect(sent[0]!.conversationId).toBe(PERSONAL.id);
    expect(sent[0]!.body.summary).toBe("Time for your weekly check-in");
    expect(readCard(cardOf(sent[0]!.body))).toContain("How did **learning** go this week?");

    await h.app.messenger.update({ kind: "user", userId: user.id }, delivery.ref, {
      summary: "Thanks!",
      blocks: [{ type: "text", text: ["Thanks for checking in."] }],
    });
    const update = h.fake.calls.at(-1)!;
    expect(update.operation).toBe("update");
    expect(update.conversationId).toBe(PERSONAL.id);
    expect(readCard(cardOf(update.body))).toContain("Thanks for checking in.");
  });

  it("turns a throttled proactive send into a RateLimitedError with the retry delay", async () => {
    const user = await h.db.selectFrom("users").select("id").executeTakeFirstOrThrow();
    h.fake.failNext("send", { status: 429, retryAfterSeconds: 7 });
    const before = h.fake.calls.length;
    const started = Date.now();
    await expect(
      h.app.messenger.send(
        { kind: "user", userId: user.id },
        { summary: "x", blocks: [{ type: "text", text: ["x"] }] },
      ),
    ).rejects.toMatchObject({ name: "RateLimitedError", retryAfterMs: 7000 });
    // The error comes back at once, so the job queue (not the HTTP client) decides the wait.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(h.fake.calls.slice(before).map((c) => c.operation)).toEqual(["send"]);
  });

  it("logs an hour from a card button and updates that card in place", async () => {
    const goal = await h.db.selectFrom("goals").select("id").executeTakeFirstOrThrow();
    const calls = await h.exchange(
      cardClick(h.fake.serviceUrl, "activity-card-1", {
        stackup: { a: "goal.log", v: JSON.stringify({ g: goal.id, h: 1 }) },
      }),
    );
    expect(calls.map((c) => c.operation)).toEqual(["update"]);
    expect(calls[0]!.activityId).toBe("activity-card-1");
    expect(readCard(cardOf(calls[0]!.body))).toContain("3 h of 140 h");
  });

  it("opens the new-goal form as a card, shows errors back, and replaces the form on success", async () => {
    const opened = await h.exchange(
      cardClick(h.fake.serviceUrl, "activity-card-2", { stackup: { a: "goal.new", v: "{}" } }),
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

    const bad = await h.exchange(
      cardClick(h.fake.serviceUrl, "form-card", {
        ...submit,
        "f:title": "Rust book",
        "f:hours": "500",
      }),
    );
    expect(bad.map((c) => c.operation)).toEqual(["reply"]);
    const errors = readCard(cardOf(bad[0]!.body));
    expect(errors).toContain("Hours per week");
    expect(errors).toContain("Enter hours per week between 0.5 and 80.");
    expect(await h.db.selectFrom("goals").select("title").execute()).toHaveLength(1);

    const good = await h.exchange(
      cardClick(h.fake.serviceUrl, "form-card", {
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
    const calls = await h.exchange(channelMessage(h.fake.serviceUrl, "learn goals"));
    expect(calls.map((c) => [c.operation, c.conversationId])).toEqual([
      ["send", PERSONAL.id],
      ["reply", `${CHANNEL_ID};messageid=1700000000000`],
    ]);
    expect(readCard(cardOf(calls[0]!.body))).toContain("3 h of 140 h");
    expect(readCard(cardOf(calls[1]!.body))).toContain("personal chat");

    // The channel is remembered by its id, not the thread, for channel posts later.
    const workspace = await h.db.selectFrom("workspaces").select("id").executeTakeFirstOrThrow();
    await h.app.messenger.send(
      { kind: "channel", workspaceId: workspace.id, channelId: CHANNEL_ID },
      { summary: "Team digest", blocks: [{ type: "text", text: ["This week: 3 h logged."] }] },
    );
    const posted = h.fake.calls.at(-1)!;
    expect(posted.operation).toBe("send");
    expect(posted.conversationId).toBe(CHANNEL_ID);
  });

  it("escapes what the user typed so it cannot form links or layout", async () => {
    const text = await h.say("goal [free prize](https://evil.example) **now** in 4 weeks 2h/week");
    expect(text).toContain("\\[free prize\\](https://evil.example) \\*\\*now\\*\\*");
    expect(text).not.toContain("[free prize](");
  });
});

describe("Teams with an app id: Bot Framework tokens are required", () => {
  let h: TeamsService;

  beforeAll(async () => {
    // A single-tenant bot, as Azure creates them now, configured as the README says.
    const { teams } = loadConfig({
      MicrosoftAppId: "00000000-0000-4000-8000-0000000000b0",
      MicrosoftAppPassword: "test-password-never-sent",
      MicrosoftAppType: "SingleTenant",
      MicrosoftAppTenantId: TENANT,
    });
    expect(teams?.appType).toBe("SingleTenant");
    h = await startTeamsService({ label: "e2e_teams_auth", config: { teams }, role: "web" });
  });
  afterAll(async () => {
    await h?.close();
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
    const status = await h.post(
      personalMessage(h.fake.serviceUrl, "goal Rust in 4 weeks 2h/week"),
      authorization ? { authorization } : {},
    );
    expect(status).toBe(401);
    expect(await h.db.selectFrom("users").select("id").execute()).toHaveLength(0);
    expect(await h.db.selectFrom("goals").select("id").execute()).toHaveLength(0);
    expect(h.fake.calls).toHaveLength(0);
  });

  it("leaves other paths to the rest of the server", async () => {
    expect((await fetch(`${h.url}/api/messages`)).status).toBe(404);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });
});
