import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DefaultPlayground, startDefaultPlayground } from "./support.ts";

/**
 * The playground as a newcomer starts it: no DATABASE_URL and no REDIS_URL, so the data and the
 * queues both live in embedded PostgreSQL.
 */
describe("playground on the zero-config default", () => {
  let playground: DefaultPlayground;
  const api = (route: string, body: Record<string, unknown>) => playground.api(route, body);
  const channel = (user: string, name: string | RegExp) => playground.channel(user, name);
  const dm = async (user: string) => JSON.stringify(await channel(user, /DM/));

  beforeAll(async () => {
    // A Wednesday mid-quarter: the seeded weeks fall in this quarter and Monday is ahead.
    playground = await startDefaultPlayground({ at: "2026-05-13T10:00:00Z" });
  }, 90_000);
  afterAll(async () => {
    await playground?.stop();
  });

  it("queues on PostgreSQL, and the Monday digests and check-in appear within seconds of the clock moving", async () => {
    expect(playground.app.queues.backend.kind).toBe("postgres");
    expect((await api("demo", {})).body).toMatchObject({ created: true });
    await api("command", {
      user: "U0LEARNER",
      text: "/learn goal Cloud Basics by August 31 5h/week",
    });
    await api("command", { user: "U0LEARNER", text: "/learn checkins mon 09:00" });
    await expect.poll(() => dm("U0LEARNER")).toContain("Check-in settings saved");
    // Let the workers settle into their blocking wait, as they would between clicks.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const moved = await api("clock", { user: "U0LEARNER", to: "next-monday-0900" });
    expect(moved.status).toBe(200);
    const started = Date.now();
    // The workers' idle wait is minutes long; 20 s is ample for work that is woken at once.
    await expect
      .poll(async () => (await channel("U0ADMIN", "#data")).length, {
        timeout: 20_000,
        interval: 250,
      })
      .toBe(1);
    await expect
      .poll(() => dm("U0LEARNER"), { timeout: 20_000, interval: 250 })
      .toContain("Time for a quick check-in");
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);
});
