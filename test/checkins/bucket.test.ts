import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryBucket, redisBucket, type TokenBucket } from "../../jobs/checkins/bucket.ts";
import { TEST_REDIS_URL } from "../support/app.ts";

const options = { capacity: 3, perSecond: 2 };

function behavesLikeABucket(make: () => TokenBucket) {
  it("gives each workspace at most its burst in one call, and the rest later", async () => {
    const bucket = make();
    const first = await bucket.take(
      new Map([
        [1, 5],
        [2, 2],
      ]),
    );
    expect(first.get(1)).toEqual({ got: 3, waitMs: 0 });
    expect(first.get(2)).toEqual({ got: 2, waitMs: 0 });
    const second = await bucket.take(
      new Map([
        [1, 1],
        [2, 1],
      ]),
    );
    expect(second.get(1)?.got).toBe(0);
    // Empty: one token comes back after 1 / perSecond.
    expect(second.get(1)?.waitMs).toBeGreaterThan(400);
    expect(second.get(1)?.waitMs).toBeLessThanOrEqual(500);
    expect(second.get(2)?.got).toBe(1);
  });
}

describe("per-workspace token bucket in memory", () => {
  let now = 0;
  behavesLikeABucket(() => memoryBucket(options, () => now));
  it("refills at its rate", async () => {
    now = 1_000_000;
    const bucket = memoryBucket(options, () => now);
    expect((await bucket.take(new Map([[7, 10]]))).get(7)?.got).toBe(3);
    now += 1_000;
    expect((await bucket.take(new Map([[7, 10]]))).get(7)?.got).toBe(2);
  });
});

describe("per-workspace token bucket in Redis", () => {
  let redis: Redis;
  const prefix = `t-bucket-${process.pid}-${Date.now()}`;
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });
  behavesLikeABucket(() => redisBucket(redis, `${prefix}-${Math.random()}`, options));
  it("is shared by every process that uses the same Redis", async () => {
    const a = redisBucket(redis, `${prefix}-shared`, options);
    const b = redisBucket(redis, `${prefix}-shared`, options);
    expect((await a.take(new Map([[1, 2]]))).get(1)?.got).toBe(2);
    expect((await b.take(new Map([[1, 2]]))).get(1)?.got).toBe(1);
  });
});
