/**
 * The in-process replica (`createReplica({baseUrl, key})`, SPEC §4; docs/replica.md): verdicts of
 * one environment answered in this process, synchronously, from answers the server gave; evicted
 * by the server's change stream (`GET /v1/changes/stream`) as soon as a change reaches them.
 *
 * What it holds: answers only, keyed by a keyed SHA-256 of the presented key under a secret of this
 * process (verdict-hash.ts); never a key, nor the server's hash of one. What it never does:
 * - serve while it cannot vouch for its verdicts: past `maxStalenessMs` since the server last
 *   said it had every change (the stream down, or the server itself stale), every verify goes to
 *   the server, which answers or is unreachable (`KeywardUnavailableError`: refused, 503 in the
 *   middlewares); it never serves a verdict it cannot vouch for;
 * - serve a metered key (rate limits, credits), a verdict of another environment, a request with
 *   tags, or an answer that a change may have overtaken on its way (a change seen while it was
 *   asked);
 * - serve past the key's expiry, or past `ttlMs` (a safety net for what no change says:
 *   MFA coming due, a rotated-out secret's grace ending).
 * Verifies it answers are counted and sent back in batches (`POST /v1/replica/usage`).
 */
import type { ChangeStreamEvent } from '../api/replica.js';
import { followChangeStream } from './change-stream.js';
import { createVerifier, type Verifier, type VerifyAnswer, type VerifyRequest } from './verifier.js';
import { createReplicaCache } from './replica-cache.js';
import { createUsageReporter } from './replica-usage.js';

export interface ReplicaOptions {
  /** Where Keyward listens (a path prefix is kept). */
  readonly baseUrl: string;
  /** A key holding `verify.replicate` in the environment whose keys this replica verifies. */
  readonly key: string;
  /** Defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Every request to the server (a verify, a usage report, the stream's answer), including reading the answer. Default 2000. */
  readonly timeoutMs?: number;
  /** The most verdicts held (oldest dropped first). Default 100 000. */
  readonly maxEntries?: number;
  /** The longest a verdict is served, whatever the stream says. Default 60 000. */
  readonly ttlMs?: number;
  /** The staleness bound: at most the server's (`KEYWARD_MAX_STALENESS_MS`, told by the stream). */
  readonly maxStalenessMs?: number;
  /** How often served verifies are reported. Default 5000. */
  readonly usageFlushMs?: number;
  /** Told of the stream going down or a usage report failing (a metric, a log line). */
  readonly onError?: (error: Error) => void;
  readonly now?: () => number;
}

export interface Replica extends Verifier {
  /** The cached verdict, at once; undefined when there is none the replica may serve (then `verify` asks the server). */
  verifyCached(request: VerifyRequest): VerifyAnswer | undefined;
  /** Resolves once the stream is up and the server fresh (verdicts are cached from then on). */
  readonly ready: Promise<void>;
  /** Whether the replica may serve its verdicts now. */
  fresh(): boolean;
  /** Verdicts held. */
  readonly size: number;
  /** Stops the stream and sends the last usage report. */
  close(): Promise<void>;
}

/** Verdicts a change reaches only through its key (or the tenant, the environment, a resource): the others are asked each time. */
const CACHED_CODES: ReadonlySet<string> = new Set(['VALID', 'FORBIDDEN', 'REVOKED', 'DISABLED', 'EXPIRED']);

export function createReplica(options: ReplicaOptions): Replica {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 2000;
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? (() => undefined);
  const server = createVerifier({ baseUrl: base, fetch: doFetch, timeoutMs, cache: false, key: options.key });
  const cache = createReplicaCache(options.maxEntries ?? 100_000);

  let scope: { tenantId: string; environmentId: string } | null = null;
  let maxStalenessMs = options.maxStalenessMs ?? Number.POSITIVE_INFINITY;
  /** When the server last confirmed it had every change (-Infinity: never, or not since the stream went down and came back). */
  let confirmedAt = Number.NEGATIVE_INFINITY;
  // Answers asked before a change but arriving after it must not be kept: each eviction moves the
  // epoch on, and an answer is kept only if nothing that reaches it happened since it was asked.
  let epoch = 0;
  let clearedAt = 0;
  let resourcesAt = 0;
  const keysAt = new Map<string, number>();
  let asking = 0;

  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const clear = (): void => {
    clearedAt = ++epoch;
    keysAt.clear();
    cache.clear();
  };
  const fresh = (): boolean => scope !== null && now() - confirmedAt <= maxStalenessMs;

  const onEvent = (event: ChangeStreamEvent, receivedAt: number): void => {
    if (event.event === 'ready') {
      // What happened while no stream was up is unknown: start afresh.
      clear();
      scope = { tenantId: event.data.tenantId, environmentId: event.data.environmentId };
      maxStalenessMs = Math.min(options.maxStalenessMs ?? Number.POSITIVE_INFINITY, event.data.maxStalenessMs);
    } else if (event.event === 'fresh') {
      confirmedAt = Math.max(confirmedAt, receivedAt - event.data.stalenessMs);
      if (fresh()) markReady();
    } else if (event.event === 'evict') {
      const data = event.data;
      if ('keys' in data) {
        const at = ++epoch;
        for (const keyId of data.keys) {
          cache.evictKey(keyId);
          if (asking > 0) keysAt.set(keyId, at);
        }
        // Many changes while answers are on their way: one epoch for all rather than a growing map.
        if (keysAt.size > 10_000) clear();
      } else if ('resources' in data) {
        resourcesAt = ++epoch;
        cache.evictResources();
      } else clear();
    }
  };
  const stream = followChangeStream({
    url: `${base}/v1/changes/stream`,
    key: options.key,
    fetch: doFetch,
    timeoutMs,
    idleMs: Math.max(5000, 3 * timeoutMs),
    onEvent,
    onDown: (reason) => onError(new Error(`keyward replica: change stream down (${reason})`)),
    now,
  });
  const usage = createUsageReporter({
    url: `${base}/v1/replica/usage`,
    key: options.key,
    fetch: doFetch,
    timeoutMs,
    intervalMs: options.usageFlushMs ?? 5000,
    take: () => cache.takeUsage(),
    onError,
  });

  const keep = (request: VerifyRequest, answer: VerifyAnswer, askedAt: number): void => {
    const keyId = answer.keyId;
    if (keyId === null || scope === null || !fresh() || !CACHED_CODES.has(answer.code)) return;
    if (answer.ratelimits !== undefined || answer.credits !== undefined) return;
    if (answer.tenantId !== scope.tenantId || answer.environmentId !== scope.environmentId) return;
    if (clearedAt > askedAt || (keysAt.get(keyId) ?? 0) > askedAt) return;
    if (request.resource !== undefined && resourcesAt > askedAt) return;
    let until = now() + ttlMs;
    const expires = answer.expiresAt === null ? Number.NaN : Date.parse(answer.expiresAt);
    if (Number.isFinite(expires)) until = Math.min(until, expires);
    // The scope's own strings for the tenant and environment: one copy for every verdict held.
    if (until > now())
      cache.set(request, { ...answer, keyId, tenantId: scope.tenantId, environmentId: scope.environmentId }, until);
  };

  const verifyCached = (request: VerifyRequest): VerifyAnswer | undefined => {
    if (request.tags !== undefined) return undefined;
    if (!fresh()) {
      if (cache.size > 0) cache.clear();
      return undefined;
    }
    return cache.get(request, now());
  };

  return {
    verifyCached,
    ready,
    fresh,
    get size() {
      return cache.size;
    },
    checkNames: (names) => (server.checkNames === undefined ? Promise.resolve() : server.checkNames(names)),
    async verify(request) {
      const hit = verifyCached(request);
      if (hit !== undefined) return hit;
      const askedAt = epoch;
      asking++;
      try {
        const answer = await server.verify(request);
        keep(request, answer, askedAt);
        return answer;
      } finally {
        if (--asking === 0) keysAt.clear();
      }
    },
    async close() {
      stream.stop();
      await usage.close();
    },
  };
}
