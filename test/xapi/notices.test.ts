import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type QueueBackend, redisBackend } from "../../jobs/backend.ts";
import { createCredlyJobs } from "../../jobs/credly/index.ts";
import type { RunningJobs } from "../../jobs/registry.ts";
import { createLogger } from "../../src/log.ts";
import { type Button, type Message, messageText } from "../../src/messages/model.ts";
import type { Messenger } from "../../src/ports.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { TEST_REDIS_URL } from "../support/app.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { type Lrs, mapActivities, person, startLrs, statement } from "./harness.ts";

const GPM = "Google Project Management Certificate";
const PL900 = "Microsoft Power Platform Fundamentals (PL-900)";
const AI = "AI for Everyone";
const COURSE = "https://lms.example.com/courses";

describe("the DM when an LMS completes a goal", () => {
  let t: TestDatabase;
  let lrs: Lrs;
  let auth: string;
  let backend: QueueBackend;
  let jobs: RunningJobs;
  let failNext = false;
  const sent: { userId: number; message: Message }[] = [];
  const messenger: Messenger = {
    async send(to, message) {
      if (failNext) {
        failNext = false;
        throw new Error("platform unavailable");
      }
      if (to.kind === "user") sent.push({ userId: to.userId, message });
      return { ref: String(sent.length) };
    },
    async update() {},
  };
  const clock = new ManualClock("2026-12-01T10:00:00Z");
  const ann = person("U2");
  const bob = person("U3");
  const userId = async (platformId: string) =>
    (
      await t.db
        .selectFrom("users")
        .where("platform_user_id", "=", platformId)
        .select("id")
        .executeTakeFirstOrThrow()
    ).id;
  const buttons = (m: Message): Button[] =>
    m.blocks.flatMap((b) => (b.type === "actions" ? b.buttons : []));

  async function post(body: unknown) {
    const res = await lrs.request("POST", "/xapi/statements", { auth, body });
    expect(res.status).toBe(200);
  }

  beforeAll(async () => {
    t = await createTestDatabase("xapi_notices");
    lrs = await startLrs(t.db, clock);
    ({ auth } = await lrs.credentials(person("U1"), "Cornerstone"));
    await mapActivities(t.db, GPM, [`${COURSE}/gpm`]);
    await mapActivities(t.db, AI, [`${COURSE}/ai`]);
    await lrs.core.command(ann, `goal ${GPM}`);
    await lrs.core.command(bob, `goal ${GPM}`);
    await lrs.core.command(bob, `goal ${PL900}`);
    await lrs.core.command(bob, `goal ${AI}`);
    backend = await redisBackend({
      url: TEST_REDIS_URL,
      prefix: `txapin${randomBytes(4).toString("hex")}`,
    });
    // The scheduled runs are kept out of the way (29 February): each test runs due work itself,
    // so a run the scheduler starts can't send a notice after the test has looked.
    const module = createCredlyJobs({ dailyPattern: "0 5 29 2 *", noticesPattern: "0 6 29 2 *" });
    jobs = await module.start({
      db: t.db,
      clock,
      backend,
      messenger,
      logger: createLogger("silent"),
    });
  });
  afterAll(async () => {
    await jobs?.stop();
    await backend?.close();
    await lrs?.server.close();
    await t?.drop();
  });

  it("tells the person once, with the next credential of the stack", async () => {
    const id = randomUUID();
    const done = statement("u2@example.com", "completed", `${COURSE}/gpm`, { id });
    await post(done);
    await jobs.runDue!();
    const annId = await userId("U2");
    const toAnn = sent.filter((s) => s.userId === annId);
    expect(toAnn).toHaveLength(1);
    const text = messageText(toAnn[0]!.message);
    expect(text).toContain(`Cornerstone reports that you completed ${GPM}`);
    expect(text).toContain("share its file here");
    expect(text).toContain(`Next in the Project manager with AI stack: ${PL900}`);
    const pl900 = await t.db
      .selectFrom("credentials")
      .where("title", "=", PL900)
      .select("id")
      .executeTakeFirstOrThrow();
    expect(buttons(toAnn[0]!.message)).toEqual([
      expect.objectContaining({ action: "goal.create", value: JSON.stringify({ c: pl900.id }) }),
    ]);
    // The same statement again, and more runs, tell nobody anything new.
    await post(done);
    await jobs.runDue!();
    await jobs.runDue!();
    expect(sent.filter((s) => s.userId === annId)).toHaveLength(1);
    const row = await t.db
      .selectFrom("xapi_statements")
      .where("id", "=", id)
      .select("notified_at")
      .executeTakeFirstOrThrow();
    expect(row.notified_at).toEqual(clock.now());
  });

  it("sends one message for a goal two statements completed, and skips a stack step already a goal", async () => {
    const before = sent.length;
    await post([
      statement("u3@example.com", "passed", `${COURSE}/gpm`, { id: randomUUID() }),
      statement("u3@example.com", "completed", `${COURSE}/gpm`, { id: randomUUID() }),
    ]);
    await jobs.runDue!();
    const news = sent.slice(before);
    expect(news).toHaveLength(1);
    expect(news[0]!.userId).toBe(await userId("U3"));
    const text = messageText(news[0]!.message);
    // Stored together, either statement may be the one told of.
    expect(text).toMatch(new RegExp(`Cornerstone reports that you (passed|completed) ${GPM}`));
    // PL-900 is already Bob's goal: the stack's next step for him is the one after it.
    expect(text).toContain("Next in the Project manager with AI stack: AI in Project Management");
  });

  it("tries again next time when the message could not be sent", async () => {
    const before = sent.length;
    failNext = true;
    await post(statement("u3@example.com", "completed", `${COURSE}/ai`, { id: randomUUID() }));
    await jobs.runDue!();
    expect(sent.length).toBe(before);
    await jobs.runDue!();
    expect(sent.slice(before)).toHaveLength(1);
    expect(messageText(sent.at(-1)!.message)).toContain(`that you completed ${AI}`);
    // AI for Everyone is in no stack: no next step is offered.
    expect(buttons(sent.at(-1)!.message)).toEqual([]);
  });

  it("says nothing about a completion voided before it was told", async () => {
    const before = sent.length;
    await lrs.core.command(ann, "goal AI for Everyone");
    const id = randomUUID();
    await post(statement("u2@example.com", "completed", `${COURSE}/ai`, { id }));
    await post({
      actor: { mbox: "mailto:u2@example.com" },
      verb: { id: "http://adlnet.gov/expapi/verbs/voided", display: { "en-US": "voided" } },
      object: { objectType: "StatementRef", id },
    });
    await jobs.runDue!();
    expect(sent.slice(before)).toEqual([]);
  });
});
