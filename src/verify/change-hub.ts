/**
 * The change hub: what this node learns of committed changes (its own at commit, other nodes'
 * through the change follower) told to the replicas streaming from it (`GET /v1/changes/stream`),
 * as the verdicts each change reaches. The entity registry (core/entities.ts) says what a change
 * reaches, as it does for this node's own caches, so a new entity cannot forget the replicas.
 * Every subscriber is one environment's: changes of other tenants are never told to it, nor the
 * change of a key (or of an environment) of another environment of its tenant, which no verdict
 * it holds depends on and whose id is not its to know. A change of the whole tenant (a policy, a
 * group, a user) reaches its every environment, by "drop everything", naming nothing.
 */
import { ENTITIES } from '../core/entities.js';
import type { Change } from '../storage/change-log.js';

/**
 * What a replica drops: the verdicts of these keys; every verdict asked about a resource; or
 * everything (a change reaching every key of the tenant, or of an entity this node does not know).
 */
export type Eviction = { readonly keys: readonly string[] } | { readonly resources: true } | { readonly all: true };

export interface ChangeSubscriber {
  readonly tenantId: string;
  readonly environmentId: string;
  evict(eviction: Eviction): void;
  /** The node confirmed `stalenessMs` ago that it had every change (told every heartbeat while it is fresh). */
  fresh(stalenessMs: number): void;
  /** The node is shutting down: the stream ends (its replica reconnects, to this node's successor or another). */
  end(): void;
}

export interface ChangeHub {
  /** A committed change, as this node's caches were told of it. */
  publish(change: Change): void;
  subscribe(subscriber: ChangeSubscriber): () => void;
  readonly subscribers: number;
  /** How long ago the node confirmed it had every change; null while it cannot vouch for it. */
  staleness(): number | null;
  /** Stops the heartbeat and ends every stream. */
  stop(): void;
}

/** What a change means to the replicas of its tenant, and which of them (`environmentId`: that one's only). */
export interface Delivery {
  readonly eviction: Eviction;
  readonly environmentId?: string;
}

const ALL: Delivery = { eviction: { all: true } };

/** The eviction a change means to its tenant's replicas, and to which; null when no verdict of theirs depends on it. */
export function deliveryOf(change: Change): Delivery | null {
  if (change.entity === 'instance') return null;
  const facts = Object.hasOwn(ENTITIES, change.entity) ? ENTITIES[change.entity] : undefined;
  if (facts === undefined) return ALL;
  if (change.entity === 'environment')
    // Its settings (an IP allowlist, MFA, its deletion) reach its own keys only.
    return { eviction: { all: true }, environmentId: change.entityId };
  if (facts.evicts.keys === 'tenant') return ALL;
  if (facts.evicts.keys === 'entity') {
    if (change.environmentId !== null)
      return { eviction: { keys: [change.entityId] }, environmentId: change.environmentId };
    // A key of no tenant (the root key) is in no replica's environment; a tenant's change that
    // does not say its environment (written before the log recorded it) reaches all, unnamed.
    return change.tenantId === null ? null : ALL;
  }
  if (facts.evicts.resources) return { eviction: { resources: true } };
  return null;
}

/**
 * `heartbeatMs`: how often subscribers hear that the node is fresh; `stalenessMs`: how long ago the
 * node confirmed it had every change, or null when it cannot vouch for it (stale).
 */
export function createChangeHub(heartbeatMs: number, stalenessMs: () => number | null): ChangeHub {
  const byTenant = new Map<string, Set<ChangeSubscriber>>();
  let count = 0;
  const tell = (subscriber: ChangeSubscriber, act: (subscriber: ChangeSubscriber) => void): void => {
    try {
      act(subscriber);
    } catch {
      // One broken stream must not keep the others from hearing of the change; it is closed by its own error.
    }
  };
  const heartbeat = setInterval(() => {
    if (count === 0) return;
    const staleness = stalenessMs();
    // A stale node says nothing: its replicas' own bound runs out, and they fail closed as it does.
    if (staleness === null) return;
    for (const subscribers of byTenant.values())
      for (const subscriber of subscribers) tell(subscriber, (s) => s.fresh(staleness));
  }, heartbeatMs);
  heartbeat.unref();
  return {
    publish(change) {
      if (count === 0) return;
      const delivery = deliveryOf(change);
      if (delivery === null) return;
      const { eviction, environmentId } = delivery;
      // A change of no tenant (none today but the instance's) reaches every tenant's replicas.
      const targets = change.tenantId === null ? [...byTenant.values()] : [byTenant.get(change.tenantId)];
      for (const subscribers of targets)
        for (const subscriber of subscribers ?? [])
          if (environmentId === undefined || subscriber.environmentId === environmentId)
            tell(subscriber, (s) => s.evict(eviction));
    },
    subscribe(subscriber) {
      let subscribers = byTenant.get(subscriber.tenantId);
      if (subscribers === undefined) {
        subscribers = new Set();
        byTenant.set(subscriber.tenantId, subscribers);
      }
      subscribers.add(subscriber);
      count++;
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        count--;
        subscribers.delete(subscriber);
        if (subscribers.size === 0) byTenant.delete(subscriber.tenantId);
      };
    },
    get subscribers() {
      return count;
    },
    staleness: stalenessMs,
    stop() {
      clearInterval(heartbeat);
      for (const subscribers of [...byTenant.values()])
        for (const subscriber of [...subscribers]) tell(subscriber, (s) => s.end());
    },
  };
}
