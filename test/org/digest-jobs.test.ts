import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMessengerClient, createSlackMessenger } from "../../adapters/slack/messenger.ts";
import { type QueueBackend, redisBackend } from "../../jobs/backend.ts";
import { DIGEST_QUEUE, digestJobs } from "../../jobs/digests/index.ts";
import { createJobQueue, type RunningJobs } from "../../jobs/registry.ts";
import { orgFeature } from "../../src/commands/features/org.ts";
import { createCore } from "../../src/commands/router.ts";
import { MessengerRouter } from "../../src/delivery/router.ts";
import { queueDueDigests as tick } from "../../src/domain/org/digest-sender.ts";
import { dueWork } from "../../src/domain/org/digests.ts";
import { createLogger } from "../../src/log.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { TEST_BOT_TOKEN, TEST_REDIS_URL } from "../support/app.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { actor, goal, log, userId } from "./seed.ts";

const PNG = [0x89, 0x50, 0x4e, 0x47];

describe("weekly digest job: real PostgreSQL, real Redis, two workers, fake Slack", () => {
  let t: TestDatabase;
  let fake: FakeSlack;
  const backends: QueueBackend[] = [];
  const workers: RunningJobs[] = [];
  // Monday 26 Oct 2026 09:05 in Berlin: five minutes after the digest slot.
  const clock = new ManualClock("2026-10-26T08:05:00Z");
  const prefix = `test-digest-${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    t = await createTestDatabase("org_jobs");
    fake = await startFakeSlack();
    const core = createCore({ db: t.db, clock }, [orgFeature]);
    const ada = actor("U0ADMIN", "Ada", { admin: true });
    const rita = actor("U0R1", "Rita");
    await core.command(ada, "admin team create Platform <#C0PLAT|platform>");
    await core.command(rita, "leaderboard");
    await core.command(ada, "admin team add Platform <@U0R1|rita>");
    await core.command(ada, "admin digest Platform mon 9:00 Europe/Berlin");
    await core.command(ada, "admin team create Quiet");
    const r = await userId(t.db, "U0R1");
    const g = await goal(t.db, r, "Rust book", "2026-10-01T08:00:00Z");
    await log(t.db, r, g, 3, "2026-10-20T10:00:00Z");

    const logger = createLogger("silent");
    const config = {
      slack: {
        botToken: TEST_BOT_TOKEN,
        apiUrl: fake.apiUrl,
        signingSecret: undefined,
        appToken: undefined,
      },
      logLevel: "silent",
    };
    for (let i = 0; i < 2; i++) {
      const backend = await redisBackend({ url: TEST_REDIS_URL, prefix });
      backends.push(backend);
      const messenger = new MessengerRouter(t.db).register(
        "slack",
        createSlackMessenger(createMessengerClient(config, logger), async () => "U0R1"),
      );
      workers.push(await digestJobs.start({ db: t.db, clock, backend, messenger, logger }));
    }
  });
  afterAll(async () => {
    for (const w of workers) await w.stop().catch(() => undefined);
    for (const b of backends) await b.close().catch(() => undefined);
    await fake?.close();
    await t?.drop();
  });

  it("finds only the team with a channel, and only once its local slot has passed", async () => {
    const before = await dueWork(t.db, new Date("2026-10-26T07:59:00Z"));
    expect(before.digests).toEqual([]);
    const due = await dueWork(t.db, clock.now());
    expect(due.digests).toEqual([
      expect.objectContaining({ digestDate: "2026-10-26", weekStart: "2026-10-26" }),
    ]);
  });

  it("posts the digest with its chart once, though both workers tick and jobs repeat", async () => {
    // The first attempt fails at Slack: the delivery stays pending and the retry sends it.
    fake.failNext("files.completeUploadExternal", { error: "internal_error" });
    const queues = backends.map((b) => b.queue(DIGEST_QUEUE));
    const jobs = backends.map((b) => createJobQueue(b));
    await Promise.all([
      tick(t.db, clock.now(), jobs[0]!),
      tick(t.db, clock.now(), jobs[1]!),
      workers[0]!.runDue?.(),
    ]);
    const [due] = (await dueWork(t.db, clock.now())).digests;
    // Jobs a queue can't deduplicate (other job ids), as after a lost Redis.
    await queues[0]!.add("digests.team", due!, { jobId: "again-1" });
    await queues[1]!.add("digests.team", due!, { jobId: "again-2" });

    const db = t.db;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const row = await db.selectFrom("org_deliveries").selectAll().executeTakeFirst();
      const counts = await queues[0]!.getJobCounts("active", "waiting");
      // The repeating tick always waits in "delayed"; only digest retries matter here.
      const retries = (await queues[0]!.getDelayed()).filter((j) => j.name === "digests.team");
      if (
        row?.status === "sent" &&
        (counts.active ?? 0) + (counts.waiting ?? 0) + retries.length === 0
      )
        break;
      if (Date.now() > deadline) throw new Error(`digest not settled: ${JSON.stringify(row)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const q of queues) await q.close();

    const shared = fake.callsTo("files.completeUploadExternal");
    expect(shared).toHaveLength(2); // one failure, one success
    expect(shared[1]!.body.channel_id).toBe("C0PLAT");
    expect(JSON.stringify(shared[1]!.body.blocks)).toContain(
      "*3 h* logged by the team, 3 h more than the week before (0 h).",
    );
    const uploads = fake.callsTo("upload");
    expect(uploads.length).toBeGreaterThanOrEqual(1);
    const fileId = (shared[1]!.body.files as { id: string }[])[0]!.id;
    const file = fake.standin.files.get(fileId)!;
    expect([...file.data.subarray(0, 4)]).toEqual(PNG);
    expect(file.filename).toBe("Platform-hours-2026-10-26.png");
    expect(fake.callsTo("chat.postMessage")).toHaveLength(0);

    const rows = await db.selectFrom("org_deliveries").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      idempotency_key: expect.stringMatching(/^digest:\d+:2026-10-26$/),
      status: "sent",
      period_start: "2026-10-26",
    });
    expect((await dueWork(t.db, clock.now())).digests).toEqual([]);
  });

  it("doesn't post again later the same week, even if the schedule moves", async () => {
    const db = t.db;
    await db.updateTable("teams").set({ digest_day: 5 }).execute();
    expect((await dueWork(t.db, new Date("2026-10-30T12:00:00Z"))).digests).toEqual([]);
    expect((await dueWork(t.db, new Date("2026-11-06T12:00:00Z"))).digests).toHaveLength(1);
  });

  /** Ticks at `at` and waits for the `count`th digest posted, as it was sent. */
  async function posted(count: number, at: string) {
    clock.set(new Date(at));
    await tick(t.db, clock.now(), createJobQueue(backends[0]!));
    await workers[0]!.runDue?.();
    const deadline = Date.now() + 20_000;
    while (fake.callsTo("files.completeUploadExternal").length < count) {
      if (Date.now() > deadline) throw new Error(`digest ${count} was not posted`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const call = fake.callsTo("files.completeUploadExternal")[count - 1]!;
    const files = call.body.files as { title?: string }[];
    return { blocks: JSON.stringify(call.body.blocks), alt: files[0]?.title ?? "" };
  }

  it("writes the digest in the workspace's language once an admin sets one", async () => {
    const core = createCore({ db: t.db, clock }, [orgFeature]);
    const ada = actor("U0ADMIN", "Ada", { admin: true });
    const set = await core.command(ada, "admin language fr");
    expect(set.kind === "message" && set.message.summary).toContain(
      "default language is now French",
    );
    // Friday 6 Nov 2026 09:05 in Berlin, the moved slot of the next week.
    const french = await posted(3, "2026-11-06T08:05:00Z");
    expect(french.blocks).toContain("Platform · semaine du 30 oct. au 5 nov. 2026");
    expect(french.blocks).toContain("notées par l’équipe");
    expect(french.alt).toContain("Graphique en barres des heures de l’équipe");
  });

  it("prefers the team's language to the workspace's, and follows the workspace's once cleared", async () => {
    const core = createCore({ db: t.db, clock }, [orgFeature]);
    const ada = actor("U0ADMIN", "Ada", { admin: true });
    const set = await core.command(ada, "admin team language Platform de");
    // Ada's own language is the workspace's French now.
    expect(set.kind === "message" && set.message.summary).toBe(
      "Le résumé de Platform est désormais rédigé en allemand.",
    );
    // Friday 13 Nov 2026 09:05 in Berlin: the team's German wins over the workspace's French.
    const german = await posted(4, "2026-11-13T08:05:00Z");
    expect(german.blocks).toContain("Platform · Woche vom 6. Nov. bis 12. Nov. 2026");
    expect(german.alt).toContain("Balkendiagramm");
    await core.command(ada, "admin team language Platform off");
    const french = await posted(5, "2026-11-20T08:05:00Z");
    expect(french.blocks).toContain("Platform · semaine du 13 nov. au 19 nov. 2026");
  });
});
