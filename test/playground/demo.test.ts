import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../../bin/app.ts";
import type { TestDatabase } from "../support/db.ts";
import { type PageApi, type PlaygroundService, startPlaygroundService } from "./support.ts";

/** The playground's JSON API, as the page uses it. */
describe("playground API and demo organisation", () => {
  let playground: PlaygroundService;
  let t: TestDatabase;
  let app: RunningApp;
  const api: PageApi = (route, body) => playground.api(route, body);
  const state = async (user: string) =>
    (await (await fetch(`${app.http!.url}/playground/api/state?user=${user}`)).json()) as {
      channels: { id: string; name: string; messages: { text: string; blocks: unknown[] }[] }[];
      now: string;
    };
  const dmText = async (user: string) =>
    JSON.stringify((await state(user)).channels.find((c) => c.name.includes("DM"))?.messages ?? []);

  beforeAll(async () => {
    // Mid-quarter on a Wednesday, so the seeded weeks fall in this quarter and Monday is ahead.
    playground = await startPlaygroundService("demo", "2026-05-13T10:00:00Z");
    ({ t, app } = playground);
  }, 60_000);
  afterAll(async () => {
    await playground?.stop();
  });

  it("serves the page and its own assets, and nothing outside them", async () => {
    const page = await fetch(`${app.http!.url}/playground`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Stackup playground");
    const asset = await fetch(`${app.http!.url}/playground/assets/blocks.js`);
    expect(asset.headers.get("content-type")).toContain("javascript");
    expect((await fetch(`${app.http!.url}/playground/assets/../../package.json`)).status).toBe(404);
  });

  it("seeds three teams and twenty people once, with history the leaderboard shows", async () => {
    const first = await api("demo", {});
    expect(first.body).toEqual({ people: 23, teams: 3, created: true });
    const again = await api("demo", {});
    expect(again.body).toEqual({ people: 23, teams: 3, created: false });
    // The same organisation in the Slack workspace and in the Teams tenant.
    const users = await t.db
      .selectFrom("users")
      .innerJoin("workspaces", "workspaces.id", "users.workspace_id")
      .select("workspaces.platform")
      .execute();
    expect(users.filter((u) => u.platform === "slack")).toHaveLength(23);
    expect(users.filter((u) => u.platform === "teams")).toHaveLength(23);

    await api("command", { user: "U0D01", text: "/learn leaderboard Data quarter" });
    await expect.poll(() => dmText("U0D01")).toContain("Chen Wei");
    await api("command", { user: "U0ADMIN", text: "/learn report" });
    await expect.poll(() => dmText("U0ADMIN")).toContain("Amara Okafor");
  });

  it("moves the clock forward, never back, and runs what falls due", async () => {
    const before = new Date((await state("U0LEARNER")).now).getTime();
    const moved = await api("clock", { user: "U0LEARNER", to: "next-monday-0900" });
    const now = new Date(String(moved.body.now));
    expect(now.getTime()).toBeGreaterThan(before);
    const local = DateTime.fromJSDate(now, { zone: "Europe/London" });
    expect([local.weekday, local.hour, local.minute]).toEqual([1, 9, 0]);
    // The digests of the three demo teams go out on Monday morning in their own zones.
    await expect
      .poll(
        async () =>
          (await state("U0ADMIN")).channels.find((c) => c.name === "#data")?.messages.length,
        {
          timeout: 20_000,
        },
      )
      .toBe(1);
  });
});
