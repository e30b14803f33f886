/**
 * Rate limits on the verify path (SPEC §4): fixed windows aligned to the epoch (a window of
 * `durationMs` starts at every multiple of it), one bucket per key limit and per policy limit (a
 * policy's bucket is shared by its linked keys). All of a key's buckets are checked and taken
 * together: a refused request takes nothing from any. A key with no limits never reaches here.
 *
 * Modes (docs/limits.md): in memory on one node; in memory with `ceil(limit / KEYWARD_NODES)` per
 * node where several nodes share no Redis; with `KEYWARD_REDIS_URL`, one atomic Lua script per
 * verify. Where Redis fails, `KEYWARD_RATELIMIT_REDIS_DOWN` decides: `open` (the default) falls
 * back to this node's in-memory share, `closed` refuses with RATE_LIMITED.
 */
import type { Redis } from 'ioredis';
import type { RateLimitStateObject } from '../api/ratelimits.js';
import type { VerifyAnswerObject } from '../api/verify.js';
import type { BucketWindow, KeyRecord, RateBucket } from '../core/key-record.js';

export interface RateOutcome {
  readonly allowed: boolean;
  /** Units used in each bucket's current window after this request, in the key's bucket order. */
  readonly used: readonly number[];
  /** The limit enforced for each bucket (a node's share where nodes split it). */
  readonly limits: readonly number[];
}

export interface RateLimiter {
  /** The outcome may be reused by the limiter's next take: read it before taking again. */
  take(buckets: readonly RateBucket[], cost: number, now: number): RateOutcome | Promise<RateOutcome>;
  /**
   * Gives back what `take` took at `now` from a request refused after it (out of credits), so a
   * refused request spends nothing; a window that ended meanwhile is left as it is.
   */
  refund(buckets: readonly RateBucket[], cost: number, now: number): void | Promise<void>;
}

function windowOf(bucket: RateBucket, now: number): number {
  return Math.floor(now / bucket.durationMs) * bucket.durationMs;
}

/** Buckets whose window ended are swept once the map holds this many; beyond twice it, the oldest go. */
const SWEEP_AT = 100_000;

/**
 * In memory, this node only; `nodes` > 1 splits every limit evenly between the nodes. A take
 * allocates nothing: windows are updated in place and the outcome is one object reused by every
 * take, read by the caller before the next (limitVerdict does, in the same turn). Each window is
 * kept in the map by bucket id (a policy's bucket is one window for all its keys, and a key's
 * outlives a reload of its record) and on the bucket itself, where a take finds it.
 */
export function memoryRateLimiter(nodes = 1): RateLimiter {
  const windows = new Map<string, BucketWindow>();
  const used: number[] = [];
  const limits: number[] = [];
  const outcome = { allowed: true, used, limits };
  /** Each bucket's window as found by the check, reused by the take. */
  const found: (BucketWindow | undefined)[] = [];
  const starts: number[] = [];
  const sweep = (now: number): void => {
    for (const [id, entry] of windows)
      if (entry.start < now - 86_400_000) {
        entry.live = false;
        windows.delete(id);
      }
    for (const [id, entry] of windows) {
      if (windows.size <= SWEEP_AT) break;
      entry.live = false;
      windows.delete(id);
    }
  };
  const windowFor = (bucket: RateBucket): BucketWindow | undefined => {
    const held = bucket.window;
    if (held?.live && held.limiter === windows) return held;
    const entry = windows.get(bucket.id);
    if (entry !== undefined) bucket.window = entry;
    return entry;
  };
  return {
    take(buckets, cost, now) {
      if (windows.size >= SWEEP_AT * 2) sweep(now);
      const count = buckets.length;
      // Set only when it changes: a length store is a builtin call, and costs as much as the rest of a take.
      if (used.length !== count) {
        used.length = count;
        limits.length = count;
      }
      let allowed = true;
      for (let index = 0; index < count; index++) {
        const bucket = buckets[index] as RateBucket;
        const entry = windowFor(bucket);
        const start = windowOf(bucket, now);
        const current = entry !== undefined && entry.start === start ? entry.used : 0;
        const limit = Math.ceil(bucket.limit / nodes);
        found[index] = entry;
        starts[index] = start;
        limits[index] = limit;
        used[index] = current;
        if (current + cost > limit) allowed = false;
      }
      if (allowed && cost > 0) {
        for (let index = 0; index < count; index++) {
          const next = (used[index] as number) + cost;
          used[index] = next;
          const entry = found[index];
          const start = starts[index] as number;
          if (entry === undefined) {
            const bucket = buckets[index] as RateBucket;
            const made: BucketWindow = { start, used: next, limiter: windows, live: true };
            windows.set(bucket.id, made);
            bucket.window = made;
          } else {
            entry.start = start;
            entry.used = next;
          }
        }
      }
      // Not kept past the take: a window swept from the map is not held alive here.
      for (let index = 0; index < count; index++) found[index] = undefined;
      outcome.allowed = allowed;
      return outcome;
    },
    refund(buckets, cost, now) {
      for (const bucket of buckets) {
        const entry = windowFor(bucket);
        if (entry !== undefined && entry.start === windowOf(bucket, now)) entry.used = Math.max(0, entry.used - cost);
      }
    },
  };
}

/**
 * KEYS: one counter per bucket and window. ARGV: cost, then each bucket's limit and window
 * length. Refuses without writing if any bucket would go over; else takes `cost` from all.
 */
const TAKE_SCRIPT = `
local cost = tonumber(ARGV[1])
local used = {}
local allowed = 1
for i = 1, #KEYS do
  used[i] = tonumber(redis.call('GET', KEYS[i]) or '0')
  if used[i] + cost > tonumber(ARGV[i * 2]) then allowed = 0 end
end
if allowed == 1 and cost > 0 then
  for i = 1, #KEYS do
    used[i] = redis.call('INCRBY', KEYS[i], cost)
    redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[i * 2 + 1]) + 1000)
  end
end
table.insert(used, 1, allowed)
return used
`;

/** KEYS: the counters `take` wrote. ARGV: the cost to give back; a counter gone (its window ended) stays gone. */
const REFUND_SCRIPT = `
for i = 1, #KEYS do
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  if used > 0 then redis.call('DECRBY', KEYS[i], math.min(used, tonumber(ARGV[1]))) end
end
return 1
`;

export interface RedisLimiterOptions {
  readonly redis: Redis;
  /** Where Redis does not answer: the fallback (fail-open), or undefined to refuse (fail-closed). */
  readonly fallback: RateLimiter | undefined;
  readonly onError: (error: unknown) => void;
  /**
   * Whether Redis answers lately (redis-health.ts). While it does not, verifies go straight to
   * the fallback instead of each waiting for a command to time out. Absent: always tried.
   */
  readonly available?: () => boolean;
  readonly prefix?: string;
}

export function redisRateLimiter(options: RedisLimiterOptions): RateLimiter {
  const prefix = options.prefix ?? 'keyward:rl:';
  const keysOf = (buckets: readonly RateBucket[], now: number): string[] =>
    buckets.map((bucket) => `${prefix}${bucket.id}:${windowOf(bucket, now)}`);
  const fallback = async (buckets: readonly RateBucket[], cost: number, now: number): Promise<RateOutcome> => {
    if (options.fallback !== undefined) {
      // Copied at once: the memory limiter's outcome is reused by its next take, which may run before this one is read.
      const taken = options.fallback.take(buckets, cost, now);
      if (taken instanceof Promise) return taken;
      return { allowed: taken.allowed, used: [...taken.used], limits: [...taken.limits] };
    }
    return {
      allowed: false,
      used: buckets.map((bucket) => bucket.limit),
      limits: buckets.map((bucket) => bucket.limit),
    };
  };
  return {
    async take(buckets, cost, now) {
      if (options.available?.() === false) return fallback(buckets, cost, now);
      const keys = keysOf(buckets, now);
      const args = [String(cost), ...buckets.flatMap((bucket) => [String(bucket.limit), String(bucket.durationMs)])];
      try {
        const reply = (await options.redis.eval(TAKE_SCRIPT, keys.length, ...keys, ...args)) as number[];
        return {
          allowed: reply[0] === 1,
          used: reply.slice(1).map(Number),
          limits: buckets.map((bucket) => bucket.limit),
        };
      } catch (error) {
        options.onError(error);
        return fallback(buckets, cost, now);
      }
    },
    async refund(buckets, cost, now) {
      if (options.available?.() === false) return options.fallback?.refund(buckets, cost, now);
      try {
        await options.redis.eval(REFUND_SCRIPT, buckets.length, ...keysOf(buckets, now), String(cost));
      } catch (error) {
        // Where the take fell back to this node's share, so does the refund.
        options.onError(error);
        await options.fallback?.refund(buckets, cost, now);
      }
    },
  };
}

/**
 * Window ends as ISO text, remembered: windows are aligned to the epoch, so the buckets of every
 * key with the same window length end together and share one string until that window ends.
 */
const resetTexts = new Map<number, string>();
function resetAtText(end: number): string {
  let text = resetTexts.get(end);
  if (text === undefined) {
    if (resetTexts.size >= 256) resetTexts.clear();
    text = new Date(end).toISOString();
    resetTexts.set(end, text);
  }
  return text;
}

/** A bucket's state after a take: the limit enforced, what is left of it, and when its window ends. */
function limitOf(bucket: RateBucket, outcome: RateOutcome, index: number): number {
  return outcome.limits[index] ?? bucket.limit;
}

function remainingOf(limit: number, outcome: RateOutcome, index: number): number {
  return Math.max(0, limit - (outcome.used[index] ?? 0));
}

function resetAtOf(bucket: RateBucket, now: number): string {
  return resetAtText(windowOf(bucket, now) + bucket.durationMs);
}

function limitedAnswer(
  buckets: readonly RateBucket[],
  outcome: RateOutcome,
  now: number,
  allowed: VerifyAnswerObject,
  refused: VerifyAnswerObject,
): VerifyAnswerObject {
  const ratelimits: RateLimitStateObject[] = new Array(buckets.length);
  for (let index = 0; index < buckets.length; index++) {
    const bucket = buckets[index] as RateBucket;
    const limit = limitOf(bucket, outcome, index);
    ratelimits[index] = {
      name: bucket.name,
      limit,
      remaining: remainingOf(limit, outcome, index),
      resetAt: resetAtOf(bucket, now),
    };
  }
  const base = outcome.allowed ? allowed : refused;
  // Field by field: a spread of the frozen base takes V8's slow path, seven times the cost of this.
  return {
    valid: base.valid,
    code: base.code,
    keyId: base.keyId,
    tenantId: base.tenantId,
    environmentId: base.environmentId,
    name: base.name,
    userId: base.userId,
    externalId: base.externalId,
    metadata: base.metadata,
    expiresAt: base.expiresAt,
    cacheTtlMs: base.cacheTtlMs,
    ratelimits,
  };
}

/**
 * A verdict, as an object, for a key with limits, after its buckets were checked (`cost` 0: only
 * looked at): `allowed` (VALID) or `refused` (RATE_LIMITED), the key's reused answers with
 * `cacheTtlMs` 0, plus every bucket's state; a credit spend completes it. For a key that spends
 * credits too, or a caller that keeps answers as objects; a reply sent as JSON is written from the
 * outcome without it (verify.ts, `limitedResult`). Never cached by the client: it spent. In memory
 * it is decided in the same turn; only Redis makes a promise.
 */
export function limitVerdict(
  limiter: RateLimiter,
  key: KeyRecord,
  cost: number,
  now: number,
  allowed: VerifyAnswerObject,
  refused: VerifyAnswerObject,
): VerifyAnswerObject | Promise<VerifyAnswerObject> {
  const buckets = key.ratelimits ?? [];
  const outcome = limiter.take(buckets, cost, now);
  return outcome instanceof Promise
    ? outcome.then((settled) => limitedAnswer(buckets, settled, now, allowed, refused))
    : limitedAnswer(buckets, outcome, now, allowed, refused);
}

/** Each limit name's opening of its JSON state (`{"name":…,"limit":`), remembered: a key's names are few and fixed. */
const stateHeads = new Map<string, string>();
function stateHead(name: string): string {
  let head = stateHeads.get(name);
  if (head === undefined) {
    if (stateHeads.size >= 1024) stateHeads.clear();
    head = `{"name":${JSON.stringify(name)},"limit":`;
    stateHeads.set(name, head);
  }
  return head;
}

/**
 * The `ratelimits` member of an answer as JSON (`,"ratelimits":[…]`), written by hand from the
 * buckets and the limiter's outcome, which the limiter reuses: read in the turn of the take. No
 * state object is made for it: a rate-limited verify over HTTP makes only its reply's text.
 */
export function ratelimitsJson(buckets: readonly RateBucket[], outcome: RateOutcome, now: number): string {
  let json = ',"ratelimits":[';
  for (let index = 0; index < buckets.length; index++) {
    const bucket = buckets[index] as RateBucket;
    const limit = limitOf(bucket, outcome, index);
    if (index > 0) json += ',';
    json += `${stateHead(bucket.name)}${limit},"remaining":${remainingOf(limit, outcome, index)},"resetAt":"${resetAtOf(bucket, now)}"}`;
  }
  return `${json}]`;
}
