import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeamsApp } from "../../adapters/teams/app.ts";
import { createPlayground } from "../../playground/index.ts";
import type { Core } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import { type Config, loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { ManualClock, OffsetClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { unauthenticatedTeams } from "./activities.ts";

/**
 * A Teams app without an app id says at start-up who let it take unsigned activities: the
 * variable someone set, or the playground, whose user never set it.
 */
describe("Teams start-up line on unsigned activities", () => {
  let t: TestDatabase;
  let core: Core;
  beforeAll(async () => {
    t = await createTestDatabase("teams_unsigned");
    core = createCore({ db: t.db, clock: new ManualClock("2026-12-07T09:00:00Z") });
  });
  afterAll(async () => {
    await t?.drop();
  });

  function startUpLines(teams: NonNullable<Config["teams"]>): { level: number; msg: string }[] {
    const lines: string[] = [];
    createTeamsApp({
      core,
      db: t.db,
      config: { teams },
      logger: createLogger("info", { write: (line: string) => void lines.push(line) }),
    });
    return lines.map((line) => JSON.parse(line)).filter((l) => l.path === "/api/messages");
  }

  it("warns about TEAMS_ALLOW_UNAUTHENTICATED when that variable allowed them", () => {
    const lines = startUpLines(loadConfig({ TEAMS_ALLOW_UNAUTHENTICATED: "true" }).teams!);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.level).toBe(40);
    expect(lines[0]!.msg).toMatch(/^TEAMS_ALLOW_UNAUTHENTICATED=true: .*WITHOUT checking/);
  });

  it("names the playground, not a variable its user never set, for the playground's Teams view", () => {
    const playground = createPlayground({
      config: loadConfig({}),
      serviceUrl: "http://127.0.0.1:3000",
      db: t.db,
      clock: new OffsetClock(),
      logger: createLogger("silent"),
      runDue: async () => {},
    });
    const lines = startUpLines(playground.config.teams!);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.level).toBe(30);
    expect(lines[0]!.msg).toMatch(/^playground: .*own Bot Connector stand-in/);
    expect(lines[0]!.msg).not.toContain("TEAMS_ALLOW_UNAUTHENTICATED");
    // A hand-built config without the marker is the variable's case.
    expect(startUpLines(unauthenticatedTeams)[0]!.msg).toContain("TEAMS_ALLOW_UNAUTHENTICATED");
  });
});
