import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeAudit } from "../../src/domain/audit/log.ts";
import { exportPerson, progressCsv } from "../../src/domain/privacy/export.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { type Seeded, seedPerson, workspace } from "./seed.ts";

const AT = new Date("2026-11-03T09:00:00Z");

describe("exporting a person's data", () => {
  let t: TestDatabase;
  let boss: Seeded;
  let ada: Seeded;
  let bob: Seeded;

  beforeAll(async () => {
    t = await createTestDatabase("export");
    const ws = await workspace(t.db, "teams", "tenant-x");
    const team = await sql<{
      id: number;
    }>`insert into teams (workspace_id, name) values (${ws}, 'Core') returning id`.execute(t.db);
    const teamId = team.rows[0]!.id;
    boss = await seedPerson(t.db, ws, "Boss", { teamId });
    ada = await seedPerson(t.db, ws, "Ada", { colleagueId: boss.id, managerId: boss.id, teamId });
    bob = await seedPerson(t.db, ws, "Bob", { colleagueId: ada.id, managerId: ada.id, teamId });
    // A report that covered both Ada and Bob, viewed by their boss.
    await sql`update audit_log set subject_ids = array[${ada.id}, ${bob.id}]::int[] where ${ada.id} = any(subject_ids)`.execute(
      t.db,
    );
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("holds a row of every table that has one of the person's, and only theirs", async () => {
    const data = await exportPerson(t.db, ada.id, AT);
    if (!data) throw new Error("no export");
    const { rows } = await sql<{ table: string }>`
      select distinct c.table_name as "table" from information_schema.columns c
       where c.table_schema = current_schema() and c.column_name = 'user_id'`.execute(t.db);
    expect(rows.length).toBeGreaterThan(10);
    for (const { table } of rows) {
      expect(data.tables[table]?.length ?? 0, table).toBeGreaterThan(0);
    }
    // Rows reached through the person's own rows: a goal's completions, their deliveries.
    expect(data.tables.completions).toHaveLength(1);
    expect(data.tables.verification_deliveries).toHaveLength(1);
    expect(data.tables.audit_log).toHaveLength(1);
    expect(data.person).toMatchObject({ id: ada.id, email: ada.email });
    const text = JSON.stringify(data.tables);
    for (const needle of [bob.platformId, bob.email, bob.name, "Bob goal", boss.email, boss.name])
      expect(text).not.toContain(needle);
    for (const [table, list] of Object.entries(data.tables))
      for (const row of list)
        for (const [col, value] of Object.entries(row))
          if (/user_id$|_ids$/.test(col))
            expect([ada.id, [ada.id], null], `${table}.${col}`).toContainEqual(value);
    expect(text).not.toContain("secret_hash");
    expect(data.reportViews).toEqual([
      { at: "2026-11-02T10:00:00.000Z", viewer: boss.name, scope: "team" },
    ]);
    // Her own statement, and the three unmatched ones naming her by e-mail, hash or account.
    expect(data.tables.xapi_statements).toHaveLength(4);
  });

  it("gives the progress as CSV with the goal's title", async () => {
    const data = await exportPerson(t.db, ada.id, AT);
    const csv = progressCsv(data!);
    expect(csv.split("\r\n")[0]).toBe("date,goal,hours,note");
    expect(csv).toContain("Ada goal");
    expect(csv).toContain("Ada note");
    expect(csv).not.toContain("Bob");
  });

  it("lists the monthly summaries that included the person beside the reports viewed", async () => {
    await writeAudit(t.db, {
      workspaceId: (
        await t.db
          .selectFrom("users")
          .where("id", "=", ada.id)
          .select("workspace_id")
          .executeTakeFirstOrThrow()
      ).workspace_id,
      actorId: boss.id,
      action: "report.summary",
      scope: "your reports",
      subjectIds: [ada.id, bob.id],
      at: new Date("2026-12-01T08:00:00Z"),
    });
    const data = await exportPerson(t.db, ada.id, AT);
    expect(data!.reportViews).toEqual([
      { at: "2026-12-01T08:00:00.000Z", viewer: boss.name, scope: "your reports" },
      { at: "2026-11-02T10:00:00.000Z", viewer: boss.name, scope: "team" },
    ]);
  });

  it("has nothing for someone unknown", async () => {
    expect(await exportPerson(t.db, 999_999, AT)).toBeNull();
  });
});
