import {
  type ConnectionOptions,
  createPostgresBackend,
  type Processor,
  Queue,
  type QueueOptions,
  Worker,
  type WorkerOptions,
  withBackend,
} from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "../src/log.ts";

/**
 * One way to make queues and workers, whichever store is behind them: Redis in production,
 * or BullMQ's PostgreSQL backend so a fresh machine needs no Redis. Job code never knows which.
 */
export interface QueueBackend {
  kind: "redis" | "postgres";
  queue(name: string, options?: Omit<QueueOptions, "connection">): Queue;
  worker<D = unknown>(
    name: string,
    processor: Processor<D>,
    options?: Omit<WorkerOptions, "connection">,
  ): Worker<D>;
  /** True when the store answers. */
  ping(): Promise<boolean>;
  /** The Redis connection, for rate-limit counters; absent on PostgreSQL. */
  redis: Redis | undefined;
  close(): Promise<void>;
}

export class QueueBackendError extends Error {}

export interface RedisBackendOptions {
  url: string;
  /** Key prefix, so tests and tenants never share keys. */
  prefix?: string;
  /** Told once when Redis goes away and once when it is back; nothing is logged without it. */
  logger?: Logger;
  /** How long `ping()` waits for an answer before it says false. */
  pingTimeoutMs?: number;
}

/** A Redis URL as logs and errors may show it: any user name or password masked. */
export function safeRedisUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  // PostgreSQL (its queue backend): the server shut down, or the connection failed.
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08001",
  "08003",
  "08006",
]);

/** A lost or refused connection, which the connection itself retries, rather than a failed command. */
export function isConnectionError(error: Error & { code?: unknown }): boolean {
  return (
    CONNECTION_CODES.has(String(error.code)) ||
    error.message === "Connection is closed." ||
    /ECONNREFUSED|ECONNRESET|Connection terminated/.test(error.message)
  );
}

/**
 * One warning when the first connection fails and one line when the last of those is back,
 * however many connections retry meanwhile and however often (ioredis reports every attempt).
 */
function outageWatch(logger: Logger | undefined, url: string) {
  const failing = new Set<Redis>();
  const redis = safeRedisUrl(url);
  return (connection: Redis) => {
    connection.on("error", (error: Error & { code?: unknown }) => {
      if (failing.size === 0) {
        logger?.warn(
          { redis, err: error.message, code: error.code },
          "lost the connection to Redis; queues wait and every connection retries until it is back",
        );
      }
      failing.add(connection);
    });
    connection.on("ready", () => {
      if (failing.delete(connection) && failing.size === 0) {
        logger?.info({ redis }, "connected to Redis again");
      }
    });
    connection.on("end", () => failing.delete(connection));
  };
}

/** Queue and worker errors other than the connection's own, which the outage watch tells. */
function logOtherErrors(emitter: Queue, logger: Logger | undefined, name: string) {
  emitter.on("error", (error: Error) => {
    if (!isConnectionError(error)) logger?.warn({ queue: name, err: error.message }, "queue error");
  });
}

/** Connects to Redis and fails fast with a clear message when it can't be reached. */
export async function redisBackend(options: RedisBackendOptions): Promise<QueueBackend> {
  const watch = outageWatch(options.logger, options.url);
  const connect = () => {
    const connection = new Redis(options.url, {
      maxRetriesPerRequest: null,
      lazyConnect: true,
      enableReadyCheck: true,
    });
    watch(connection);
    return connection;
  };
  const main = connect();
  try {
    await main.connect();
    await main.ping();
  } catch (error) {
    main.disconnect();
    throw new QueueBackendError(
      `Cannot reach Redis at ${safeRedisUrl(options.url)}: ${(error as Error).message}. Start Redis or unset REDIS_URL to queue on PostgreSQL.`,
    );
  }
  const prefix = options.prefix ?? "stackup";
  const pingTimeoutMs = options.pingTimeoutMs ?? 1_000;
  const closers: (() => Promise<unknown>)[] = [];
  return {
    kind: "redis",
    redis: main,
    queue(name, opts) {
      const q = new Queue(name, { ...opts, prefix, connection: main as ConnectionOptions });
      logOtherErrors(q, options.logger, name);
      closers.push(() => q.close());
      return q as Queue;
    },
    worker(name, processor, opts) {
      // Workers block on their own connection.
      const connection = connect();
      const w = new Worker(name, processor, {
        ...opts,
        prefix,
        connection: connection as ConnectionOptions,
      });
      closers.push(async () => {
        await w.close();
        await (w.opts.connection as Redis).quit().catch(() => undefined);
      });
      return w;
    },
    async ping() {
      // While reconnecting, a command would wait in ioredis' offline queue until Redis is back.
      if (main.status !== "ready") return false;
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          main.ping().then((answer) => answer === "PONG"),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(false), pingTimeoutMs);
          }),
        ]);
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      await main.quit().catch(() => undefined);
    },
  };
}

export interface PostgresBackendOptions {
  connectionString: string;
  schema?: string;
  /** Where queue errors other than a lost connection are told. */
  logger?: Logger;
}

export function postgresBackend(options: PostgresBackendOptions): QueueBackend {
  const classes = withBackend(createPostgresBackend);
  const connection = {
    connectionString: options.connectionString,
    // On embedded PGlite only the public schema works: all connections share one session.
    schema: options.schema ?? "public",
    migrate: true,
    max: 5,
  };
  const closers: (() => Promise<unknown>)[] = [];
  let probe: Queue | undefined;
  const backend: QueueBackend = {
    kind: "postgres",
    redis: undefined,
    queue(name, opts) {
      const q = new classes.Queue(name, { ...opts, connection });
      // PostgreSQL outages are told by the application's own pool.
      logOtherErrors(q as unknown as Queue, options.logger, name);
      closers.push(() => q.close());
      return q as unknown as Queue;
    },
    worker(name, processor, opts) {
      const w = new classes.Worker(name, processor, { ...opts, connection });
      closers.push(() => w.close());
      return w as unknown as Worker;
    },
    async ping() {
      try {
        probe ??= backend.queue("readiness");
        await probe.getJobCounts("waiting");
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
    },
  };
  return backend;
}
