import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Core } from "../../src/commands/core.ts";
import { credlyFeature } from "../../src/commands/features/credly.ts";
import { orgFeature } from "../../src/commands/features/org.ts";
import { privacyFeature } from "../../src/commands/features/privacy.ts";
import { shareFeature } from "../../src/commands/features/share.ts";
import { createCore } from "../../src/commands/router.ts";
import { readAudit } from "../../src/domain/audit/log.ts";
import { LIMITS, takeLimit } from "../../src/domain/privacy/limits.ts";
import type { Reply } from "../../src/messages/model.ts";
import type { JobQueue } from "../../src/ports.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { actor, text } from "../commands/harness.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

const clock = new ManualClock("2026-11-04T14:00:00Z");
const ann = actor("UANN8");
const ben = actor("UBEN8");
const boss = actor("UBOSS8");

const files = (reply: Reply) => (reply.kind === "message" ? (reply.message.files ?? []) : []);

describe("per-person limits on shares, reports and data exports", () => {
  let t: TestDatabase;
  let core: Core;
  const queued: string[] = [];
  const jobs: JobQueue = {
    async enqueue(job) {
      queued.push(job);
    },
  };
  const idOf = async (platformId: string) =>
    (
      await t.db
        .selectFrom("users")
        .where("platform_user_id", "=", platformId)
        .select(["id", "workspace_id"])
        .executeTakeFirstOrThrow()
    ).id;

  beforeAll(async () => {
    t = await createTestDatabase("privacy_limits");
    core = createCore({ db: t.db, clock, jobs, admins: ["uboss8@example.com"] }, [
      orgFeature,
      privacyFeature,
      shareFeature,
      credlyFeature,
    ]);
    for (const a of [ann, ben, boss]) await core.command(a, "goal Learn Rust");
    await core.command(ann, "log 2");
    await core.command(ann, "done rust");
    await core.command(boss, "admin manager <@UANN8|ann> <@UBOSS8|boss>");
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("lets a person share five times an hour; the sixth keeps their words and sends nothing", async () => {
    const goal = await t.db
      .selectFrom("goals")
      .where("user_id", "=", await idOf("UANN8"))
      .select("id")
      .executeTakeFirstOrThrow();
    const benId = await idOf("UBEN8");
    const submit = (words: string) =>
      core.submit(ann, "share.submit", String(goal.id), { text: words, where: `u:${benId}` });
    for (let i = 0; i < LIMITS.share.max; i++) {
      // To a new place each time: the same place again would not be posted twice anyway.
      await sql`update shares set delivery = 'failed'`.execute(t.db);
      expect((await submit(`Lesson ${i}`)).ok).toBe(true);
      clock.advance(60_000);
    }
    expect(queued).toHaveLength(LIMITS.share.max);
    const before = await t.db.selectFrom("shares").select(["text", "delivery"]).execute();
    const refused = await submit("One too many");
    expect(refused).toEqual({
      ok: false,
      errors: {
        where:
          "You've shared 5 times in the last hour. Please wait 55 minutes, then try again. Nothing was shared; your words are still here.",
      },
    });
    expect(queued).toHaveLength(LIMITS.share.max);
    expect(await t.db.selectFrom("shares").select(["text", "delivery"]).execute()).toEqual(before);
    // Once the first share is an hour old, one more may go.
    clock.advance(55 * 60_000);
    expect((await submit("Now it goes")).ok).toBe(true);
  });

  it("limits reports per person, records no view when refused, and leaves others alone", async () => {
    const bossId = await idOf("UBOSS8");
    const ws = (
      await t.db
        .selectFrom("users")
        .where("id", "=", bossId)
        .select("workspace_id")
        .executeTakeFirstOrThrow()
    ).workspace_id;
    const views = async () =>
      (await readAudit(t.db, ws, { since: new Date(0), actions: ["report.view"] })).length;
    for (let i = 0; i < LIMITS.report.max; i++)
      expect(text(await core.command(boss, "report"))).toContain("Report");
    expect(await views()).toBe(LIMITS.report.max);
    const refused = text(await core.command(boss, "report csv"));
    expect(refused).toBe(
      "You've asked for 10 reports in the last 10 minutes. Please wait 10 minutes, then try again. No report was made.",
    );
    expect(await views()).toBe(LIMITS.report.max);
    // Ann's own data export is a different action and a different person's count.
    expect(files(await core.command(ann, "my data"))).toHaveLength(2);
  });

  it("limits copies of one's data to three an hour", async () => {
    clock.advance(2 * 60 * 60_000);
    for (let i = 0; i < LIMITS.export.max; i++)
      expect(files(await core.command(ann, "my data"))).toHaveLength(2);
    const refused = await core.command(ann, "my data");
    expect(files(refused)).toEqual([]);
    expect(text(refused)).toBe(
      "You've asked for your data 3 times in the last hour. Please wait an hour, then try again. No copy was made.",
    );
  });

  it("limits reading one's Credly profile on demand to three in ten minutes", async () => {
    const benId = await idOf("UBEN8");
    await t.db
      .insertInto("credly_links")
      .values({ user_id: benId, username: "ben-credly", connected_at: clock.now() })
      .execute();
    const before = queued.length;
    for (let i = 0; i < LIMITS.sync.max; i++)
      expect(text(await core.command(ben, "sync"))).toContain("Reading ben-credly");
    expect(queued.length - before).toBe(LIMITS.sync.max);
    expect(text(await core.command(ben, "sync"))).toBe(
      "You've asked me to read Credly 3 times in the last 10 minutes. Please wait 10 minutes, then try again. Nothing was read; new badges are also picked up every day.",
    );
    expect(queued.length - before).toBe(LIMITS.sync.max);
  });

  it("never lets two requests at once both take the last use", async () => {
    const benId = await idOf("UBEN8");
    const now = clock.now();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => takeLimit(t.db, benId, "export", now)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(LIMITS.export.max);
    const hits = await t.db
      .selectFrom("rate_limit_hits")
      .where("user_id", "=", benId)
      .where("action", "=", "export")
      .select("at")
      .execute();
    expect(hits).toHaveLength(LIMITS.export.max);
  });
});
