import { createHash } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAudit } from "../../src/domain/audit/log.ts";
import { userColumns } from "../../src/domain/privacy/catalog.ts";
import { erasePerson, purgeWorkspace } from "../../src/domain/privacy/erase.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { type Seeded, seedPerson, tablesMentioning, workspace } from "./seed.ts";

const AT = new Date("2026-11-03T09:00:00Z");

/**
 * Every column that could hold a user id, found independently of the code under test: foreign
 * keys to users, and any integer or integer-array column whose name says it holds people.
 */
async function personColumns(t: TestDatabase) {
  const { rows } = await sql<{ table: string; column: string; array: boolean }>`
    select c.table_name as "table", c.column_name as "column", c.data_type = 'ARRAY' as "array"
      from information_schema.columns c
     where c.table_schema = current_schema() and c.table_name <> 'users'
       and (c.data_type in ('integer', 'bigint') or c.udt_name = '_int4')
       and (c.column_name ~ '(user|subject|actor|manager|colleague|member|person|people|owner|created_by|viewer|_by$)'
            or exists (
              select 1 from pg_constraint k
                join pg_attribute a on a.attrelid = k.conrelid and a.attnum = any(k.conkey)
               where k.contype = 'f' and k.conrelid = to_regclass(quote_ident(current_schema()) || '.' || quote_ident(c.table_name))
                 and k.confrelid = to_regclass(quote_ident(current_schema()) || '.users')
                 and a.attname = c.column_name))`.execute(t.db);
  return rows;
}

async function rowsReferencing(t: TestDatabase, id: number) {
  const found: Record<string, number> = {};
  for (const c of await personColumns(t)) {
    const cond = c.array
      ? sql`${id}::int = any(${sql.ref(c.column)})`
      : sql`${sql.ref(c.column)} = ${id}`;
    const { rows } = await sql<{
      n: string;
    }>`select count(*) as n from ${sql.table(c.table)} where ${cond}`.execute(t.db);
    if (Number(rows[0]!.n) > 0) found[`${c.table}.${c.column}`] = Number(rows[0]!.n);
  }
  return found;
}

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

describe.each(["slack", "teams"] as const)("erasing a person on %s", (platform) => {
  let t: TestDatabase;
  let ws: number;
  let other: number;
  let boss: Seeded;
  let ada: Seeded;
  let bob: Seeded;
  let stranger: Seeded;

  beforeAll(async () => {
    t = await createTestDatabase("erase");
    ws = await workspace(t.db, platform, `W-${platform}`);
    other = await workspace(t.db, platform, `W2-${platform}`);
    const team = await sql<{
      id: number;
    }>`insert into teams (workspace_id, name) values (${ws}, 'Core') returning id`.execute(t.db);
    const teamId = team.rows[0]!.id;
    boss = await seedPerson(t.db, ws, "Boss", { teamId });
    ada = await seedPerson(t.db, ws, "Ada", { colleagueId: boss.id, managerId: boss.id, teamId });
    bob = await seedPerson(t.db, ws, "Bob", { colleagueId: ada.id, managerId: ada.id, teamId });
    stranger = await seedPerson(t.db, other, "Stranger");
    await sql`update audit_log set subject_ids = array[${ada.id}, ${bob.id}]::int[] where ${bob.id} = any(subject_ids)`.execute(
      t.db,
    );
  });
  afterAll(async () => {
    await t?.drop();
  });

  const unmatchedIn = async (workspaceId: number) =>
    Number(
      (
        await sql<{
          n: string;
        }>`select count(*) as n from xapi_statements where workspace_id = ${workspaceId} and user_id is null`.execute(
          t.db,
        )
      ).rows[0]!.n,
    );

  it("has seeded every column that can refer to a person, so none goes untested", async () => {
    const before = await rowsReferencing(t, ada.id);
    const columns = await personColumns(t);
    expect(columns.length).toBeGreaterThan(15);
    for (const c of columns)
      expect(before, `${c.table}.${c.column}`).toHaveProperty(`${c.table}.${c.column}`);
    // The code under test finds the same columns the test does.
    const found = (await userColumns(t.db)).map((c) => `${c.table}.${c.column}`).sort();
    expect(found).toEqual(columns.map((c) => `${c.table}.${c.column}`).sort());
  });

  it("leaves no row anywhere that refers to the person, and keeps everyone else's", async () => {
    const bobBefore = await tablesMentioning(t.db, [bob.platformId]);
    const unmatchedBefore = await unmatchedIn(ws);
    expect(
      await tablesMentioning(t.db, [ada.email.toUpperCase(), sha1(`mailto:${ada.email}`)]),
    ).toEqual({ xapi_statements: 2 });
    const erased = await erasePerson(t.db, ada.id, {
      workspaceId: ws,
      actorId: ada.id,
      action: "privacy.erase",
      scope: "self",
      at: AT,
    });
    expect(erased).toBe(true);
    expect(await rowsReferencing(t, ada.id)).toEqual({});
    expect(await tablesMentioning(t.db, [ada.platformId, ada.email, ada.name])).toEqual({});
    // Unmatched xAPI statements naming Ada by e-mail (any case), its SHA-1 or an account go too.
    expect(
      await tablesMentioning(t.db, [ada.email.toUpperCase(), sha1(`mailto:${ada.email}`)]),
    ).toEqual({});
    expect(await unmatchedIn(ws)).toBe(unmatchedBefore - 3);
    // Bob's rows are all there; only their mention of Ada is gone.
    expect(await tablesMentioning(t.db, [bob.platformId])).toEqual(bobBefore);
    const bobRefs = await rowsReferencing(t, bob.id);
    expect(bobRefs["goals.user_id"]).toBe(1);
    expect(bobRefs["progress_events.user_id"]).toBe(1);
    expect(bobRefs["audit_log.subject_ids"]).toBe(1);
    const bobShare = await sql<{
      colleague_id: number | null;
    }>`select colleague_id from shares where user_id = ${bob.id}`.execute(t.db);
    expect(bobShare.rows).toEqual([{ colleague_id: null }]);
    const entries = await readAudit(t.db, ws, { since: AT, actions: ["privacy.erase"] });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorId: null, subjectIds: [] });
  });

  it("purges a whole workspace and nothing of another", async () => {
    const strangerBefore = await rowsReferencing(t, stranger.id);
    expect(await purgeWorkspace(t.db, ws)).toBe(true);
    expect(
      await tablesMentioning(t.db, [
        boss.platformId,
        bob.platformId,
        boss.email,
        bob.email,
        `W-${platform}`,
      ]),
    ).toEqual({});
    expect(await rowsReferencing(t, bob.id)).toEqual({});
    expect(await rowsReferencing(t, stranger.id)).toEqual(strangerBefore);
    expect(await purgeWorkspace(t.db, ws)).toBe(false);
  });
});
