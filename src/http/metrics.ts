/**
 * `/metrics` in the Prometheus text format: the process's own (CPU, memory, event loop) and
 * Keyward's — verifies by verdict and their latency by outcome class, management requests' latency
 * by route and status class, what the caches hold and how often they answer, how far behind the
 * change log the node is, whether storage and Redis answer and how fast, and how much key usage
 * waits to be written. One registry per app, so tests can run many. docs/observability.md says
 * what to alert on.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RedisHealth } from '../verify/redis-health.js';
import type { CacheLookups } from '../verify/authenticate.js';
import { fixedHistogram } from './fixed-histogram.js';

/** What a verify came to: a yes, a verdict other than yes, a request it could not judge, or 503. */
export type VerifyOutcome = 'valid' | 'denied' | 'invalid' | 'unavailable' | 'error';

export interface MetricSources {
  readonly keyCacheEntries: () => number;
  readonly resourceCacheEntries: () => number;
  readonly changeLogSeq: () => number;
  readonly stalenessMs: () => number;
  readonly usagePendingEntries: () => number;
  /** Verify's key-cache lookups, counted where they happen (plain numbers: the hot path). */
  readonly cacheLookups: CacheLookups;
  readonly storage: { readonly up: boolean; readonly latencySeconds: number };
  /** With Redis configured: whether it answers (`keyward_redis_up`). */
  readonly redis?: RedisHealth | undefined;
}

export interface Metrics {
  readonly registry: Registry;
  /** Counts one verify answer by its code (VALID, FORBIDDEN, …, or the problem code). */
  countVerify(code: string): void;
  /** One verify's time from its request's arrival to its answer, by outcome class. */
  observeVerify(outcome: VerifyOutcome, seconds: number): void;
  /** One answered request other than verify: its route pattern (never the raw URL), method and status. */
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  /** How long after its commit a change was read from the change log by this node. */
  observeChangeLag(seconds: number): void;
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

/** Seconds. A cached verify takes well under a millisecond in the process; the tail is storage. */
const VERIFY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LAG_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
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
  const verifyLatency = fixedHistogram<VerifyOutcome>({
    name: 'keyward_verify_duration_seconds',
    help: 'Verify latency from the request’s arrival to its answer, by outcome: valid, denied (any other verdict), invalid (a 4xx problem), unavailable (503), error (500: a stored key that does not read)',
    labelName: 'outcome',
    labels: ['valid', 'denied', 'invalid', 'unavailable', 'error'],
    buckets: VERIFY_BUCKETS,
  });
  verifyLatency.register(registry);
  const requests = new Histogram({
    name: 'keyward_http_request_duration_seconds',
    help: 'Latency of every request but verify, by route pattern, method and status class',
    labelNames: ['route', 'method', 'status_class'],
    buckets: REQUEST_BUCKETS,
    registers: [registry],
  });
  const changeLag = new Histogram({
    name: 'keyward_change_log_lag_seconds',
    help: 'Time from a change’s commit (on any node) to this node reading it from the change log; node clocks must agree',
    buckets: LAG_BUCKETS,
    registers: [registry],
  });
  const lookups = sources.cacheLookups;
  const reported = { hits: 0, misses: 0 };
  new Counter({
    name: 'keyward_key_cache_lookups_total',
    help: 'Verify’s key-cache lookups, by result: hit, or miss (read from storage; a stale node misses every time)',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      this.inc({ result: 'hit' }, lookups.hits - reported.hits);
      this.inc({ result: 'miss' }, lookups.misses - reported.misses);
      reported.hits = lookups.hits;
      reported.misses = lookups.misses;
    },
  });
  gauge(registry, 'keyward_key_cache_entries', 'Keys in this node’s verify cache', sources.keyCacheEntries);
  gauge(
    registry,
    'keyward_resource_cache_entries',
    'Resources in this node’s verify cache',
    sources.resourceCacheEntries,
  );
  gauge(registry, 'keyward_change_log_seq', 'The last change-log sequence this node has applied', sources.changeLogSeq);
  gauge(
    registry,
    'keyward_change_log_staleness_seconds',
    'Seconds since this node last confirmed it saw every change',
    () => sources.stalenessMs() / 1000,
  );
  gauge(
    registry,
    'keyward_usage_pending_entries',
    'Key usage counters waiting to be written',
    sources.usagePendingEntries,
  );
  const storage = sources.storage;
  gauge(registry, 'keyward_storage_up', 'Whether storage answered this node’s last probe (1) or not (0)', () =>
    storage.up ? 1 : 0,
  );
  gauge(
    registry,
    'keyward_storage_latency_seconds',
    'Round trip of this node’s last answered storage probe (a trivial statement)',
    () => storage.latencySeconds,
  );
  const redis = sources.redis;
  // Only where Redis is configured: absent, the gauge would say "down" of a Redis that is not used.
  if (redis !== undefined) {
    gauge(
      registry,
      'keyward_redis_up',
      'Whether Redis answers this node (1) or not (0): rate limits fall back while 0',
      () => (redis.state === 'up' ? 1 : 0),
    );
    gauge(
      registry,
      'keyward_redis_latency_seconds',
      'Round trip of this node’s last answered Redis probe (PING)',
      () => redis.latencySeconds,
    );
  }
  return {
    registry,
    countVerify(code) {
      const cell = counts.get(code);
      if (cell === undefined) counts.set(code, { value: 1, reported: 0 });
      else cell.value++;
    },
    observeVerify: (outcome, seconds) => verifyLatency.observe(outcome, seconds),
    observeRequest: (route, method, status, seconds) =>
      requests.observe({ route, method, status_class: statusClass(status) }, seconds),
    observeChangeLag: (seconds) => changeLag.observe(seconds),
  };
}
