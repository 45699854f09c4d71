import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { type Lrs, mapActivities, person, replyText, startLrs, statement } from "./harness.ts";

const COURSE = "Google Project Management Certificate";
const ACTIVITY = "https://lms.example.com/courses/gpm";

describe("xAPI statements resource", () => {
  let t: TestDatabase;
  let lrs: Lrs;
  let auth: string;
  const clock = new ManualClock("2026-12-01T10:00:00Z");
  const admin = person("U1");
  const learner = person("U2");

  beforeAll(async () => {
    t = await createTestDatabase("xapi");
    lrs = await startLrs(t.db, clock);
    ({ auth } = await lrs.credentials(admin, "Cornerstone"));
    await lrs.core.command(learner, `goal ${COURSE}`);
    await mapActivities(t.db, COURSE, [`${ACTIVITY}/*`]);
  });
  afterAll(async () => {
    await lrs.server.close();
    await t.drop();
  });

  const progress = () =>
    t.db.selectFrom("progress_events").select(["hours", "note", "occurred_at"]).execute();
  const stored = () => t.db.selectFrom("xapi_statements").selectAll().execute();

  it("answers /xapi/about without credentials, listing both versions", async () => {
    const res = await lrs.request("GET", "/xapi/about", { version: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ version: ["2.0.0", "1.0.3"] });
  });

  it("refuses requests without a version header, with wrong or without credentials", async () => {
    const body = statement("u2@example.com", "progressed", `${ACTIVITY}/m1`);
    expect(
      (await lrs.request("POST", "/xapi/statements", { auth, body, version: null })).status,
    ).toBe(400);
    expect(
      (await lrs.request("POST", "/xapi/statements", { auth, body, version: "0.95" })).status,
    ).toBe(400);
    const wrong = `Basic ${Buffer.from("xapi-nobody:secret").toString("base64")}`;
    const denied = await lrs.request("POST", "/xapi/statements", { auth: wrong, body });
    expect(denied.status).toBe(401);
    expect(denied.headers.get("www-authenticate")).toContain("Basic");
    expect((await lrs.request("POST", "/xapi/statements", { body })).status).toBe(401);
    expect(await stored()).toHaveLength(0);
  });

  it("lists the admin xAPI commands in help and keeps them to admins", async () => {
    const help = replyText(await lrs.core.command(learner, "help"));
    expect(help).toContain(
      "admin xapi create <LMS name> | list | revoke <name or key> | unmatched",
    );
    expect(replyText(await lrs.core.command(learner, "xapi list"))).toContain(
      "Only workspace admins",
    );
    expect(replyText(await lrs.core.command(learner, "admin xapi list"))).toContain(
      "Only workspace admins",
    );
    expect(replyText(await lrs.core.command(admin, "xapi list"))).toContain("Cornerstone");
  });

  it("keeps only a hash of the secret", async () => {
    const { key, secret } = await lrs.credentials(admin, "Moodle");
    const rows = await t.db.selectFrom("xapi_credentials").selectAll().execute();
    const row = rows.find((r) => r.key === key)!;
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    const again = replyText(await lrs.core.command(admin, "admin xapi list"));
    expect(again).toContain(key);
    expect(again).not.toContain(secret);
  });

  it("adds a progressed statement's duration once, however often it is sent", async () => {
    const id = randomUUID();
    const body = statement("U2@Example.com", "progressed", `${ACTIVITY}/m1`, {
      id,
      result: { duration: "PT1H30M" },
      timestamp: "2026-12-01T09:00:00Z",
    });
    const first = await lrs.request("POST", "/xapi/statements", { auth, body });
    expect(first.status).toBe(200);
    expect(first.headers.get("x-experience-api-version")).toBe("1.0.3");
    expect(first.body).toEqual([id]);
    const second = await lrs.request("POST", "/xapi/statements", { auth, body: [body] });
    expect(second.status).toBe(200);
    const put = await lrs.request("PUT", `/xapi/statements?statementId=${id}`, { auth, body });
    expect(put.status).toBe(204);
    expect(await progress()).toEqual([
      {
        hours: 1.5,
        note: "Cornerstone: Module 1",
        occurred_at: new Date("2026-12-01T09:00:00Z"),
      },
    ]);
    const goals = replyText(await lrs.core.command(learner, "goals"));
    expect(goals).toContain("1.5 h of 140 h");
  });

  it("answers 409 for the same id with other content, changing nothing", async () => {
    const id = randomUUID();
    const body = statement("u2@example.com", "experienced", `${ACTIVITY}/m2`, {
      id,
      result: { duration: "PT30M" },
    });
    expect((await lrs.request("POST", "/xapi/statements", { auth, body })).status).toBe(200);
    const before = await progress();
    const changed = { ...body, result: { duration: "PT5H" } };
    const res = await lrs.request("POST", "/xapi/statements", { auth, body: changed });
    expect(res.status).toBe(409);
    expect(await progress()).toEqual(before);
    const put = await lrs.request("PUT", `/xapi/statements?statementId=${id}`, {
      auth,
      body: changed,
    });
    expect(put.status).toBe(409);
  });

  it("stores a PUT under its statementId and returns it by GET with what the LRS added", async () => {
    const id = randomUUID();
    const body = statement("u2@example.com", "attempted", `${ACTIVITY}/quiz`);
    expect((await lrs.request("PUT", "/xapi/statements", { auth, body })).status).toBe(400);
    const other = await lrs.request("PUT", `/xapi/statements?statementId=${id}`, {
      auth,
      body: { ...body, id: randomUUID() },
    });
    expect(other.status).toBe(400);
    expect(
      (await lrs.request("PUT", `/xapi/statements?statementId=${id}`, { auth, body })).status,
    ).toBe(204);
    const got = await lrs.request("GET", `/xapi/statements?statementId=${id}`, {
      auth,
      version: "2.0.0",
    });
    expect(got.status).toBe(200);
    expect(got.headers.get("x-experience-api-version")).toBe("2.0.0");
    expect(got.headers.get("x-experience-api-consistent-through")).toBe(clock.now().toISOString());
    expect(got.body).toMatchObject({
      id,
      verb: body.verb,
      stored: clock.now().toISOString(),
      timestamp: clock.now().toISOString(),
      version: "1.0.0",
      authority: {
        objectType: "Agent",
        name: "Cornerstone",
        account: { name: expect.stringMatching(/^xapi-/) },
      },
    });
    expect(
      (await lrs.request("GET", `/xapi/statements?statementId=${randomUUID()}`, { auth })).status,
    ).toBe(404);
    expect((await lrs.request("GET", "/xapi/statements?verb=x", { auth })).status).toBe(400);
  });

  it("completes the mapped goal as reported by the LMS, never as verified", async () => {
    const res = await lrs.request("POST", "/xapi/statements", {
      auth,
      body: statement("u2@example.com", "completed", `${ACTIVITY}/final`),
    });
    expect(res.status).toBe(200);
    const completion = await t.db
      .selectFrom("completions")
      .innerJoin("goals", "goals.id", "completions.goal_id")
      .select(["goals.status", "completions.reported_by", "completions.verification_status"])
      .executeTakeFirstOrThrow();
    expect(completion).toEqual({
      status: "completed",
      reported_by: "Cornerstone",
      verification_status: "unverified",
    });
    const showcase = replyText(await lrs.core.command(learner, "showcase"));
    expect(showcase).toContain("Google Project Management Certificate");
    expect(showcase).toContain("reported by Cornerstone");
    expect(showcase).not.toContain("✓");
    // A second completion for the same course finds no open goal.
    await lrs.request("POST", "/xapi/statements", {
      auth,
      body: statement("u2@example.com", "passed", `${ACTIVITY}/final`),
    });
    expect(await t.db.selectFrom("completions").select("id").execute()).toHaveLength(1);
  });
});
