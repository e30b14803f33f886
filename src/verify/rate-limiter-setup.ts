/** The rate limiter a node runs with, chosen from its configuration, said once at start. */
import { Redis } from 'ioredis';
import { memoryRateLimiter, redisRateLimiter, type RateLimiter } from './rate-limits.js';

export interface RateLimiterSetup {
  readonly limiter: RateLimiter;
  stop(): void;
}

interface Log {
  info(message: string): void;
  warn(details: { err: unknown }, message: string): void;
}

export function setUpRateLimiter(config: { redisUrl: string | undefined; nodes: number; rateLimitRedisDown: 'open' | 'closed' }, log: Log): RateLimiterSetup {
  if (config.redisUrl === undefined) {
    log.info(
      config.nodes > 1
        ? `rate limits: in memory on each node, ${config.nodes} nodes (KEYWARD_NODES): each node enforces ceil(limit / ${config.nodes})`
        : 'rate limits: in memory on this node (one node; set KEYWARD_NODES or KEYWARD_REDIS_URL for several)',
    );
    return { limiter: memoryRateLimiter(config.nodes), stop: () => {} };
  }
  // Commands fail fast while Redis is away, so a verify waits for the fallback, not for Redis.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', () => {});
  const fallback = config.rateLimitRedisDown === 'open' ? memoryRateLimiter(config.nodes) : undefined;
  log.info(
    `rate limits: shared through Redis (one atomic script per verify); where Redis fails: ${config.rateLimitRedisDown === 'open' ? 'fail-open to this node’s share' : 'fail-closed (RATE_LIMITED)'}`,
  );
  let warned = 0;
  const limiter = redisRateLimiter({
    redis,
    fallback,
    onError: (error) => {
      // One warning a minute at most: a Redis outage must not flood the log from the hot path.
      const now = Date.now();
      if (now - warned < 60_000) return;
      warned = now;
      log.warn({ err: error }, 'rate limits: Redis unavailable');
    },
  });
  return { limiter, stop: () => redis.disconnect() };
}
