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

/** What a workspace got: `got` tokens now; with none, `waitMs` until the next one. */
export interface Grant {
  got: number;
  waitMs: number;
}

export interface TokenBucket {
  /** Takes up to `wants.get(workspace)` tokens for each workspace at once. */
  take(wants: Map<number, number>): Promise<Map<number, Grant>>;
}

// Redis's own clock, so workers on different machines share one notion of time. For each key,
// takes up to its ARGV want in whole tokens; returns pairs of taken and, when none, the ms until
// one is there. One call serves every workspace in a batch.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cap = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local ttl = math.ceil(cap * 1000 / rate) + 1000
local out = {}
for i, key in ipairs(KEYS) do
  local want = tonumber(ARGV[2 + i])
  local b = redis.call('HMGET', key, 't', 'v')
  local v = tonumber(b[2]) or cap
  local last = tonumber(b[1]) or now
  v = math.min(cap, v + math.max(0, now - last) * rate / 1000)
  local got = math.min(want, math.floor(v))
  local wait = 0
  if got >= 1 then v = v - got else wait = math.ceil((1 - v) * 1000 / rate) end
  redis.call('HSET', key, 't', now, 'v', tostring(v))
  redis.call('PEXPIRE', key, ttl)
  out[2 * i - 1] = got
  out[2 * i] = wait
end
return out`;

type WithTake = Redis & {
  stackupTakeTokens(numKeys: number, ...args: (string | number)[]): Promise<number[]>;
};

/** A bucket shared through Redis by every worker: one round trip per batch of deliveries. */
export function redisBucket(redis: Redis, prefix: string, options: BucketOptions): TokenBucket {
  const r = redis as WithTake;
  if (typeof r.stackupTakeTokens !== "function") {
    redis.defineCommand("stackupTakeTokens", { lua: TAKE });
  }
  return {
    async take(wants) {
      const ids = [...wants.keys()];
      const grants = new Map<number, Grant>();
      if (ids.length === 0) return grants;
      const out = await r.stackupTakeTokens(
        ids.length,
        ...ids.map((id) => `${prefix}:bucket:${id}`),
        options.capacity,
        options.perSecond,
        ...ids.map((id) => wants.get(id) ?? 0),
      );
      for (const [i, id] of ids.entries()) {
        grants.set(id, { got: Number(out[2 * i]), waitMs: Number(out[2 * i + 1]) });
      }
      return grants;
    },
  };
}

/**
 * The same bucket in this process's memory, for the PostgreSQL queue backend (no Redis): each
 * worker process then keeps its own budget, so N workers may send N times the rate.
 */
export function memoryBucket(options: BucketOptions, now = () => Date.now()): TokenBucket {
  const buckets = new Map<number, { v: number; t: number }>();
  return {
    async take(wants) {
      const at = now();
      const grants = new Map<number, Grant>();
      for (const [id, want] of wants) {
        const b = buckets.get(id) ?? { v: options.capacity, t: at };
        b.v = Math.min(options.capacity, b.v + (Math.max(0, at - b.t) * options.perSecond) / 1000);
        b.t = at;
        buckets.set(id, b);
        const got = Math.min(want, Math.floor(b.v));
        b.v -= got;
        grants.set(id, {
          got,
          waitMs: got > 0 ? 0 : Math.ceil(((1 - b.v) * 1000) / options.perSecond),
        });
      }
      return grants;
    },
  };
}
