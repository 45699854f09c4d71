import type { Redis } from "ioredis";

/** Per-workspace sending budget: a burst of `capacity`, refilled at `perSecond`. */
export interface BucketOptions {
  capacity: number;
  perSecond: number;
}

/**
 * Slack allows roughly one message per second per DM and a few hundred a minute per workspace;
 * this keeps each workspace well inside that, so a large one can't use up the shared workers.
 */
export const DEFAULT_BUCKET: BucketOptions = { capacity: 50, perSecond: 5 };

export interface TokenBucket {
  /** Takes one token; returns 0, or how many ms until one is available. */
  take(workspaceId: number): Promise<number>;
}

// Redis's own clock, so workers on different machines share one notion of time.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cap = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 't', 'v')
local v = tonumber(b[2]) or cap
local last = tonumber(b[1]) or now
v = math.min(cap, v + math.max(0, now - last) * rate / 1000)
local wait = 0
if v >= 1 then v = v - 1 else wait = math.ceil((1 - v) * 1000 / rate) end
redis.call('HSET', KEYS[1], 't', now, 'v', tostring(v))
redis.call('PEXPIRE', KEYS[1], math.ceil(cap * 1000 / rate) + 1000)
return wait`;

type WithTake = Redis & {
  stackupTakeToken(key: string, cap: number, rate: number): Promise<number>;
};

export function redisBucket(redis: Redis, prefix: string, options: BucketOptions): TokenBucket {
  const r = redis as WithTake;
  if (typeof r.stackupTakeToken !== "function") {
    redis.defineCommand("stackupTakeToken", { numberOfKeys: 1, lua: TAKE });
  }
  return {
    take: (workspaceId) =>
      r.stackupTakeToken(`${prefix}:bucket:${workspaceId}`, options.capacity, options.perSecond),
  };
}

/**
 * The same bucket in this process's memory, for the PostgreSQL queue backend (no Redis): each
 * worker process then keeps its own budget, so N workers may send N times the rate.
 */
export function memoryBucket(options: BucketOptions, now = () => Date.now()): TokenBucket {
  const buckets = new Map<number, { v: number; t: number }>();
  return {
    async take(workspaceId) {
      const at = now();
      const b = buckets.get(workspaceId) ?? { v: options.capacity, t: at };
      b.v = Math.min(options.capacity, b.v + (Math.max(0, at - b.t) * options.perSecond) / 1000);
      b.t = at;
      buckets.set(workspaceId, b);
      if (b.v >= 1) {
        b.v -= 1;
        return 0;
      }
      return Math.ceil(((1 - b.v) * 1000) / options.perSecond);
    },
  };
}
