import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Kysely, Migration, MigrationProvider, MigrationResultSet } from "kysely";
import { Migrator } from "kysely";

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
function migrator(db: Kysely<any>, schema?: string): Migrator {
  return new Migrator({
    db,
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
