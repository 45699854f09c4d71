import path from "node:path";
import { sql } from "kysely";
import { postgresBackend, type QueueBackend, redisBackend } from "../jobs/backend.ts";
import type { Config } from "../src/config.ts";
import { createDatabase, type DatabaseHandle } from "../src/db/database.ts";
import type { EmbeddedPostgres } from "../src/db/embedded.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import type { Logger } from "../src/log.ts";

/** PGlite is loaded only by a process that runs it (no DATABASE_URL or no REDIS_URL). */
async function startEmbeddedPostgres(options: { dataDir: string; name: string }) {
  const { startEmbeddedPostgres } = await import("../src/db/embedded.ts");
  return startEmbeddedPostgres(options);
}

export interface Database extends DatabaseHandle {
  embedded: EmbeddedPostgres | undefined;
  /** Migrations applied while opening. */
  applied: string[];
  ping(): Promise<boolean>;
}

/** The configured PostgreSQL, or an embedded one under DATA_DIR; migrated either way. */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let connectionString = config.databaseUrl;
  if (!connectionString) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, name: "app" });
    connectionString = embedded.connectionString;
    logger.info(
      { dataDir: path.join(config.dataDir, "app") },
      "DATABASE_URL is not set: using the embedded PostgreSQL (PGlite) under DATA_DIR",
    );
  }
  const schema = config.databaseSchema;
  const handle = createDatabase({ connectionString, logger, ...(schema ? { schema } : {}) });
  let applied: string[];
  try {
    if (schema) await sql`create schema if not exists ${sql.id(schema)}`.execute(handle.db);
    applied = await migrateToLatest(handle.db, schema);
    if (applied.length > 0) logger.info({ migrations: applied }, "database migrated");
  } catch (error) {
    await handle.close();
    await embedded?.stop();
    throw error;
  }
  return {
    ...handle,
    embedded,
    applied,
    async ping() {
      try {
        await handle.pool.query("select 1");
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await handle.close();
      await embedded?.stop();
    },
  };
}

export interface Queues {
  backend: QueueBackend;
  close(): Promise<void>;
}

/**
 * Redis when REDIS_URL is set (an unreachable Redis is an error, never a silent fallback);
 * otherwise BullMQ's PostgreSQL backend on a PostgreSQL of its own.
 */
export async function openQueues(config: Config, logger: Logger): Promise<Queues> {
  if (config.redisUrl) {
    const backend = await redisBackend({
      url: config.redisUrl,
      prefix: config.queuePrefix,
      logger,
    });
    logger.info("queues on Redis");
    return { backend, close: () => backend.close() };
  }
  let embedded: EmbeddedPostgres | undefined;
  let connectionString = config.databaseUrl;
  // The queue gets its own embedded instance: PGlite is one session shared by all
  // connections, which BullMQ's PostgreSQL backend cannot share with the application.
  if (!connectionString) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, name: "queue" });
    connectionString = embedded.connectionString;
  }
  const backend = postgresBackend({
    connectionString,
    ...(embedded ? {} : { schema: "bullmq" }),
    logger,
  });
  logger.info("REDIS_URL is not set: queues run on PostgreSQL");
  return {
    backend,
    async close() {
      await backend.close();
      await embedded?.stop();
    },
  };
}

/**
 * The database and the queues. On two embedded PostgreSQL instances they start side by side,
 * since most of each start (compiling PGlite's WebAssembly, reading its files) can overlap;
 * otherwise in turn, so a database that cannot be reached is reported before the queue is tried.
 */
export async function openStores(
  config: Config,
  logger: Logger,
): Promise<{ database: Database; queues: Queues }> {
  if (config.databaseUrl || config.redisUrl) {
    const database = await openDatabase(config, logger);
    try {
      return { database, queues: await openQueues(config, logger) };
    } catch (error) {
      await database.close().catch(() => undefined);
      throw error;
    }
  }
  const [database, queues] = await Promise.allSettled([
    openDatabase(config, logger),
    openQueues(config, logger),
  ]);
  if (database.status === "fulfilled" && queues.status === "fulfilled") {
    return { database: database.value, queues: queues.value };
  }
  if (database.status === "fulfilled") await database.value.close().catch(() => undefined);
  if (queues.status === "fulfilled") await queues.value.close().catch(() => undefined);
  throw database.status === "rejected" ? database.reason : (queues as PromiseRejectedResult).reason;
}
