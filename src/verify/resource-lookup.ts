/**
 * How verify finds the resource a request names, with its ancestor chain and role holders, and
 * this node's cache of them. A hit touches no storage; any resource change anywhere clears the
 * cache (moves and role changes alter other resources' chains, and resource writes are rare next
 * to verifies), and a lookup that raced a change is not cached.
 */
import type { TargetResource } from '../core/check.js';
import type { ResourceQueryObject } from '../api/verify.js';
import type { VerifyStore } from './verify-store.js';

export interface ResourceLookup {
  /** The resource by `id`, or by `externalId` in `environmentId`; undefined when unknown. */
  find(query: ResourceQueryObject, environmentId: string | null): Promise<TargetResource | undefined>;
}

export interface ResourceCache extends ResourceLookup {
  clear(): void;
  readonly size: number;
}

interface Entry {
  readonly target: TargetResource;
  readonly storedAt: number;
}

export function createResourceLookup(options: {
  store: Pick<VerifyStore, 'resource'>;
  now: () => number;
  ttlMs: number;
  maxEntries: number;
  /** False while this node cannot vouch that it saw every change: storage is read instead. */
  cacheTrusted?: () => boolean;
}): ResourceCache {
  const entries = new Map<string, Entry>();
  let generation = 0;

  const cacheKey = (query: ResourceQueryObject, environmentId: string | null): string | null => {
    if (query.id !== undefined) return query.id;
    if (query.externalId === undefined || environmentId === null) return null;
    return `${environmentId}\u0000${query.type}\u0000${query.externalId}`;
  };

  return {
    async find(query, environmentId) {
      const key = cacheKey(query, environmentId);
      if (key === null) return undefined;
      const now = options.now();
      const hit = entries.get(key);
      if (
        hit !== undefined &&
        now - hit.storedAt < options.ttlMs &&
        (options.cacheTrusted === undefined || options.cacheTrusted())
      )
        return hit.target;
      const generationAtLookup = generation;
      const target = await options.store.resource(query, environmentId);
      if (target === undefined) return undefined;
      if (generationAtLookup === generation && options.maxEntries > 0 && options.ttlMs > 0) {
        if (entries.size >= options.maxEntries) {
          const oldest = entries.keys().next();
          if (oldest.done !== true) entries.delete(oldest.value);
        }
        entries.set(key, { target, storedAt: now });
      }
      return target;
    },
    clear() {
      generation++;
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
