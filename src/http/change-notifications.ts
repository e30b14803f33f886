/**
 * How a node hears of other nodes' changes at once (SPEC §6): on PostgreSQL, the database's
 * notifications (src/storage/change-notifier.ts) wake its change follower; losing them is said
 * once, and polling carries on until they are back. SQLite has one node and nothing to hear; a
 * node handed a storage without a database URL of its own (tests sharing one) only polls.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { Storage } from '../storage/storage.js';
import type { DatabaseTimeouts } from '../storage/bounded-postgres.js';
import type { ChangeListener } from '../storage/change-notifier.js';
import { outageLog } from './outage-log.js';
import type { RedisBounds } from '../verify/redis-health.js';
import { redisWakeups, type RedisWakeups } from '../verify/redis-wakeups.js';

/** With KEYWARD_REDIS_URL: nodes also wake each other over Redis pub/sub, on any storage. */
export function wakeOverRedis(
  config: Pick<Config, 'redisUrl'>,
  bounds: RedisBounds,
  location: string,
  wake: () => void,
  log: FastifyBaseLogger,
): RedisWakeups | null {
  if (config.redisUrl === undefined) return null;
  // One error per reconnection attempt: the rate limiter's watch says once when Redis is down (redis-health.ts).
  const lost = (error: unknown) => log.debug({ err: error }, 'redis wake-ups unavailable; polling until they are back');
  return redisWakeups(config.redisUrl, bounds, `keyward:changes:${location}`, wake, lost);
}

export async function listenForNodes(
  config: Config,
  storage: Storage,
  timeouts: DatabaseTimeouts,
  wake: () => void,
  log: () => FastifyBaseLogger,
): Promise<ChangeListener | null> {
  if (config.databaseUrl === undefined) return null;
  const notificationsOutage = outageLog('change notifications', {
    failure: (details, message) => log().warn(details, message),
    recovery: (details, message) => log().info(details, message),
  });
  return storage.listen(
    timeouts,
    () => {
      // Called once listening again (a catch-up), and for each notification.
      notificationsOutage.answered();
      wake();
    },
    (error) => notificationsOutage.failed('listen', error, 'change notifications lost; polling until they are back'),
  );
}
