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
}

/** Connects to Redis and fails fast with a clear message when it can't be reached. */
export async function redisBackend(options: RedisBackendOptions): Promise<QueueBackend> {
  const connect = () =>
    new Redis(options.url, {
      maxRetriesPerRequest: null,
      lazyConnect: true,
      enableReadyCheck: true,
    });
  const main = connect();
  // Connection errors surface through ping() and the readiness check, not as crashes.
  main.on("error", () => undefined);
  try {
    await main.connect();
    await main.ping();
  } catch (error) {
    main.disconnect();
    const safeUrl = options.url.replace(/\/\/[^@/]*@/, "//***@");
    throw new QueueBackendError(
      `Cannot reach Redis at ${safeUrl}: ${(error as Error).message}. Start Redis or unset REDIS_URL to queue on PostgreSQL.`,
    );
  }
  const prefix = options.prefix ?? "stackup";
  const closers: (() => Promise<unknown>)[] = [];
  return {
    kind: "redis",
    redis: main,
    queue(name, opts) {
      const q = new Queue(name, { ...opts, prefix, connection: main as ConnectionOptions });
      closers.push(() => q.close());
      return q as Queue;
    },
    worker(name, processor, opts) {
      // Workers block on their own connection.
      const connection = connect();
      connection.on("error", () => undefined);
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
      try {
        return (await main.ping()) === "PONG";
      } catch {
        return false;
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
