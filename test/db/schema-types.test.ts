import { resolve } from "node:path";
import { sql } from "kysely";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

/**
 * src/db/types.ts is the one place a table's type is written. These tests hold it to the schema the
 * migrations build on PostgreSQL: every table and column there has its type, and nothing more.
 */

const TYPES = resolve(import.meta.dirname, "../../src/db/types.ts");
/** Kysely's own bookkeeping, not ours to type. */
const MIGRATOR_TABLES = new Set(["kysely_migration", "kysely_migration_lock"]);

type Columns = Map<string, string[]>;

/** Each table of the `Database` interface and its columns, as TypeScript resolves them. */
function declaredTables(): Columns {
  const program = ts.createProgram([TYPES], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(TYPES);
  if (!source) throw new Error(`cannot read ${TYPES}`);
  const database = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === "Database",
  );
  if (!database) throw new Error("src/db/types.ts declares no Database interface");
  const tables: Columns = new Map();
  for (const table of checker.getTypeAtLocation(database).getProperties()) {
    const type = checker.getTypeOfSymbolAtLocation(table, database);
    tables.set(
      table.name,
      type
        .getProperties()
        .map((c) => c.name)
        .sort(),
    );
  }
  return tables;
}

async function migratedTables(t: TestDatabase): Promise<Columns> {
  const { rows } = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name
    from information_schema.columns c
    join information_schema.tables t
      on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = ${t.schema} and t.table_type = 'BASE TABLE'
    order by c.table_name, c.column_name`.execute(t.db);
  const tables: Columns = new Map();
  for (const row of rows) {
    if (MIGRATOR_TABLES.has(row.table_name)) continue;
    tables.set(row.table_name, [...(tables.get(row.table_name) ?? []), row.column_name]);
  }
  for (const columns of tables.values()) columns.sort();
  return tables;
}

describe("table types in src/db/types.ts", () => {
  let t: TestDatabase;
  let declared: Columns;
  let migrated: Columns;
  beforeAll(async () => {
    t = await createTestDatabase("schema_types");
    migrated = await migratedTables(t);
    declared = declaredTables();
  }, 60_000);
  afterAll(async () => {
    await t?.drop();
  });

  it("name every table the migrations create, and no other", () => {
    // Sanity: both sides were read (a broken reader would make the comparison vacuous).
    expect(migrated.size).toBeGreaterThan(20);
    expect(migrated.get("goals")).toContain("logged_hours");
    const missing = [...migrated.keys()].filter((name) => !declared.has(name));
    const extra = [...declared.keys()].filter((name) => !migrated.has(name));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  });

  it("give each table exactly the columns it has", () => {
    const differences: string[] = [];
    for (const [table, columns] of migrated) {
      const typed = declared.get(table) ?? [];
      for (const c of columns)
        if (!typed.includes(c)) differences.push(`${table}.${c} has no type`);
      for (const c of typed)
        if (!columns.includes(c)) differences.push(`${table}.${c} is no column`);
    }
    expect(differences).toEqual([]);
  });
});
