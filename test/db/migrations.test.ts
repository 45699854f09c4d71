import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDown, migrateToLatest } from "../../src/db/migrate.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

describe("migrations", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("migrations");
  });
  afterAll(async () => {
    await t.drop();
  });

  it("seed the catalog with the named providers, credentials and the project-manager stack", async () => {
    const providers = await t.db.selectFrom("providers").select("name").execute();
    expect(providers.map((p) => p.name)).toEqual(
      expect.arrayContaining(["Coursera", "edX", "PMI", "Vanderbilt University", "Wharton Online"]),
    );
    expect(providers).toHaveLength(13);
    const credentials = await t.db
      .selectFrom("credentials")
      .select(["title", "estimated_hours"])
      .execute();
    expect(credentials.length).toBeGreaterThanOrEqual(14);
    for (const c of credentials) expect(c.estimated_hours).toBeGreaterThan(0);
    const stack = await t.db
      .selectFrom("stack_credentials")
      .innerJoin("stacks", "stacks.id", "stack_credentials.stack_id")
      .innerJoin("credentials", "credentials.id", "stack_credentials.credential_id")
      .where("stacks.role", "=", "project manager")
      .orderBy("position")
      .select("credentials.title")
      .execute();
    expect(stack.map((s) => s.title)).toEqual([
      "Google Project Management Certificate",
      "Microsoft Power Platform Fundamentals (PL-900)",
      "AI in Project Management",
    ]);
  });

  it("go all the way down and back up", async () => {
    let down: string[];
    do {
      down = await migrateDown(t.db, t.schema);
    } while (down.length > 0);
    const tables = await sql<{ n: number }>`
      select count(*)::int as n from information_schema.tables
      where table_schema = ${t.schema} and table_name = 'goals'`.execute(t.db);
    expect(tables.rows[0]?.n).toBe(0);
    const applied = await migrateToLatest(t.db, t.schema);
    expect(applied.length).toBeGreaterThanOrEqual(2);
  });
});
