/**
 * `/metrics` in the Prometheus text format: the process's own (CPU, memory, event loop) and
 * Keyward's — verifies by verdict, what the caches hold, how far behind the change log the node
 * is, and how much key usage waits to be written. One registry per app, so tests can run many.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { RedisHealth } from '../verify/redis-health.js';

export interface MetricSources {
  readonly keyCacheEntries: () => number;
  readonly resourceCacheEntries: () => number;
  readonly changeLogSeq: () => number;
  readonly stalenessMs: () => number;
  readonly usagePendingEntries: () => number;
  /** With Redis configured: whether it answers (`keyward_redis_up`). */
  readonly redis?: RedisHealth | undefined;
}

export interface Metrics {
  readonly registry: Registry;
  /** Counts one verify answer by its code (VALID, FORBIDDEN, …, or the problem code). */
  countVerify(code: string): void;
}

function gauge(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

export function createMetrics(sources: MetricSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Verify counts in plain numbers, handed to prom-client when scraped: a prom-client child
  // hashes and validates its labels on every `inc`, a cost the verify path does not need.
  const counts = new Map<string, { value: number; reported: number }>();
  new Counter({
    name: 'keyward_verify_total',
    help: 'Verify answers, by code',
    labelNames: ['code'],
    registers: [registry],
    collect() {
      for (const [code, cell] of counts) {
        if (cell.value === cell.reported) continue;
        this.inc({ code }, cell.value - cell.reported);
        cell.reported = cell.value;
      }
    },
  });
  gauge(registry, 'keyward_key_cache_entries', 'Keys in this node’s verify cache', sources.keyCacheEntries);
  gauge(registry, 'keyward_resource_cache_entries', 'Resources in this node’s verify cache', sources.resourceCacheEntries);
  gauge(registry, 'keyward_change_log_seq', 'The last change-log sequence this node has applied', sources.changeLogSeq);
  gauge(registry, 'keyward_change_log_staleness_seconds', 'Seconds since this node last confirmed it saw every change', () => sources.stalenessMs() / 1000);
  gauge(registry, 'keyward_usage_pending_entries', 'Key usage counters waiting to be written', sources.usagePendingEntries);
  const redis = sources.redis;
  // Only where Redis is configured: absent, the gauge would say "down" of a Redis that is not used.
  if (redis !== undefined)
    gauge(registry, 'keyward_redis_up', 'Whether Redis answers this node (1) or not (0): rate limits fall back while 0', () => (redis.state === 'up' ? 1 : 0));
  return {
    registry,
    countVerify(code) {
      const cell = counts.get(code);
      if (cell === undefined) counts.set(code, { value: 1, reported: 0 });
      else cell.value++;
    },
  };
}
