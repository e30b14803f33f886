/**
 * Redis with bounded waits (SPEC §6), and whether it answers as this node sees it. A command not
 * answered in time fails (the caller falls back), a connection that hears nothing while a command
 * waits is dropped and made again, and connections are kept alive. The state is said once per
 * change — one warning when Redis stops answering, one line when it answers again, never one per
 * reconnection attempt — and read by `/readyz`, `/metrics` and the rate limiter, which goes
 * straight to its fallback while Redis is down instead of waiting on every verify.
 */
import type { Redis, RedisOptions } from 'ioredis';

export interface RedisBounds {
  readonly connectMs: number;
  readonly commandMs: number;
  readonly keepAliveMs: number;
}

export function boundedRedisOptions(bounds: RedisBounds): RedisOptions {
  return {
    connectTimeout: bounds.connectMs,
    commandTimeout: bounds.commandMs,
    // Nothing heard for twice a command's bound while one waits: the connection is silent, not slow.
    socketTimeout: bounds.commandMs * 2,
    keepAlive: bounds.keepAliveMs,
  };
}

export type RedisState = 'unknown' | 'up' | 'down';

export interface RedisHealth {
  readonly state: RedisState;
  /** The last answered probe's round trip; NaN before one answered. */
  readonly latencySeconds: number;
  /** A command failed without an answer. Not heard while the first connection is still being made. */
  failed(error: unknown): void;
  /** A connection was lost, or could not be made (or made ready) within its bounds. */
  lost(error: unknown): void;
  /** Redis answered: a probe (timed), or a connection made ready. */
  answered(latencySeconds?: number): void;
}

interface Log {
  info(message: string): void;
  warn(details: { err: unknown }, message: string): void;
}

/** `whileDown` completes "rate limits …" in the warning: what verifies do until Redis answers. */
export function redisHealth(log: Log, whileDown: string): RedisHealth {
  // Unknown until a connection is ready, or two attempts failed: a node starting does not report
  // Redis down because its first commands came before the connection, nor because building the app
  // held its first connection past the bound; nor a Redis that never answered, up.
  let state: RedisState = 'unknown';
  let firstAttemptFailed = false;
  let latencySeconds = Number.NaN;
  const down = (error: unknown): void => {
    if (state === 'down') return;
    state = 'down';
    log.warn({ err: error }, `Redis does not answer: rate limits ${whileDown} until it does`);
  };
  return {
    get state() {
      return state;
    },
    get latencySeconds() {
      return latencySeconds;
    },
    failed(error) {
      if (state === 'up') down(error);
    },
    lost(error) {
      if (state === 'unknown' && !firstAttemptFailed) {
        firstAttemptFailed = true;
        return;
      }
      down(error);
    },
    answered(latency) {
      if (latency !== undefined) latencySeconds = latency;
      if (state === 'up') return;
      const was = state;
      state = 'up';
      if (was === 'down') log.info('Redis answers again: rate limits are shared through it again');
    },
  };
}

/** How often the node asks Redis whether it answers, whatever the traffic. */
const PROBE_MS = 1000;

/**
 * Keeps `health` told about `redis`: each connection made ready or lost (ioredis schedules a new
 * one: `reconnecting`), and a PING a second. Returns the stop.
 */
export function watchRedis(redis: Redis, health: RedisHealth): () => void {
  let lastError: unknown = new Error('the connection to Redis was lost');
  redis.on('error', (error: unknown) => {
    lastError = error;
  });
  redis.on('ready', () => health.answered());
  redis.on('reconnecting', () => health.lost(lastError));
  const probe = setInterval(() => {
    const started = performance.now();
    redis.ping().then(
      () => health.answered((performance.now() - started) / 1000),
      (error: unknown) => health.failed(error),
    );
  }, PROBE_MS);
  probe.unref();
  return () => clearInterval(probe);
}
