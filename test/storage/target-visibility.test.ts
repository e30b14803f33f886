/**
 * Target visibility (SPEC §5) as derived from the entity registry: an id is discoverable only as
 * an entity the registry knows, found, and owned by a tenant the key may see. An id of no entity
 * (an unknown prefix, an audit event's, none at all) fails closed: it is hidden, even from root.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ENTITIES, ENTITY_KINDS, entityOfId } from '../../src/core/entities.js';
import { noGrants } from '../../src/core/grants/compile-grants.js';
import { newId } from '../../src/core/ids.js';
import type { KeyRecord } from '../../src/core/key-record.js';
import { defaultModel } from '../../src/core/model/load-model.js';
import { insertTenant } from '../../src/modules/tenants/tenants.repository.js';
import { targetVisibility, type TargetVisibility } from '../../src/modules/target-visibility.js';
import { freshDatabaseEachTest, testDatabases } from '../support/databases.js';
import { tenantRowWith } from '../support/rows.js';

const NOW = Date.UTC(2026, 0, 1);
const model = defaultModel();

function keyOf(kind: 'root' | 'application', tenantId: string | null): KeyRecord {
  return {
    id: newId('key', NOW),
    tenantId,
    environmentId: null,
    userId: null,
    kind,
    admin: kind === 'root',
    enabled: true,
    revokedAt: null,
    expiresAt: null,
    grants: noGrants(model),
    groupIds: [],
  };
}

describe('the entity registry', () => {
  it('gives every entity its own prefix, and reads the kind back from an id', () => {
    const prefixes = ENTITY_KINDS.map((kind) => ENTITIES[kind].prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const kind of ENTITY_KINDS) expect(entityOfId(newId(kind, NOW))).toBe(kind);
    expect(entityOfId(newId('event', NOW))).toBeUndefined();
    expect(entityOfId('wid_01hx0000000000000000000000')).toBeUndefined();
    expect(entityOfId('noprefix')).toBeUndefined();
  });
});

describe.each(testDatabases())('target visibility on $name', (testDb) => {
  const fresh = freshDatabaseEachTest(testDb);
  let targets: TargetVisibility;
  let tenantId: string;
  beforeEach(async () => {
    const db = fresh().storage.db;
    targets = targetVisibility({ db, model });
    tenantId = newId('tenant', NOW);
    await insertTenant(db, tenantRowWith({ id: tenantId }));
  });

  it('shows an existing tenant to root and to its own keys, and hides it from another tenant', async () => {
    expect(await targets.firstHidden(keyOf('root', null), [tenantId])).toBeNull();
    expect(await targets.firstHidden(keyOf('application', tenantId), [tenantId])).toBeNull();
    expect(await targets.firstHidden(keyOf('application', newId('tenant', NOW)), [tenantId])).toBe(tenantId);
  });

  it('hides an entity that does not exist', async () => {
    const missing = newId('user', NOW);
    expect(await targets.firstHidden(keyOf('root', null), [tenantId, missing])).toBe(missing);
  });

  it('shows a key its own id, found or not', async () => {
    const key = keyOf('application', tenantId);
    expect(await targets.firstHidden(key, [key.id])).toBeNull();
  });

  it('hides an id whose prefix names no entity, even from root (fails closed)', async () => {
    const root = keyOf('root', null);
    for (const id of ['wid_01hx0000000000000000000000', newId('event', NOW), 'noprefix', '_01hx']) {
      expect(await targets.firstHidden(root, [tenantId, id])).toBe(id);
    }
  });
});
