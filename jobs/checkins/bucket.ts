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

// Redis's own clock, so workers on different machines share one notion of time. Takes up to
// ARGV[3] whole tokens; returns how many it took and, when none, the ms until one is there.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cap = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 't', 'v')
local v = tonumber(b[2]) or cap
local last = tonumber(b[1]) or now
v = math.min(cap, v + math.max(0, now - last) * rate / 1000)
local got = math.min(want, math.floor(v))
local wait = 0
if got >= 1 then v = v - got else wait = math.ceil((1 - v) * 1000 / rate) end
redis.call('HSET', KEYS[1], 't', now, 'v', tostring(v))
redis.call('PEXPIRE', KEYS[1], math.ceil(cap * 1000 / rate) + 1000)
return {got, wait}`;

type WithTake = Redis & {
  stackupTakeTokens(
    key: string,
    cap: number,
    rate: number,
    want: number,
  ): Promise<[number, number]>;
};

/** Tokens taken ahead are spent within this, or dropped (never handed back: that stays safe). */
const HOLD_MS = 1_000;

/**
 * A bucket shared through Redis. Each process takes tokens a few at a time (a tenth of the burst,
 * at most 20) and hands them out locally, so a send costs a Redis call only now and then.
 */
export function redisBucket(redis: Redis, prefix: string, options: BucketOptions): TokenBucket {
  const r = redis as WithTake;
  if (typeof r.stackupTakeTokens !== "function") {
    redis.defineCommand("stackupTakeTokens", { numberOfKeys: 1, lua: TAKE });
  }
  const ahead = Math.max(1, Math.min(20, Math.floor(options.capacity / 10)));
  const held = new Map<number, { left: number; until: number }>();
  const asking = new Map<number, Promise<number>>();
  function ask(workspaceId: number): Promise<number> {
    let pending = asking.get(workspaceId);
    if (!pending) {
      pending = r
        .stackupTakeTokens(
          `${prefix}:bucket:${workspaceId}`,
          options.capacity,
          options.perSecond,
          ahead,
        )
        .then(([got, wait]) => {
          held.set(workspaceId, { left: got, until: Date.now() + HOLD_MS });
          return got > 0 ? 0 : wait;
        })
        .finally(() => asking.delete(workspaceId));
      asking.set(workspaceId, pending);
    }
    return pending;
  }
  return {
    async take(workspaceId) {
      for (;;) {
        const h = held.get(workspaceId);
        if (h && h.left > 0 && Date.now() < h.until) {
          h.left -= 1;
          return 0;
        }
        const wait = await ask(workspaceId);
        if (wait > 0) return wait;
      }
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
