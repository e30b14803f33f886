/**
 * Migration 0024 (issue 26): tenants named alike before names were unique do not stop the
 * upgrade. The oldest of each name keeps it; the others stay as they are, readable and
 * changeable, and no new tenant can take any of those names.
 */
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertTenant } from '../../src/modules/tenants/tenants.repository.js';
import * as tenantNames from '../../src/storage/migrations/0024-tenant-names.js';
import { isUniqueViolation } from '../../src/storage/dialect.js';
import { testDatabases, type IsolatedDatabase } from '../support/databases.js';
import { tenantRowWith } from '../support/rows.js';

describe.each(testDatabases())('the tenant names migration on $name', (testDb) => {
  let database: IsolatedDatabase;
  beforeEach(async () => {
    database = await testDb.open();
  });
  afterEach(async () => {
    await database.cleanup();
  });

  it('keeps tenants already named alike, the oldest holding the name', async () => {
    const db = database.storage.db;
    const migrationDb = database.storage.migrationDb as unknown as Kysely<unknown>;
    await tenantNames.down(migrationDb);
    // Rows as stored before 0024: no name_key column yet, flags as 0/1.
    const old = (id: string, name: string, created_at: number) => ({
      id,
      name,
      tier: 'free',
      mfa_required: 0,
      require_sso: 0,
      created_at,
      updated_at: created_at,
    });
    await (migrationDb as Kysely<{ tenants: ReturnType<typeof old> }>)
      .insertInto('tenants')
      .values([old('ten_b', 'acme', 2), old('ten_a', 'Acme', 1), old('ten_c', 'ACME ', 3), old('ten_d', 'Globex', 4)])
      .execute();

    await tenantNames.up(migrationDb);

    const rows = await db.selectFrom('tenants').select(['id', 'name', 'name_key']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'ten_a', name: 'Acme', name_key: 'acme' },
      { id: 'ten_b', name: 'acme', name_key: null },
      { id: 'ten_c', name: 'ACME ', name_key: null },
      { id: 'ten_d', name: 'Globex', name_key: 'globex' },
    ]);
    const again = insertTenant(db, tenantRowWith({ id: 'ten_e', name: 'aCmE', name_key: 'acme' }));
    await expect(again).rejects.toSatisfy(isUniqueViolation);
  });
});
