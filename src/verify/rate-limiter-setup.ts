/** The rate limiter a node runs with, chosen from its configuration, said once at start. */
import { Redis } from 'ioredis';
import { memoryRateLimiter, redisRateLimiter, type RateLimiter } from './rate-limits.js';
import { boundedRedisOptions, redisHealth, watchRedis, type RedisBounds, type RedisHealth } from './redis-health.js';

export interface RateLimiterSetup {
  readonly limiter: RateLimiter;
  /** With Redis: whether it answers, as this node sees it. */
  readonly redis?: RedisHealth;
  stop(): void;
}

interface Log {
  info(message: string): void;
  warn(details: { err: unknown }, message: string): void;
}

interface LimiterConfig {
  readonly redisUrl: string | undefined;
  readonly nodes: number;
  readonly rateLimitRedisDown: 'open' | 'closed';
}

export function setUpRateLimiter(config: LimiterConfig, bounds: RedisBounds, log: Log): RateLimiterSetup {
  if (config.redisUrl === undefined) {
    log.info(
      config.nodes > 1
        ? `rate limits: in memory on each node, ${config.nodes} nodes (KEYWARD_NODES): each node enforces ceil(limit / ${config.nodes})`
        : 'rate limits: in memory on this node (one node; set KEYWARD_NODES or KEYWARD_REDIS_URL for several)',
    );
    return { limiter: memoryRateLimiter(config.nodes), stop: () => {} };
  }
  // Commands are neither queued while Redis is away nor retried on the next connection: they fail
  // at once, or after the command bound, so a verify waits for the fallback, never for Redis.
  const redis = new Redis(config.redisUrl, {
    ...boundedRedisOptions(bounds),
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {});
  const open = config.rateLimitRedisDown === 'open';
  const fallback = open ? memoryRateLimiter(config.nodes) : undefined;
  log.info(
    `rate limits: shared through Redis (one atomic script per verify); where Redis fails: ${open ? 'fail-open to this node’s share' : 'fail-closed (RATE_LIMITED)'}`,
  );
  const health = redisHealth(log, open ? 'fall back to this node’s share' : 'refuse (RATE_LIMITED, fail-closed)');
  const unwatch = watchRedis(redis, health);
  let warned = 0;
  const limiter = redisRateLimiter({
    redis,
    fallback,
    available: () => health.state !== 'down',
    onError: (error) => {
      // Redis answered, with an error (out of memory, say): it is there, this verify falls back.
      // One warning a minute at most: such errors must not flood the log from the hot path.
      if (error instanceof Error && error.name === 'ReplyError') {
        const now = Date.now();
        if (now - warned < 60_000) return;
        warned = now;
        log.warn({ err: error }, 'rate limits: Redis refused a command; this verify fell back');
        return;
      }
      health.failed(error);
    },
  });
  return {
    limiter,
    redis: health,
    stop: () => {
      unwatch();
      redis.disconnect();
    },
  };
}
