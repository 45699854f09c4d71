import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type {
  DatabaseIntrospector,
  DatabaseMetadata,
  Kysely,
  Migration,
  MigrationProvider,
  MigrationResultSet,
  SchemaMetadata,
  TableMetadata,
} from "kysely";
import { Migrator, sql } from "kysely";

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../migrations",
);

/** `.ts` from the sources (tsx, vitest), `.js` from the build: whichever this module is. */
const EXTENSION = path.extname(fileURLToPath(import.meta.url));

/** Loads the migrations with this module's own import(), so tsx and vitest can transform them. */
const provider: MigrationProvider = {
  async getMigrations() {
    const files = (await fs.readdir(MIGRATIONS_DIR))
      .filter((f) => /^\d/.test(f) && path.extname(f) === EXTENSION)
      .sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const url = pathToFileURL(path.join(MIGRATIONS_DIR, file)).href;
      // Named without the extension, so both kinds of run share one migration history.
      migrations[path.basename(file, EXTENSION)] = (await import(url)) as Migration;
    }
    return migrations;
  },
};

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
type AnyKysely = Kysely<any>;

/**
 * What the migrator asks of the catalog, limited to the migrations' own schema. Kysely's own
 * introspector reads every schema of the database and fails when another user of a shared
 * database drops one at that moment.
 */
class OwnSchemaIntrospector implements DatabaseIntrospector {
  constructor(
    private readonly db: AnyKysely,
    private readonly schema?: string,
  ) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`
      select nspname as name from pg_catalog.pg_namespace
      where nspname = coalesce(${this.schema ?? null}::text, current_schema())`.execute(this.db);
    return rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ schema: string; name: string; kind: string }>`
      select ns.nspname as schema, c.relname as name, c.relkind as kind
      from pg_catalog.pg_class c join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
      where ns.nspname = coalesce(${this.schema ?? null}::text, current_schema())
        and c.relkind in ('r', 'v', 'p')`.execute(this.db);
    return rows.map((r) => ({
      schema: r.schema,
      name: r.name,
      isView: r.kind === "v",
      columns: [],
    }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

/** The same Kysely instance, answering catalog questions with {@link OwnSchemaIntrospector}. */
function scopedToSchema(db: AnyKysely, schema?: string): AnyKysely {
  const introspection = new OwnSchemaIntrospector(db, schema);
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "introspection") return introspection;
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
function migrator(db: Kysely<any>, schema?: string): Migrator {
  return new Migrator({
    db: scopedToSchema(db, schema),
    provider,
    // Features land in parallel; a migration merged later may sort before one already applied.
    allowUnorderedMigrations: true,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

function check(result: MigrationResultSet): MigrationResultSet {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName;
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`Migration ${failed ?? "(unknown)"} failed: ${reason}`, {
      cause: result.error,
    });
  }
  return result;
}

// biome-ignore lint/suspicious/noExplicitAny: see above
export async function migrateToLatest(db: Kysely<any>, schema?: string): Promise<string[]> {
  const result = check(await migrator(db, schema).migrateToLatest());
  return (result.results ?? []).map((r) => r.migrationName);
}

// biome-ignore lint/suspicious/noExplicitAny: see above
export async function migrateDown(db: Kysely<any>, schema?: string): Promise<string[]> {
  const result = check(await migrator(db, schema).migrateDown());
  return (result.results ?? []).map((r) => r.migrationName);
}
