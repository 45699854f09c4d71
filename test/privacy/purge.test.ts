import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { purgeCommand } from "../../bin/commands/purge.ts";
import { loadConfig } from "../../src/config.ts";
import {
  markInstalled,
  purgeExpiredStatements,
  purgeUninstalled,
} from "../../src/domain/privacy/purge.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { seedPerson, tablesMentioning, workspace } from "./seed.ts";

const DAY = 86_400_000;
const UNINSTALLED = new Date("2026-10-01T12:00:00Z");

describe("purging uninstalled workspaces", () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase("purge");
  });
  afterAll(async () => {
    await t?.drop();
  });

  const exists = async (externalId: string) =>
    (
      await t.db
        .selectFrom("workspaces")
        .where("external_id", "=", externalId)
        .select("id")
        .execute()
    ).length > 0;

  it("keeps a workspace for the retention period after uninstall, then deletes all of it", async () => {
    const gone = await workspace(t.db, "slack", "TGONE");
    const back = await workspace(t.db, "slack", "TBACK");
    await workspace(t.db, "teams", "tenant-kept");
    const person = await seedPerson(t.db, gone, "Gone");
    await seedPerson(t.db, back, "Back");
    await markInstalled(t.db, "slack", "TGONE", false, UNINSTALLED);
    // A repeated uninstall event does not push the purge back.
    await markInstalled(t.db, "slack", "TGONE", false, new Date(UNINSTALLED.getTime() + 5 * DAY));
    await markInstalled(t.db, "slack", "TBACK", false, UNINSTALLED);
    await markInstalled(t.db, "slack", "TBACK", true, new Date(UNINSTALLED.getTime() + DAY));

    expect(await purgeUninstalled(t.db, new Date(UNINSTALLED.getTime() + 29 * DAY), 30)).toBe(0);
    expect(await exists("TGONE")).toBe(true);
    expect(await purgeUninstalled(t.db, new Date(UNINSTALLED.getTime() + 31 * DAY), 30)).toBe(1);
    expect(await exists("TGONE")).toBe(false);
    expect(await tablesMentioning(t.db, [person.platformId, person.email, "TGONE"])).toEqual({});
    expect(await exists("TBACK")).toBe(true);
    expect(await exists("tenant-kept")).toBe(true);
  });

  it("deletes expired unmatched xAPI statements in every workspace, even one whose LMS went quiet", async () => {
    const ws = await workspace(t.db, "slack", "TQUIET");
    const person = await seedPerson(t.db, ws, "Quiet");
    const statements = async () =>
      (
        await sql<{
          outcome: string;
          user_id: number | null;
        }>`select outcome, user_id from xapi_statements where workspace_id = ${ws}`.execute(t.db)
      ).rows;
    // Seeded: one placed statement and three unmatched ones expiring on 2 December.
    expect(await purgeExpiredStatements(t.db, new Date("2026-12-02T09:59:59Z"))).toBe(0);
    expect(await statements()).toHaveLength(4);
    expect(await purgeExpiredStatements(t.db, new Date("2026-12-02T10:00:00Z"))).toBeGreaterThan(2);
    expect(await statements()).toEqual([{ outcome: "progress", user_id: person.id }]);
    expect(await tablesMentioning(t.db, [person.email.toUpperCase()])).toEqual({});
  });

  it("stackup purge --workspace deletes one workspace at once, and explains bad input", async () => {
    const ws = await workspace(t.db, "teams", "tenant-cli");
    const person = await seedPerson(t.db, ws, "Cli");
    const out: string[] = [];
    const err: string[] = [];
    const io = { db: t.db, stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) };
    expect(await purgeCommand([], io)).toBe(2);
    expect(err.pop()).toContain("purge needs --workspace ID.");
    expect(await purgeCommand(["--workspace", "nope"], io)).toBe(1);
    expect(err.pop()).toBe("No workspace nope: nothing was deleted.");
    expect(await purgeCommand(["--workspace", "tenant-cli"], io)).toBe(0);
    expect(out.pop()).toBe("Purged teams workspace tenant-cli (tenant-cli).");
    expect(await tablesMentioning(t.db, [person.platformId, "tenant-cli"])).toEqual({});
    expect(await exists("TBACK")).toBe(true);
  });
});

describe("RETENTION_DAYS_AFTER_UNINSTALL in loadConfig", () => {
  const days = (value?: string) =>
    loadConfig(value === undefined ? {} : { RETENTION_DAYS_AFTER_UNINSTALL: value })
      .retentionDaysAfterUninstall;

  it("defaults to 30 and reads whole days from 1 to 3650", () => {
    expect(days()).toBe(30);
    expect(days("1")).toBe(1);
    expect(days(" 90 ")).toBe(90);
    expect(days("3650")).toBe(3650);
  });

  it.each(["0", "-3", "1.5", "thirty", "3651"])("refuses %j with a friendly message", (v) => {
    expect(() => loadConfig({ RETENTION_DAYS_AFTER_UNINSTALL: v })).toThrow(
      "RETENTION_DAYS_AFTER_UNINSTALL must be a whole number of days from 1 to 3650.",
    );
  });
});
