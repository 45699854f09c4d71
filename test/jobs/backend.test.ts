import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import {
  postgresBackend,
  type QueueBackend,
  QueueBackendError,
  redisBackend,
} from "../../jobs/backend.ts";
import { startEmbeddedPostgres } from "../../src/db/embedded.ts";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

async function roundTrip(backend: QueueBackend) {
  const name = `rt-${randomBytes(3).toString("hex")}`;
  const queue = backend.queue(name);
  const seen: number[] = [];
  const done = new Promise<void>((resolve) => {
    backend.worker<{ n: number }>(name, async (job) => {
      seen.push(job.data.n);
      if (seen.length === 3) resolve();
    });
  });
  await queue.addBulk([1, 2, 3].map((n) => ({ name: "add", data: { n } })));
  await done;
  return seen.sort();
}

describe("queue backends", () => {
  const open: QueueBackend[] = [];
  afterAll(async () => {
    for (const b of open) await b.close();
  });

  it("runs jobs on Redis", async () => {
    const backend = await redisBackend({
      url: REDIS_URL,
      prefix: `t${randomBytes(3).toString("hex")}`,
    });
    open.push(backend);
    expect(await backend.ping()).toBe(true);
    expect(await roundTrip(backend)).toEqual([1, 2, 3]);
  });

  it("refuses an unreachable Redis with a clear error, never falling back", async () => {
    await expect(redisBackend({ url: "redis://user:secret@127.0.0.1:1" })).rejects.toThrow(
      QueueBackendError,
    );
    await expect(redisBackend({ url: "redis://user:secret@127.0.0.1:1" })).rejects.toThrow(
      /Cannot reach Redis at redis:\/\/\*\*\*@127\.0\.0\.1:1/,
    );
  });

  it("runs the same jobs on BullMQ's PostgreSQL backend over an embedded PostgreSQL", async () => {
    const pg = await startEmbeddedPostgres({ dataDir: undefined, name: "queue" });
    const backend = postgresBackend({ connectionString: pg.connectionString });
    try {
      expect(await backend.ping()).toBe(true);
      expect(await roundTrip(backend)).toEqual([1, 2, 3]);
    } finally {
      await backend.close();
      await pg.stop();
    }
  }, 60_000);
});
