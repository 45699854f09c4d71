import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDatabase } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { TEST_DATABASE_URL } from "../support/db.ts";

// On a shared database other applications (and other test files) create and drop schemas while
// Stackup migrates; the migrator must look only at its own schema.
let admin: pg.Client;
beforeAll(async () => {
  admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
});
afterAll(() => admin.end());

it("migrates while another user of the database keeps creating and dropping schemas", async () => {
  const other = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await other.connect();
  let stop = false;
  let churned = 0;
  const churn = (async () => {
    while (!stop) {
      const s = `churn_${process.pid}_${churned++}`;
      await other.query(`create schema ${s}; create table ${s}.t (a int)`);
      await other.query(`drop schema ${s} cascade`);
    }
  })();
  const failures: string[] = [];
  try {
    for (let i = 0; i < 10; i++) {
      const schema = `migrate_shared_${process.pid}_${i}`;
      await admin.query(`create schema ${schema}`);
      const handle = createDatabase({ connectionString: TEST_DATABASE_URL, schema, max: 2 });
      try {
        const applied = await migrateToLatest(handle.db, schema);
        expect(applied.length).toBeGreaterThan(10);
      } catch (error) {
        failures.push(String(error));
      } finally {
        await handle.close();
        await admin.query(`drop schema ${schema} cascade`);
      }
    }
  } finally {
    stop = true;
    await churn;
    await other.end();
  }
  expect(churned).toBeGreaterThan(10);
  expect(failures).toEqual([]);
}, 120_000);
