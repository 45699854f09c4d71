import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import {
  type Lrs,
  mapActivities,
  person,
  replyText,
  startLrs,
  statement,
  VERB,
} from "./harness.ts";

const COURSE = "AI for Everyone";
const ACTIVITY = "https://lms.example.com/courses/ai";
const DAY = 86_400_000;

describe("xAPI rules: validation, voiding, scoping, limits and unmatched statements", () => {
  let t: TestDatabase;
  let lrs: Lrs;
  let auth: string;
  let otherAuth: string;
  const clock = new ManualClock("2026-12-01T10:00:00Z");
  const admin = person("A1");
  const learner = person("L1");

  beforeAll(async () => {
    t = await createTestDatabase("xapi_rules");
    lrs = await startLrs(t.db, clock, { maxBodyBytes: 20_000, burst: 1000, perMinute: 1000 });
    ({ auth } = await lrs.credentials(admin, "Docebo"));
    // A second workspace whose person has the same e-mail as the learner.
    ({ auth: otherAuth } = await lrs.credentials(person("B1", "T2"), "Other LMS"));
    await lrs.core.command(person("L1", "T2"), "help");
    await lrs.core.command(learner, `goal ${COURSE}`);
    await mapActivities(t.db, COURSE, [ACTIVITY, `${ACTIVITY}/*`]);
  });
  afterAll(async () => {
    await lrs.server.close();
    await t.drop();
  });

  const rows = () => t.db.selectFrom("xapi_statements").selectAll().execute();
  const hours = async () =>
    (await t.db.selectFrom("progress_events").select("hours").execute()).reduce(
      (sum, r) => sum + r.hours,
      0,
    );
  const post = (body: unknown, key = auth) =>
    lrs.request("POST", "/xapi/statements", { auth: key, body });

  const ok = statement("l1@example.com", "progressed", `${ACTIVITY}/m1`, {
    result: { duration: "PT1H" },
  });
  const invalid: [string, unknown, RegExp][] = [
    ["no actor", { verb: ok.verb, object: ok.object }, /actor/],
    [
      "two identifiers",
      { ...ok, actor: { mbox: "mailto:a@b.c", account: { homePage: "https://x.y", name: "a" } } },
      /actor/,
    ],
    ["an mbox without mailto", { ...ok, actor: { mbox: "a@b.c" } }, /actor\.mbox/],
    ["a verb without an IRI", { ...ok, verb: { id: "completed" } }, /verb\.id/],
    ["an empty duration", { ...ok, result: { duration: "PT" } }, /result\.duration/],
    ["a scaled score over 1", { ...ok, result: { score: { scaled: 2 } } }, /result\.score\.scaled/],
    ["raw outside min and max", { ...ok, result: { score: { raw: 5, min: 0, max: 3 } } }, /raw/],
    ["an unknown property", { ...ok, mood: "happy" }, /mood/],
    ["an id that is not a UUID", { ...ok, id: "42" }, /id/],
    ["a timestamp that is not ISO 8601", { ...ok, timestamp: "yesterday" }, /timestamp/],
    [
      "voiding an activity",
      { ...ok, verb: VERB("voided"), object: { id: "https://x.y/a" } },
      /StatementRef/,
    ],
    [
      "an attachment without fileUrl",
      {
        ...ok,
        attachments: [
          {
            usageType: "https://x.y/u",
            display: { en: "a" },
            contentType: "text/plain",
            length: 1,
            sha2: "ab",
          },
        ],
      },
      /attachment/,
    ],
    [
      "platform on a non-activity",
      {
        ...ok,
        object: { objectType: "Agent", mbox: "mailto:a@b.c" },
        context: { platform: "x" },
      },
      /platform/,
    ],
    ["a group without members or identifier", { ...ok, actor: { objectType: "Group" } }, /actor/],
    ["weeks mixed with days", { ...ok, result: { duration: "P4W1D" } }, /result\.duration/],
    [
      "interaction details without interactionType",
      { ...ok, object: { id: "https://x.y/q", definition: { choices: [{ id: "a" }] } } },
      /interactionType/,
    ],
    [
      "an identified group as authority",
      { ...ok, authority: { objectType: "Group", mbox: "mailto:g@x.y" } },
      /authority/,
    ],
    [
      "a sub-statement's raw score above its max",
      {
        ...ok,
        object: {
          objectType: "SubStatement",
          actor: ok.actor,
          verb: ok.verb,
          object: { id: "https://x.y/a" },
          result: { score: { raw: 9, max: 3 } },
        },
      },
      /object\.result\.score\.raw/,
    ],
    [
      "a 2.0 context agent of another objectType",
      {
        ...ok,
        context: { contextAgents: [{ objectType: "Agent", agent: { mbox: "mailto:a@b.c" } }] },
      },
      /context\.contextAgents/,
    ],
    [
      "a 2.0 context group with empty relevantTypes",
      {
        ...ok,
        context: {
          contextGroups: [
            {
              objectType: "contextGroup",
              group: { objectType: "Group", mbox: "mailto:g@b.c" },
              relevantTypes: [],
            },
          ],
        },
      },
      /context\.contextGroups/,
    ],
  ];

  it.each(invalid)("answers 400 for %s and stores nothing", async (_name, body, reason) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect((res.body as { error: string }).error).toMatch(reason);
    expect(await rows()).toHaveLength(0);
  });

  it("accepts 2.0 context agents and groups that name their relevant types", async () => {
    const res = await post({
      ...ok,
      id: randomUUID(),
      context: {
        contextAgents: [
          {
            objectType: "contextAgent",
            agent: { mbox: "mailto:mentor@x.y" },
            relevantTypes: ["https://x.y/types/mentor"],
          },
        ],
        contextGroups: [
          { objectType: "contextGroup", group: { objectType: "Group", mbox: "mailto:g@x.y" } },
        ],
      },
    });
    expect(res.status).toBe(200);
  });

  it("returns context activities as lists, also where one was sent alone", async () => {
    const id = randomUUID();
    const parent = { id: "https://x.y/course" };
    await post({ ...ok, id, context: { contextActivities: { parent } } });
    const got = await lrs.request("GET", `/xapi/statements?statementId=${id}`, { auth });
    expect(got.body).toMatchObject({ context: { contextActivities: { parent: [parent] } } });
    await lrs.request("PUT", `/xapi/statements?statementId=${id}`, {
      auth,
      body: { ...ok, id, context: { contextActivities: { parent } } },
    });
    expect((await rows()).filter((r) => r.id === id)).toHaveLength(1);
    await t.db.deleteFrom("progress_events").execute();
    await t.db.deleteFrom("xapi_statements").execute();
  });

  it("rejects a whole batch when one statement is bad, or when an id appears twice", async () => {
    const bad = await post([ok, { ...ok, verb: { id: "nope" } }]);
    expect(bad.status).toBe(400);
    expect((bad.body as { error: string }).error).toMatch(/^statement 2: /);
    const id = randomUUID();
    expect(
      (
        await post([
          { ...ok, id },
          { ...ok, id },
        ])
      ).status,
    ).toBe(400);
    expect(await rows()).toHaveLength(0);
    expect(await hours()).toBe(0);
  });

  it("refuses bodies that are not JSON, too large, or multipart", async () => {
    expect((await post("{not json")).status).toBe(400);
    const huge = [...Array(200)].map(() => ({ ...ok, id: randomUUID() }));
    expect((await post(huge)).status).toBe(413);
    const multipart = await lrs.request("POST", "/xapi/statements", {
      auth,
      body: "--x--",
      headers: { "content-type": "multipart/mixed; boundary=x" },
    });
    expect(multipart.status).toBe(400);
    expect(await rows()).toHaveLength(0);
  });

  it("voids a statement: its progress goes, GET finds it only as voided", async () => {
    const id = randomUUID();
    expect((await post({ ...ok, id })).status).toBe(200);
    expect(await hours()).toBe(1);
    const voiding = {
      actor: ok.actor,
      verb: VERB("voided"),
      object: { objectType: "StatementRef", id },
    };
    const res = await post(voiding);
    expect(res.status).toBe(200);
    expect(await hours()).toBe(0);
    const plain = await lrs.request("GET", `/xapi/statements?statementId=${id}`, { auth });
    expect(plain.status).toBe(404);
    const voided = await lrs.request("GET", `/xapi/statements?voidedStatementId=${id}`, { auth });
    expect(voided.status).toBe(200);
    expect(voided.body).toMatchObject({ id });
    // A voiding statement cannot itself be voided.
    const again = await post({
      ...voiding,
      object: { objectType: "StatementRef", id: (res.body as string[])[0] },
    });
    expect(again.status).toBe(400);
  });

  it("voiding an LMS completion reopens the goal", async () => {
    const id = randomUUID();
    await post({ ...statement("l1@example.com", "completed", ACTIVITY), id });
    const goal = () =>
      t.db.selectFrom("goals").select(["status", "completed_at"]).executeTakeFirstOrThrow();
    expect((await goal()).status).toBe("completed");
    await post({
      actor: ok.actor,
      verb: VERB("voided"),
      object: { objectType: "StatementRef", id },
    });
    expect(await goal()).toEqual({ status: "active", completed_at: null });
    expect(await t.db.selectFrom("completions").select("id").execute()).toHaveLength(0);
  });

  it("keeps each workspace's statements and people to itself", async () => {
    const id = randomUUID();
    expect((await post({ ...ok, id })).status).toBe(200);
    const before = await hours();
    // The other workspace's LMS cannot read the statement, nor reach this workspace's learner.
    const read = await lrs.request("GET", `/xapi/statements?statementId=${id}`, {
      auth: otherAuth,
    });
    expect(read.status).toBe(404);
    const theirs = await post({ ...ok, id: randomUUID() }, otherAuth);
    expect(theirs.status).toBe(200);
    expect(await hours()).toBe(before);
    // The same id in the other workspace is a statement of its own, not a conflict.
    expect((await post({ ...ok, id, result: { duration: "PT2H" } }, otherAuth)).status).toBe(200);
    const other = await lrs.request("GET", `/xapi/statements?statementId=${id}`, {
      auth: otherAuth,
    });
    expect(other.body).toMatchObject({ result: { duration: "PT2H" } });
    // Admin commands see only their own workspace's credentials.
    const list = replyText(await lrs.core.command(admin, "admin xapi list"));
    expect(list).toContain("Docebo");
    expect(list).not.toContain("Other LMS");
  });

  it("keeps unmatched statements 30 days for admins, and places them once mapped", async () => {
    const stranger = statement("nobody@example.com", "progressed", `${ACTIVITY}/m9`, {
      result: { duration: "PT2H" },
    });
    const unmapped = statement("l1@example.com", "progressed", "https://other.example/x", {
      result: { duration: "PT45M" },
    });
    const strangerId = ((await post(stranger)).body as string[])[0]!;
    await post(unmapped);
    const listed = replyText(await lrs.core.command(admin, "admin xapi unmatched"));
    expect(listed).toContain("nobody@example.com");
    expect(listed).toContain("nobody here has that e-mail or account");
    expect(listed).toContain("https://other.example/x");
    expect(listed).toContain("not mapped to a catalog credential");
    const learnerSees = replyText(await lrs.core.command(learner, "admin xapi unmatched"));
    expect(learnerSees).toContain("Only workspace admins");

    // The admin maps the other activity and tries again: the learner gets the 45 minutes.
    const before = await hours();
    await mapActivities(t.db, COURSE, [ACTIVITY, `${ACTIVITY}/*`, "https://other.example/*"]);
    const retried = await lrs.core.action(admin, "xapi.retry", "{}");
    expect(replyText(retried)).toContain("Placed 1 statement; 1 still unmatched.");
    expect(await hours()).toBeCloseTo(before + 0.75);
    expect(replyText(await lrs.core.action(learner, "xapi.retry", "{}"))).toContain(
      "Only workspace admins",
    );

    // After 30 days the stranger's statement is gone.
    clock.advance(31 * DAY);
    const gone = await lrs.request("GET", `/xapi/statements?statementId=${strangerId}`, { auth });
    expect(gone.status).toBe(404);
    const after = replyText(await lrs.core.command(admin, "admin xapi unmatched"));
    expect(after).not.toContain("nobody@example.com");
  });

  it("matches actors by mbox_sha1sum and by account", async () => {
    const { createHash } = await import("node:crypto");
    const sum = createHash("sha1").update("mailto:l1@example.com").digest("hex");
    const before = await hours();
    await post({ ...ok, actor: { mbox_sha1sum: sum } });
    await post({ ...ok, actor: { account: { homePage: "https://slack.com", name: "L1" } } });
    expect(await hours()).toBe(before + 2);
  });

  it("stops accepting revoked credentials", async () => {
    const { key, auth: temporary } = await lrs.credentials(admin, "Temporary");
    expect((await post(ok, temporary)).status).toBe(200);
    expect(replyText(await lrs.core.command(admin, `admin xapi revoke ${key}`))).toContain(
      "Revoked Temporary",
    );
    expect((await post(ok, temporary)).status).toBe(401);
  });
});

describe("xAPI rate limits", () => {
  let t: TestDatabase;
  let lrs: Lrs;

  beforeAll(async () => {
    t = await createTestDatabase("xapi_limits");
    lrs = await startLrs(t.db, new ManualClock("2026-12-01T10:00:00Z"), {
      burst: 3,
      perMinute: 1,
    });
  });
  afterAll(async () => {
    await lrs.server.close();
    await t.drop();
  });

  it("answers 429 with Retry-After once a credential spends its burst, others unaffected", async () => {
    const a = await lrs.credentials(person("A1"), "First");
    const b = await lrs.credentials(person("A1"), "Second");
    const get = (auth: string) =>
      lrs.request("GET", `/xapi/statements?statementId=${randomUUID()}`, { auth });
    for (let i = 0; i < 3; i += 1) expect((await get(a.auth)).status).toBe(404);
    const limited = await get(a.auth);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await get(b.auth)).status).toBe(404);
  });
});
