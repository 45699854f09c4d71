import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type QueueBackend, redisBackend } from "../../jobs/backend.ts";
import { createJobQueue, type RunningJobs } from "../../jobs/registry.ts";
import { SHARING_QUEUE, shareJobs } from "../../jobs/sharing/index.ts";
import { SHARE_DELIVER_JOB, saveShare } from "../../src/domain/sharing/shares.ts";
import { createLogger } from "../../src/log.ts";
import { type Message, messageText } from "../../src/messages/model.ts";
import type { Destination, Messenger } from "../../src/ports.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { TEST_REDIS_URL } from "../support/app.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

/** Records what reaches the platform; the first post to a channel fails like a Slack 500. */
function recordingMessenger() {
  const posted: { to: Destination; text: string }[] = [];
  let channelFailures = 1;
  const messenger: Messenger = {
    async send(to: Destination, message: Message) {
      if (to.kind === "channel" && channelFailures-- > 0) throw new Error("internal_error");
      posted.push({ to, text: messageText(message) });
      return { ref: `m${posted.length}` };
    },
    async update() {},
  };
  return { posted, messenger };
}

describe("share delivery job: real PostgreSQL, real Redis, two workers", () => {
  let t: TestDatabase;
  const backends: QueueBackend[] = [];
  const workers: RunningJobs[] = [];
  const clock = new ManualClock("2026-10-26T08:00:00Z");
  const prefix = `test-share-${randomBytes(4).toString("hex")}`;
  const { posted, messenger } = recordingMessenger();
  const ids: Record<string, number> = {};
  let goalIds: number[] = [];

  beforeAll(async () => {
    t = await createTestDatabase("sharing_jobs");
    const ws = await t.db
      .insertInto("workspaces")
      .values({ platform: "slack", external_id: "T1", name: "Acme" })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const [key, name] of [
      ["sam", "Sam"],
      ["cleo", "Cleo"],
    ] as const) {
      const u = await t.db
        .insertInto("users")
        .values({ workspace_id: ws.id, platform_user_id: `U${key}`, display_name: name })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids[key] = u.id;
    }
    const goals = await t.db
      .insertInto("goals")
      .values(
        ["Power BI Data Analyst", "Prompt engineering", "SQL basics"].map((title) => ({
          user_id: ids.sam!,
          title,
          status: "completed" as const,
          completed_at: new Date("2026-10-25T10:00:00Z"),
        })),
      )
      .returning("id")
      .execute();
    goalIds = goals.map((g) => g.id);
    const logger = createLogger("silent");
    for (let i = 0; i < 2; i++) {
      const backend = await redisBackend({ url: TEST_REDIS_URL, prefix });
      backends.push(backend);
      workers.push(await shareJobs.start({ db: t.db, clock, backend, messenger, logger }));
    }
  });
  afterAll(async () => {
    for (const w of workers) await w.stop().catch(() => undefined);
    for (const b of backends) await b.close().catch(() => undefined);
    await t?.drop();
  });

  const sam = async () =>
    t.db.selectFrom("users").where("id", "=", ids.sam!).selectAll().executeTakeFirstOrThrow();

  async function settled(queue: ReturnType<QueueBackend["queue"]>, count: number) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const rows = await t.db
        .selectFrom("shares" as never)
        .select(["delivery" as never])
        .execute();
      const counts = await queue.getJobCounts("active", "waiting");
      const retries = (await queue.getDelayed()).filter((j) => j.name === SHARE_DELIVER_JOB);
      const sent = rows.filter((r) => (r as { delivery: string }).delivery === "sent").length;
      if (sent === count && (counts.active ?? 0) + (counts.waiting ?? 0) + retries.length === 0)
        return;
      if (Date.now() > deadline) throw new Error(`shares not settled: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it("posts a share to a colleague and one to a team channel exactly once, despite repeats and a failure", async () => {
    const author = await sam();
    const team = await saveShare(
      t.db,
      author,
      {
        goalId: goalIds[0]!,
        text: "DAX measures beat spreadsheet formulas.",
        audience: "team",
        teamChannelId: "C0DATA",
        colleagueId: null,
      },
      clock.now(),
    );
    const colleague = await saveShare(
      t.db,
      author,
      {
        goalId: goalIds[1]!,
        text: "Give the model an example.",
        audience: "colleague",
        teamChannelId: null,
        colleagueId: ids.cleo!,
      },
      clock.now(),
    );
    // Each queued twice from both sides, under different job ids, as after a lost Redis.
    const queues = backends.map((b) => createJobQueue(b, [shareJobs]));
    for (const q of queues) {
      for (const id of [team.id, colleague.id]) {
        await q.enqueue(
          SHARE_DELIVER_JOB,
          { shareId: id },
          { id: `share-${id}-${randomBytes(3).toString("hex")}` },
        );
      }
    }
    const queue = backends[0]!.queue(SHARING_QUEUE);
    await settled(queue, 2);
    for (const q of queues) await q.close();

    // Two workers race, so the two posts may land in either order.
    const byText = (a: { text: string }, b: { text: string }) => a.text.localeCompare(b.text);
    expect([...posted].sort(byText)).toEqual(
      [
        {
          to: { kind: "user", userId: ids.cleo },
          text: "🎓 Sam completed Prompt engineering and shares what they learned:\n“Give the model an example.”",
        },
        {
          to: { kind: "channel", workspaceId: author.workspace_id, channelId: "C0DATA" },
          text: "🎓 Sam completed Power BI Data Analyst and shares what they learned:\n“DAX measures beat spreadsheet formulas.”",
        },
      ].sort(byText),
    );
    const rows = await t.db
      .selectFrom("shares" as never)
      .select(["id" as never, "delivery" as never, "delivery_ref" as never])
      .orderBy("id" as never)
      .execute();
    // Each share records the ref of the one post that carried it.
    const refOf = (text: string) => `m${posted.findIndex((p) => p.text.includes(text)) + 1}`;
    expect(rows).toEqual([
      { id: team.id, delivery: "sent", delivery_ref: refOf("DAX measures") },
      { id: colleague.id, delivery: "sent", delivery_ref: refOf("Give the model") },
    ]);

    // Shared to the same channel again: only the digest text changes, nothing is posted again.
    const again = { goalId: goalIds[0]!, audience: "team" as const, colleagueId: null };
    const same = await saveShare(
      t.db,
      author,
      { ...again, text: "Measures, not formulas.", teamChannelId: "C0DATA" },
      clock.now(),
    );
    expect(same).toEqual({ id: team.id, already: true });
    const row = await t.db
      .selectFrom("shares" as never)
      .select(["text" as never, "delivery" as never])
      .where("id" as never, "=", team.id as never)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ text: "Measures, not formulas.", delivery: "sent" });
    // to another place it goes out again
    const elsewhere = await saveShare(
      t.db,
      author,
      { ...again, text: "Measures, not formulas.", teamChannelId: "C0OTHER" },
      clock.now(),
    );
    expect(elsewhere).toEqual({ id: team.id, already: false });
    // put the row back as delivered, for the sweep test that follows
    await t.db
      .updateTable("shares" as never)
      .set({ team_channel_id: "C0DATA", delivery: "sent" } as never)
      .where("id" as never, "=", team.id as never)
      .execute();
    await queue.close();
  });

  it("sweeps a share whose job never got queued, once, and leaves sent ones alone", async () => {
    const author = await sam();
    const lost = await saveShare(
      t.db,
      author,
      {
        goalId: goalIds[2]!,
        text: "Window functions.",
        audience: "colleague",
        teamChannelId: null,
        colleagueId: ids.cleo!,
      },
      clock.now(),
    );
    const before = posted.length;
    // Too fresh: its own job may still be on the way.
    await workers[0]!.runDue?.();
    const queue = backends[0]!.queue(SHARING_QUEUE);
    expect((await queue.getJobCounts("waiting", "active")).waiting ?? 0).toBe(0);
    clock.advance(2 * 60_000);
    await Promise.all([workers[0]!.runDue?.(), workers[1]!.runDue?.()]);
    await settled(queue, 3);
    expect(posted.slice(before)).toEqual([
      {
        to: { kind: "user", userId: ids.cleo },
        text: "🎓 Sam completed SQL basics and shares what they learned:\n“Window functions.”",
      },
    ]);
    expect(lost.id).toBeGreaterThan(0);
    await queue.close();
  });
});
