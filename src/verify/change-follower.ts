/**
 * Follows the change log so that changes made on other nodes (sharing one PostgreSQL) evict
 * this node's cache within one poll. Changes made on this node are evicted at commit already.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../storage/database.js';
import { changesAfter, lastChangeSeq, type Change } from '../storage/change-log.js';
import type { KeyCache } from './key-cache.js';
import type { ResourceCache } from './resource-lookup.js';

export interface ChangeFollower {
  /** Reads and applies every change after the last one seen. */
  catchUp(): Promise<void>;
  stop(): void;
  readonly lastSeq: number;
}

/** What a node caches for verify: keys by HMAC, resources with their chains. */
export interface VerifyCaches {
  readonly keys: KeyCache;
  readonly resources: ResourceCache;
}

export function applyChange(caches: VerifyCaches, change: Change): void {
  const cache = caches.keys;
  if (change.entity === 'resource') caches.resources.clear();
  else if (change.entity === 'key') cache.evictKey(change.entityId);
  // A policy edit changes every linked key; a group change, its members and what it holds on
  // resources. Both are rare: drop the tenant's keys rather than track links here.
  else if (change.entity === 'policy' && change.tenantId !== null) cache.evictTenant(change.tenantId);
  else if (change.entity === 'group' && change.tenantId !== null) {
    cache.evictTenant(change.tenantId);
    caches.resources.clear();
  } else if ((change.entity === 'tenant' || change.entity === 'environment' || change.entity === 'user') && change.tenantId !== null) {
    cache.evictTenant(change.tenantId);
  }
}

const BATCH = 1000;

export async function startChangeFollower(
  db: Kysely<Database>,
  caches: VerifyCaches,
  pollMs: number,
  onError: (error: unknown) => void,
): Promise<ChangeFollower> {
  let lastSeq = await lastChangeSeq(db);
  let running: Promise<void> | null = null;

  const catchUp = async (): Promise<void> => {
    for (;;) {
      const changes = await changesAfter(db, lastSeq, BATCH);
      for (const change of changes) {
        applyChange(caches, change);
        lastSeq = change.seq;
      }
      if (changes.length < BATCH) return;
    }
  };
  const tick = (): void => {
    if (running !== null) return;
    running = catchUp()
      .catch(onError)
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, pollMs);
  timer.unref();
  return {
    catchUp,
    stop: () => clearInterval(timer),
    get lastSeq() {
      return lastSeq;
    },
  };
}
