/**
 * What the change hub tells each replica (SPEC §4, replica): a key's change only to the replicas
 * of its environment, a tenant-wide change to all of the tenant's as "drop everything", and a
 * change whose environment the log does not say (a row written before it did) never by name.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Change } from '../storage/change-log.js';
import { createChangeHub, type ChangeHub, type Eviction } from './change-hub.js';

const change = (fields: Partial<Change> & Pick<Change, 'entity' | 'entityId'>): Change => ({
  tenantId: 'ten_a',
  environmentId: null,
  op: 'update',
  ...fields,
});

describe('the change hub', () => {
  let hub: ChangeHub;
  afterEach(() => hub.stop());

  /** A hub with replicas of two environments of tenant a and one of tenant b; what each heard. */
  function replicas(): Record<'prod' | 'qa' | 'other', Eviction[]> {
    hub = createChangeHub(60_000, () => 0);
    const heard = { prod: [] as Eviction[], qa: [] as Eviction[], other: [] as Eviction[] };
    const subscribe = (tenantId: string, environmentId: string, into: Eviction[]) =>
      hub.subscribe({
        tenantId,
        environmentId,
        evict: (e) => into.push(e),
        fresh: () => undefined,
        end: () => undefined,
      });
    subscribe('ten_a', 'env_prod', heard.prod);
    subscribe('ten_a', 'env_qa', heard.qa);
    subscribe('ten_b', 'env_b', heard.other);
    return heard;
  }

  it("tells a key's change to the replicas of its environment only", () => {
    const heard = replicas();
    hub.publish(change({ entity: 'key', entityId: 'key_1', environmentId: 'env_qa' }));
    expect(heard).toEqual({ prod: [], qa: [{ keys: ['key_1'] }], other: [] });
  });

  it("tells an environment's change to its own replicas only, naming nothing", () => {
    const heard = replicas();
    hub.publish(change({ entity: 'environment', entityId: 'env_prod', environmentId: 'env_prod' }));
    expect(heard).toEqual({ prod: [{ all: true }], qa: [], other: [] });
  });

  it('tells a change of the whole tenant (a policy) to its every environment as evicting all', () => {
    const heard = replicas();
    hub.publish(change({ entity: 'policy', entityId: 'pol_1' }));
    expect(heard).toEqual({ prod: [{ all: true }], qa: [{ all: true }], other: [] });
  });

  it("never names a key whose environment the log does not say: its tenant's replicas drop everything", () => {
    const heard = replicas();
    hub.publish(change({ entity: 'key', entityId: 'key_old' }));
    expect(heard).toEqual({ prod: [{ all: true }], qa: [{ all: true }], other: [] });
  });

  it('tells nobody of the root key, which is of no tenant and no replica holds', () => {
    const heard = replicas();
    hub.publish(change({ entity: 'key', entityId: 'key_root', tenantId: null }));
    expect(heard).toEqual({ prod: [], qa: [], other: [] });
  });
});
