import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOBS, type JobName, QUEUES } from "../../jobs/catalogue.ts";
import { startTestService, type TestService } from "../support/service.ts";

const SCHEDULES = Object.values(
  JOBS as Record<JobName, { queue: string; schedule?: { id: string } }>,
)
  .filter((spec) => spec.schedule)
  .map((spec) => ({ queue: spec.queue, id: spec.schedule!.id }));

describe("chaos: Redis loses its data", () => {
  let s: TestService;

  beforeAll(async () => {
    s = await startTestService({ label: "chaos_redis_flush", role: "all" });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  async function present(): Promise<string[]> {
    const found: string[] = [];
    for (const { queue, id } of SCHEDULES) {
      if (await s.app.queues.backend.queue(queue).getJobScheduler(id)) found.push(id);
    }
    return found.sort();
  }

  it("re-creates every scheduler within a minute, from code", async () => {
    expect(SCHEDULES.length).toBeGreaterThanOrEqual(5);
    expect(await present()).toEqual(SCHEDULES.map((x) => x.id).sort());

    // What an empty Redis after a restart looks like to this deployment: none of its keys.
    const redis = s.app.queues.backend.redis!;
    const prefix = `${(s.app.queues.backend.queue(QUEUES[0]).opts as { prefix: string }).prefix}:`;
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
    expect(await present()).toEqual([]);

    const deadline = Date.now() + 60_000;
    while ((await present()).length < SCHEDULES.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1_000));
    }
    expect((await present()).join(" ")).toBe(
      SCHEDULES.map((x) => x.id)
        .sort()
        .join(" "),
    );
    expect(await s.app.queues.backend.ping()).toBe(true);
  }, 90_000);
});
