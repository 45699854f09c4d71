import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Logger } from "../log.ts";
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
  /** Where lost connections are reported; silent without one. */
  logger?: Pick<Logger, "warn" | "info">;
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
    // While PostgreSQL is unreachable a command fails in seconds rather than waiting on it.
    connectionTimeoutMillis: 10_000,
    // Names Stackup's connections in pg_stat_activity unless the URL names them.
    fallback_application_name: "stackup",
  });
  watchConnections(pool, options.logger);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    close: () => db.destroy(),
  };
}

/**
 * A restart, a failover or a pooler closing idle connections ends connections the pool holds.
 * pg reports that as an "error" event, which without a listener ends the process. Here it is
 * logged once per outage; the pool drops the dead connection and the next query opens a new one.
 */
function watchConnections(pool: pg.Pool, logger: PoolOptions["logger"]): void {
  let lost = false;
  const onLost = (error: Error & { code?: string }) => {
    if (lost) return;
    lost = true;
    logger?.warn(
      { err: error.message, code: error.code },
      "lost a PostgreSQL connection; the next query opens a new one",
    );
  };
  pool.on("error", onLost);
  pool.on("connect", (client) => {
    // A connection checked out (in a transaction, say) errors on the client, not the pool.
    client.on("error", onLost);
    if (lost) {
      lost = false;
      logger?.info("connected to PostgreSQL again");
    }
  });
}
