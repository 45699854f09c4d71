import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Core } from "../../src/commands/core.ts";
import { orgFeature } from "../../src/commands/features/org.ts";
import { stackFeature } from "../../src/commands/features/stack.ts";
import { xapiFeature } from "../../src/commands/features/xapi.ts";
import { createCore } from "../../src/commands/router.ts";
import { readAudit } from "../../src/domain/audit/log.ts";
import { importOrg } from "../../src/domain/org/import.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { actor, credential, text, userId } from "./seed.ts";

const clock = new ManualClock("2026-11-02T09:00:00Z");
const admin = actor("U0ADM", "Ada Admin", { admin: true });
const ben = actor("U0BEN", "Ben", { email: "ben@example.test" });
const cleo = actor("U0CLEO", "Cleo", { email: "cleo@example.test" });

/**
 * Admin changes and their audit entries commit together: an entry exists exactly when the change
 * does, on real PostgreSQL. A trigger that refuses audit rows stands in for a failing write.
 */
describe("admin actions are audited in the transaction of the change", () => {
  let t: TestDatabase;
  let core: Core;
  let ws: number;
  const ids: Record<string, number> = {};

  const entries = async (action: string) =>
    (await readAudit(t.db, ws, { since: new Date(0), actions: [action] })).map((e) => ({
      actorId: e.actorId,
      scope: e.scope,
      subjectIds: e.subjectIds,
      detail: e.detail,
    }));
  const teams = async () =>
    (await t.db.selectFrom("teams").select("name").orderBy("name").execute()).map((r) => r.name);
  /** Makes every audit insert for `action` fail, as a lost connection or full disk would. */
  const refuseAudit = async (action: string | null) => {
    await sql`drop trigger if exists refuse_audit on audit_log`.execute(t.db);
    if (action === null) return;
    await sql
      .raw(`create or replace function refuse_audit() returns trigger language plpgsql as $$
      begin
        if new.action = '${action}' then raise exception 'audit write failed'; end if;
        return new;
      end $$`)
      .execute(t.db);
    await sql`create trigger refuse_audit before insert on audit_log
              for each row execute function refuse_audit()`.execute(t.db);
  };

  beforeAll(async () => {
    t = await createTestDatabase("org_audit");
    core = createCore({ db: t.db, clock }, [orgFeature]);
    for (const a of [admin, ben, cleo]) {
      await core.command(a, "leaderboard");
      ids[a.userExternalId] = await userId(t.db, a.userExternalId);
    }
    ws = (
      await t.db
        .selectFrom("users")
        .where("id", "=", ids.U0ADM!)
        .select("workspace_id")
        .executeTakeFirstOrThrow()
    ).workspace_id;
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("records team create, team add, digest, manager and role changes, and the viewer shows them", async () => {
    expect(text(await core.command(admin, "admin team create Core <#C0CORE|core>"))).toContain(
      "Team Core created",
    );
    expect(
      text(await core.command(admin, "admin team add Core <@U0BEN|ben> <@U0CLEO|cleo>")),
    ).toContain("Added 2 people");
    expect(text(await core.command(admin, "admin digest Core friday 16:00"))).toContain(
      "Fridays at 16:00",
    );
    expect(text(await core.command(admin, "admin manager <@U0BEN|ben> <@U0CLEO|cleo>"))).toContain(
      "Ben now reports to Cleo",
    );
    expect(text(await core.command(admin, "admin role <@U0CLEO|cleo> manager"))).toContain(
      "Cleo is now a manager",
    );
    const adminId = ids.U0ADM!;
    expect(await entries("org.team.create")).toEqual([
      {
        actorId: adminId,
        scope: "Core",
        subjectIds: [],
        detail: expect.objectContaining({ channel: "C0CORE" }),
      },
    ]);
    expect(await entries("org.team.add")).toEqual([
      expect.objectContaining({ actorId: adminId, subjectIds: [ids.U0BEN, ids.U0CLEO] }),
    ]);
    expect(await entries("org.digest")).toEqual([
      expect.objectContaining({
        actorId: adminId,
        detail: expect.objectContaining({ after: { day: 5, time: "16:00", timeZone: "UTC" } }),
      }),
    ]);
    expect(await entries("org.manager")).toEqual([
      expect.objectContaining({ subjectIds: [ids.U0BEN], detail: { manager: ids.U0CLEO } }),
    ]);
    expect(await entries("org.role")).toEqual([
      expect.objectContaining({ subjectIds: [ids.U0CLEO], detail: { role: "manager" } }),
    ]);
    const shown = text(await core.command(admin, "admin audit 1"));
    for (const action of [
      "org.team.create",
      "org.team.add",
      "org.digest",
      "org.manager",
      "org.role",
    ])
      expect(shown).toContain(action);
  });

  it("writes no entry for a change that did not happen", async () => {
    const before = await readAudit(t.db, ws, { since: new Date(0) });
    expect(text(await core.command(admin, "admin team create core"))).toContain("already a team");
    expect(text(await core.command(admin, "admin team add Core <@U0BEN|ben>"))).toContain(
      "Added 0",
    );
    expect(text(await core.command(admin, "admin manager <@U0CLEO|cleo> <@U0BEN|ben>"))).toContain(
      "loop",
    );
    expect(text(await core.command(ben, "admin team create Sneaky"))).toContain(
      "Only workspace admins",
    );
    const after = await readAudit(t.db, ws, { since: new Date(0) });
    expect(after.map((e) => e.id)).toEqual(before.map((e) => e.id));
    expect(await teams()).toEqual(["Core"]);
  });

  it("leaves no change behind when its audit entry can't be written", async () => {
    const cases: [string, string][] = [
      ["org.team.create", "admin team create Lost"],
      ["org.team.add", "admin team add Core <@U0ADM|ada>"],
      ["org.digest", "admin digest Core monday 08:00"],
      ["org.manager", "admin manager <@U0CLEO|cleo> <@U0ADM|ada>"],
      ["org.role", "admin role <@U0BEN|ben> admin"],
    ];
    const state = async () => ({
      teams: await teams(),
      members: await t.db.selectFrom("team_members").select("user_id").orderBy("user_id").execute(),
      digest: await t.db.selectFrom("teams").select(["digest_day", "digest_time"]).execute(),
      people: await t.db
        .selectFrom("org_people")
        .select(["user_id", "manager_id", "role"])
        .orderBy("user_id")
        .execute(),
    });
    const before = await state();
    try {
      for (const [action, command] of cases) {
        await refuseAudit(action);
        await expect(core.command(admin, command), command).rejects.toThrow("audit write failed");
      }
    } finally {
      await refuseAudit(null);
    }
    expect(await state()).toEqual(before);
    expect(await entries("org.team.create")).toHaveLength(1);
  });

  it("audits an org chart import with the people it touched, or nothing when it fails", async () => {
    const at = new Date("2026-11-02T10:00:00Z");
    const rows = [
      { line: 2, email: "ben@example.test", team: "Imported", managerEmail: null, role: null },
      {
        line: 3,
        email: "cleo@example.test",
        team: "Imported",
        managerEmail: null,
        role: "admin" as const,
      },
    ];
    const unknown = [
      { line: 2, email: "nobody@example.test", team: "X", managerEmail: null, role: null },
    ];
    expect((await importOrg(t.db, ws, unknown, { actorId: null, source: "bad.csv", at })).ok).toBe(
      false,
    );
    await refuseAudit("org.import");
    await expect(
      importOrg(t.db, ws, rows, { actorId: null, source: "org.csv", at }),
    ).rejects.toThrow("audit write failed");
    await refuseAudit(null);
    expect(await teams()).toEqual(["Core"]);
    expect(await entries("org.import")).toEqual([]);
    const done = await importOrg(t.db, ws, rows, { actorId: null, source: "org.csv", at });
    expect(done.ok).toBe(true);
    expect(await teams()).toEqual(["Core", "Imported"]);
    expect(await entries("org.import")).toEqual([
      {
        actorId: null,
        scope: "org.csv",
        subjectIds: [ids.U0BEN, ids.U0CLEO],
        detail: expect.objectContaining({ teamsCreated: 1, membershipsAdded: 2, rolesSet: 1 }),
      },
    ]);
  });

  it("records LMS credentials and stack definitions with the change, never the secret", async () => {
    const full = createCore({ db: t.db, clock }, [orgFeature, stackFeature]);
    await credential(t.db, "Cloud Basics", "Acme Academy", 10, "https://acme.test/c");
    const issued = text(await full.command(admin, "admin xapi create Moodle"));
    expect(issued).toContain("xAPI credentials for Moodle");
    expect(text(await full.command(admin, "admin xapi create moodle"))).toContain("already");
    expect(text(await full.command(admin, "admin xapi revoke Moodle"))).toContain("Revoked Moodle");
    expect(text(await full.command(admin, "stack define cloud: Cloud Basics"))).toContain("cloud");
    expect((await entries("xapi.create")).map((e) => e.scope)).toEqual(["Moodle"]);
    expect((await entries("xapi.revoke")).map((e) => e.scope)).toEqual(["Moodle"]);
    expect(await entries("stack.define")).toEqual([
      expect.objectContaining({ actorId: ids.U0ADM, scope: "cloud" }),
    ]);
    const secret = /Password \(secret\): (\S+)/.exec(issued)?.[1];
    expect(secret).toBeTruthy();
    expect(JSON.stringify(await readAudit(t.db, ws, { since: new Date(0) }))).not.toContain(secret);

    const credentials = () =>
      t.db.selectFrom("xapi_credentials").select("name").orderBy("name").execute();
    const stacks = () => t.db.selectFrom("stacks").select("role").orderBy("role").execute();
    const before = { credentials: await credentials(), stacks: await stacks() };
    try {
      await refuseAudit("xapi.create");
      await expect(full.command(admin, "admin xapi create Canvas")).rejects.toThrow("audit");
      await refuseAudit("stack.define");
      await expect(full.command(admin, "stack define data: Cloud Basics")).rejects.toThrow("audit");
    } finally {
      await refuseAudit(null);
    }
    expect({ credentials: await credentials(), stacks: await stacks() }).toEqual(before);
  });

  it("records placing unmatched xAPI statements again", async () => {
    const full = createCore({ db: t.db, clock }, [orgFeature, xapiFeature]);
    expect(text(await full.action(admin, "xapi.retry", ""))).toContain("Placed 0 statements");
    expect(await entries("xapi.retry")).toEqual([
      expect.objectContaining({ actorId: ids.U0ADM, detail: { placed: 0, left: 0 } }),
    ]);
    expect(text(await full.action(ben, "xapi.retry", ""))).toContain("Only workspace admins");
    expect(await entries("xapi.retry")).toHaveLength(1);
  });
});
