/**
 * Follows the change log so that changes made on other nodes (sharing one PostgreSQL) evict
 * this node's cache within one poll. Changes made on this node are evicted at commit already.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../storage/database.js';
import { changesAfter, changesAt, lastChangeSeq, type Change } from '../storage/change-log.js';
import { ENTITIES } from '../core/entities.js';
import type { ImportPrefixes } from './import-prefixes.js';
import type { KeyCache } from './key-cache.js';
import type { LeasedSpender } from './credit-leases.js';
import type { ResourceCache } from './resource-lookup.js';
import type { ChangeHub } from './change-hub.js';

export interface ChangeFollower {
  /** Reads and applies every change after the last one seen. */
  catchUp(): Promise<void>;
  /** Asks for a catch-up now (a change was notified); one runs at a time. */
  wake(): void;
  stop(): void;
  readonly lastSeq: number;
  /** How long since this node last confirmed it had every change (a catch-up that succeeded). */
  stalenessMs(now: number): number;
  /** Sequence numbers skipped over and still looked for. */
  readonly watchedGaps: number;
}

/** What a node caches for verify: keys by HMAC, resources with their chains, the prefixes of imported keys. */
export interface VerifyCaches {
  readonly keys: KeyCache;
  readonly resources: ResourceCache;
  readonly importPrefixes?: ImportPrefixes;
  /**
   * The replicas streaming from this node (change-hub.ts): told of every change the follower
   * reads, this node's own included (a commit wakes the follower), so each is told once.
   */
  readonly replicas?: Pick<ChangeHub, 'publish'>;
  /** This node's credit leases: a changed key's lease goes back (a PATCH of its balance voided it). */
  readonly credits?: Pick<LeasedSpender, 'forget' | 'forgetAll'>;
}

/**
 * Drops what the change's entity says it reaches (its `evicts` in core/entities.ts). A change of
 * an entity this node does not know (written by a newer version sharing the database) drops
 * everything rather than nothing.
 */
export function applyChange(caches: VerifyCaches, change: Change): void {
  if (change.entity === 'instance') {
    // Nothing cached depends on instance settings; a new import prefix is learnt (import-prefixes.ts).
    caches.importPrefixes?.learn(change.entityId);
    return;
  }
  const facts = Object.hasOwn(ENTITIES, change.entity) ? ENTITIES[change.entity] : undefined;
  if (facts === undefined) {
    caches.keys.clear();
    caches.resources.clear();
    caches.credits?.forgetAll();
    return;
  }
  if (facts.evicts.keys === 'entity') {
    caches.keys.evictKey(change.entityId);
    caches.credits?.forget(change.entityId);
  } else if (facts.evicts.keys === 'tenant' && change.tenantId !== null) caches.keys.evictTenant(change.tenantId);
  if (facts.evicts.resources) caches.resources.clear();
}

const BATCH = 1000;
/**
 * How long a hole in the sequence is watched. On PostgreSQL a sequence number is taken when a
 * transaction inserts, not when it commits, so a change may land below one already seen; a hole
 * that never fills is a rolled-back transaction. Longer than any transaction should run.
 */
export const GAP_WATCH_MS = 60_000;

/** What the follower tells about its reads besides failures (metrics, the outage log). */
export interface FollowerObserver {
  /** A catch-up read the log to its end. */
  caughtUp?(): void;
  /** The newest change of a read came this long after its commit. */
  lagMs?(ms: number): void;
}

export async function startChangeFollower(
  db: Kysely<Database>,
  caches: VerifyCaches,
  pollMs: number,
  onError: (error: unknown) => void,
  now: () => number = Date.now,
  observer: FollowerObserver = {},
): Promise<ChangeFollower> {
  let lastSeq = await lastChangeSeq(db);
  let confirmedAt = now();
  /** Sequence numbers skipped over, and until when to look for them. */
  const gaps = new Map<number, number>();

  const fillGaps = async (now: number): Promise<void> => {
    for (const [seq, until] of gaps) if (until <= now) gaps.delete(seq);
    if (gaps.size === 0) return;
    for (const change of await changesAt(db, [...gaps.keys()])) {
      applyChange(caches, change);
      caches.replicas?.publish(change);
      gaps.delete(change.seq);
    }
  };
  const readLog = async (): Promise<void> => {
    const startedAt = now();
    await fillGaps(startedAt);
    for (;;) {
      const changes = await changesAfter(db, lastSeq, BATCH);
      for (const change of changes) {
        applyChange(caches, change);
        caches.replicas?.publish(change);
        for (let missing = lastSeq + 1; missing < change.seq; missing++) gaps.set(missing, startedAt + GAP_WATCH_MS);
        lastSeq = change.seq;
      }
      const newest = changes.at(-1);
      if (newest !== undefined) observer.lagMs?.(Math.max(0, now() - newest.at));
      if (changes.length < BATCH) break;
    }
    observer.caughtUp?.();
    // Everything committed before this catch-up began has been seen.
    confirmedAt = Math.max(confirmedAt, startedAt);
  };
  // Catch-ups run one at a time, in order. A wake-up (a poll, a notification) while one runs
  // queues one more after it, since the change may have committed after the running one read the
  // log; several wake-ups while that one waits are the same one.
  let queue: Promise<void> = Promise.resolve();
  let wakeQueued = false;
  const enqueue = (onStart?: () => void): Promise<void> => {
    const run = queue.then(() => {
      onStart?.();
      return readLog();
    });
    queue = run.catch(() => undefined);
    return run;
  };
  const catchUp = (): Promise<void> => enqueue();
  const tick = (): void => {
    if (wakeQueued) return;
    wakeQueued = true;
    enqueue(() => {
      wakeQueued = false;
    }).catch(onError);
  };
  const timer = setInterval(tick, pollMs);
  timer.unref();
  return {
    catchUp,
    wake: tick,
    stop: () => clearInterval(timer),
    get lastSeq() {
      return lastSeq;
    },
    get watchedGaps() {
      return gaps.size;
    },
    stalenessMs: (at) => Math.max(0, at - confirmedAt),
  };
}
