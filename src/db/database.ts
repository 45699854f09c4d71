import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "./types.ts";

const NUMERIC_OID = 1700;
const INT8_OID = 20;
const DATE_OID = 1082;

/** Parsers for this pool only: numbers as numbers, dates as plain strings. */
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === NUMERIC_OID || oid === INT8_OID) return (v: string) => Number(v);
    if (oid === DATE_OID) return (v: string) => v;
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloads differ only by format
    return pg.types.getTypeParser(oid, format as any);
  },
};

export interface DatabaseHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
  close(): Promise<void>;
}

export interface PoolOptions {
  connectionString: string;
  max?: number;
  /** Schema to put first on the search_path (tests isolate themselves this way). */
  schema?: string;
}

/**
 * Settings every connection starts with. Stackup's tables fit in memory, where a page read out of
 * order costs about what the next one does: with PostgreSQL's default random_page_cost of 4 the
 * planner prefers reading a whole table to a few hundred index lookups, so a tick advancing
 * 2,000 schedules, or a check-in chunk's 250 people, would scan every row. PGOPTIONS comes last,
 * so a deployment's own settings win.
 */
function startupOptions(schema: string | undefined): string {
  return [
    "-c random_page_cost=1.1",
    schema ? `-c search_path=${schema}` : "",
    process.env.PGOPTIONS ?? "",
  ]
    .filter(Boolean)
    .join(" ");
}

export function createDatabase(options: PoolOptions): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    types,
    options: startupOptions(options.schema),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    close: () => db.destroy(),
  };
}
