/**
 * Storage contract: listings page by id, and ids are time-ordered, so every database lists rows
 * in the order they were created, and "the next page" is "ids after the last one shown".
 */
import { environmentRowWith, keyRowWith, tenantRowWith } from '../support/rows.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { newId, type IdKind } from '../../src/core/ids.js';
import { insertEnvironment, listEnvironments } from '../../src/modules/environments/environments.repository.js';
import { insertKey, listKeys, type KeyRow } from '../../src/modules/keys/keys.repository.js';
import { insertTenant, listTenants } from '../../src/modules/tenants/tenants.repository.js';
import { insertUser, listUsers } from '../../src/modules/users/users.repository.js';
import type { Db } from '../../src/storage/database.js';
import { freshDatabaseEachTest, testDatabases } from '../support/databases.js';

// Steps of very different sizes, so consecutive ids differ in different characters.
const STEPS = [1, 31, 1, 1024, 999_999, 86_400_000, 1, 33_554_432];

/** Ids of `kind` made one per clock step, in creation order. */
function idsOverTime(kind: IdKind): string[] {
  const clock = manualClock();
  return STEPS.map((step) => {
    clock.advance(step);
    return newId(kind, clock.now());
  });
}

async function insertTenants(db: Db, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    await insertTenant(db, tenantRowWith({ id, name: id }));
  }
}

/** Tenants made over time, written newest first; their ids in creation order. */
async function tenantsOverTime(db: Db): Promise<string[]> {
  const ids = idsOverTime('tenant');
  await insertTenants(db, [...ids].reverse());
  return ids;
}

async function twoTenants(db: Db): Promise<[string, string]> {
  const ids: [string, string] = [newId('tenant', 1), newId('tenant', 2)];
  await insertTenants(db, ids);
  return ids;
}

function keyRow(id: string, tenantId: string, kind = 'application'): KeyRow {
  return keyRowWith({ id, tenant_id: tenantId, kind, name: id, key_hash: `hash-${id}` });
}

describe.each(testDatabases())('listing on $name', (testDb) => {
  const fresh = freshDatabaseEachTest(testDb);
  let db: Db;
  beforeEach(() => {
    db = fresh().storage.db;
  });

  it('lists tenants in creation order, whatever the order they were written', async () => {
    const created = await tenantsOverTime(db);
    const rows = await listTenants(db, { afterId: null, limit: 100 });
    expect(rows.map((row) => row.id)).toEqual(created);
  });

  it('fetches one row more than the page, to say a next page exists', async () => {
    const created = await tenantsOverTime(db);
    const rows = await listTenants(db, { afterId: null, limit: 3 });
    expect(rows.map((row) => row.id)).toEqual(created.slice(0, 4));
  });

  it('continues after the last id shown, with no row repeated or skipped', async () => {
    const created = await tenantsOverTime(db);
    const seen: string[] = [];
    let afterId: string | null = null;
    for (;;) {
      const page: string[] = (await listTenants(db, { afterId, limit: 3 })).slice(0, 3).map((row) => row.id);
      seen.push(...page);
      if (page.length < 3) break;
      afterId = page[2] ?? null;
    }
    expect(seen).toEqual(created);
  });

  it('lists only the one tenant asked for', async () => {
    const created = await tenantsOverTime(db);
    const rows = await listTenants(db, { onlyId: created[2], afterId: null, limit: 100 });
    expect(rows.map((row) => row.id)).toEqual([created[2]]);
  });

  it('lists the environments of one tenant only, in creation order', async () => {
    const [tenant, other] = await twoTenants(db);
    const ids = idsOverTime('environment');
    const owners = ids.map((_, n) => (n % 2 === 0 ? tenant : other));
    for (let n = ids.length - 1; n >= 0; n--) {
      const id = ids[n] ?? '';
      await insertEnvironment(db, environmentRowWith({ id, tenant_id: owners[n] ?? '', name: id }));
    }
    const rows = await listEnvironments(db, { tenantId: tenant, afterId: null, limit: 100 });
    expect(rows.map((row) => row.id)).toEqual(ids.filter((_, n) => owners[n] === tenant));
  });

  it('lists the users of one tenant only, in creation order', async () => {
    const [tenant, other] = await twoTenants(db);
    const ids = idsOverTime('user');
    const owners = ids.map((_, n) => (n % 2 === 0 ? tenant : other));
    for (let n = ids.length - 1; n >= 0; n--) {
      const id = ids[n] ?? '';
      await insertUser(db, {
        id,
        tenant_id: owners[n] ?? '',
        name: 'u',
        email: `${id}@example.com`,
        role: 'member',
        external_id: null,
        created_at: 0,
        updated_at: 0,
      });
    }
    const rows = await listUsers(db, { tenantId: tenant, afterId: null, limit: 100 });
    expect(rows.map((row) => row.id)).toEqual(ids.filter((_, n) => owners[n] === tenant));
  });

  it('lists keys newest first, or oldest first when asked, and never lists the root key', async () => {
    const [tenant] = await twoTenants(db);
    const ids = idsOverTime('key');
    await insertKey(db, keyRow(newId('key', 0), tenant, 'root'));
    for (const id of [...ids].reverse()) await insertKey(db, keyRow(id, tenant));
    const newest = await listKeys(db, { afterId: null, limit: 100 });
    expect(newest.map((row) => row.id)).toEqual([...ids].reverse());
    const oldest = await listKeys(db, { afterId: null, limit: 100, oldestFirst: true });
    expect(oldest.map((row) => row.id)).toEqual(ids);
  });
});
