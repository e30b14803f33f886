/**
 * Redis pub/sub as the change-log wake-up (SPEC §6, "or Redis pub/sub where configured"): a node
 * that commits a change publishes on a channel; every node subscribed wakes its follower at once.
 * The change log stays the source of truth — a message carries nothing but "look" — and polling
 * stays the safety net for a lost connection or message.
 */
import { Redis } from 'ioredis';
import { boundedRedisOptions, type RedisBounds } from './redis-health.js';

export interface RedisWakeups {
  /** Tells the other nodes a change was committed. */
  publish(): void;
  stop(): Promise<void>;
}

export function redisWakeups(
  url: string,
  bounds: RedisBounds,
  channel: string,
  onChange: () => void,
  onError: (error: unknown) => void,
): RedisWakeups {
  // A subscribed connection can do nothing else, so publishing has its own.
  const subscriber = new Redis(url, { ...boundedRedisOptions(bounds), lazyConnect: false, maxRetriesPerRequest: 1 });
  const publisher = new Redis(url, { ...boundedRedisOptions(bounds), lazyConnect: false, maxRetriesPerRequest: 1 });
  subscriber.on('error', onError);
  publisher.on('error', onError);
  subscriber.on('message', (received: string) => {
    if (received === channel) onChange();
  });
  // Subscribed again after every (re)connection, then a catch-up for what was missed meanwhile.
  subscriber.on('ready', () => {
    subscriber.subscribe(channel).then(onChange, onError);
  });
  return {
    publish: () => {
      publisher.publish(channel, '').catch(onError);
    },
    stop: async () => {
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}
