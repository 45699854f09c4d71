import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../src/db/database.ts";
import { seedDue } from "../checkins/harness.ts";
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from "../support/db.ts";

/** The plan PostgreSQL picks for a check-in chunk's lookup of 250 people by id. */
async function chunkPlan(t: Pick<TestDatabase, "db">): Promise<string> {
  const ids = Array.from({ length: 250 }, (_, i) => 1001 + i);
  const { rows } = await sql<{ "QUERY PLAN": string }>`
    explain select g.* from goals g
    where g.user_id = any(${`{${ids.join(",")}}`}::int[]) and g.status = 'active'`.execute(t.db);
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
}

describe("connection settings", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("planner");
    // Freshly written rows without statistics, as after an import or in a new deployment.
    await seedDue(t.db, 20_000, 10);
  }, 60_000);
  afterAll(() => t.drop());

  it("looks up a chunk of people through the index rather than reading the whole table", async () => {
    const { rows } = await sql<{ random_page_cost: string }>`show random_page_cost`.execute(t.db);
    expect(rows[0]!.random_page_cost).toBe("1.1");
    const plan = await chunkPlan(t);
    expect(plan).toMatch(/Index|Bitmap/);
    expect(plan).not.toMatch(/Seq Scan on goals/);
  });

  it("lets PGOPTIONS override the defaults, keeping the schema on the search path", async () => {
    const before = process.env.PGOPTIONS;
    process.env.PGOPTIONS = "-c random_page_cost=4";
    const other = createDatabase({ connectionString: TEST_DATABASE_URL, schema: t.schema, max: 1 });
    try {
      const { rows } = await sql<{ random_page_cost: string }>`show random_page_cost`.execute(
        other.db,
      );
      expect(rows[0]!.random_page_cost).toBe("4");
      // PostgreSQL's default makes the same lookup read every goal: what the default above avoids.
      expect(await chunkPlan(other)).toMatch(/Seq Scan on goals/);
    } finally {
      if (before === undefined) delete process.env.PGOPTIONS;
      else process.env.PGOPTIONS = before;
      await other.close();
    }
  });
});
