/**
 * The change follower against a real database: a change that commits with a lower sequence than
 * one already seen (PostgreSQL hands out sequence numbers at insert, not at commit) is still
 * applied, because the follower watches the holes it skipped over.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noGrants } from '../../src/core/grants/compile-grants.js';
import type { KeyRecord } from '../../src/core/key-record.js';
import { defaultModel } from '../../src/core/model/load-model.js';
import type { Db } from '../../src/storage/database.js';
import { createKeyCache } from '../../src/verify/key-cache.js';
import { startChangeFollower, type ChangeFollower } from '../../src/verify/change-follower.js';
import { createResourceLookup } from '../../src/verify/resource-lookup.js';
import { createVerifyStore } from '../../src/modules/verify-store/verify-store.js';
import { freshDatabaseEachTest, testDatabases } from '../support/databases.js';

const NOW = Date.UTC(2026, 0, 1);

function record(id: string): KeyRecord {
  return {
    id,
    tenantId: 'ten_a',
    environmentId: 'env_a',
    userId: null,
    kind: 'application',
    admin: false,
    enabled: true,
    revokedAt: null,
    expiresAt: null,
    grants: noGrants(defaultModel()),
    groupIds: [],
  };
}

describe.each(testDatabases())('the change follower on $name', (testDb) => {
  const fresh = freshDatabaseEachTest(testDb);
  let db: Db;
  let follower: ChangeFollower | undefined;
  beforeEach(() => {
    db = fresh().storage.db;
  });
  afterEach(() => {
    follower?.stop();
  });

  const insertAt = (seq: number, entityId: string, entity = 'key') =>
    db
      .insertInto('change_log')
      .values({ seq, entity, entity_id: entityId, tenant_id: 'ten_a', op: 'update', at: NOW } as never)
      .execute();

  it('applies a change that lands in a hole below the last sequence it saw', async () => {
    const keys = createKeyCache({ ttlMs: 60_000, maxEntries: 100 });
    const resources = createResourceLookup({
      store: createVerifyStore(db as never, defaultModel()),
      now: () => NOW,
      ttlMs: 60_000,
      maxEntries: 100,
    });
    await insertAt(1, 'key_seen');
    follower = await startChangeFollower(db as never, { keys, resources }, 60_000, (error) => {
      throw error;
    });
    expect(follower.lastSeq).toBe(1);

    keys.set('hash-late', record('key_late'), NOW, keys.generation());
    // Sequence 3 commits first; 2 was taken by a transaction still open.
    await insertAt(3, 'key_other');
    await follower.catchUp();
    expect(follower.lastSeq).toBe(3);
    expect(follower.watchedGaps).toBe(1);
    expect(keys.get('hash-late', NOW)?.id).toBe('key_late');

    await insertAt(2, 'key_late');
    await follower.catchUp();
    expect(keys.get('hash-late', NOW)).toBeUndefined();
    expect(follower.watchedGaps).toBe(0);
  });

  it('drops every cached key for a change of an entity it does not know (written by a newer version)', async () => {
    const keys = createKeyCache({ ttlMs: 60_000, maxEntries: 100 });
    const resources = createResourceLookup({
      store: createVerifyStore(db as never, defaultModel()),
      now: () => NOW,
      ttlMs: 60_000,
      maxEntries: 100,
    });
    follower = await startChangeFollower(db as never, { keys, resources }, 60_000, (error) => {
      throw error;
    });
    keys.set('hash-a', record('key_a'), NOW, keys.generation());
    // A known change such as a resource's would leave key_a cached; an unknown one may reach anything.
    await insertAt(1, 'wid_1', 'widget');
    await follower.catchUp();
    expect(follower.lastSeq).toBe(1);
    expect(keys.get('hash-a', NOW)).toBeUndefined();
  });
});
