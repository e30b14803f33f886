/**
 * Storage contract: the database itself refuses a second environment name or user email in a
 * tenant and a second key hash, and `isUniqueViolation` recognises the refusal on every driver
 * (it is how a race between two creates becomes a 409).
 */
import { environmentRowWith, keyRowWith, tenantRowWith } from '../support/rows.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.js';
import { insertEnvironment, type EnvironmentRow } from '../../src/modules/environments/environments.repository.js';
import { insertKey, type KeyRow } from '../../src/modules/keys/keys.repository.js';
import { insertTenant } from '../../src/modules/tenants/tenants.repository.js';
import { insertUser, type UserRow } from '../../src/modules/users/users.repository.js';
import type { Db } from '../../src/storage/database.js';
import { isUniqueViolation } from '../../src/storage/dialect.js';
import { testDatabases, type IsolatedDatabase } from '../support/databases.js';

const NOW = Date.UTC(2026, 0, 1);

async function aTenant(db: Db): Promise<string> {
  const id = newId('tenant', NOW);
  await insertTenant(db, tenantRowWith({ id, created_at: NOW, updated_at: NOW }));
  return id;
}

function environment(tenantId: string, name: string): EnvironmentRow {
  return environmentRowWith({
    id: newId('environment', NOW),
    tenant_id: tenantId,
    name,
    created_at: NOW,
    updated_at: NOW,
  });
}

function user(tenantId: string, email: string): UserRow {
  return {
    id: newId('user', NOW),
    tenant_id: tenantId,
    name: 'Ada',
    email,
    role: 'member',
    external_id: null,
    created_at: NOW,
    updated_at: NOW,
  };
}

function key(tenantId: string, keyHash: string): KeyRow {
  return keyRowWith({
    id: newId('key', NOW),
    tenant_id: tenantId,
    key_hash: keyHash,
    created_at: NOW,
    updated_at: NOW,
  });
}

/** The error `write` fails with; fails the test if it succeeds. */
async function errorOf(write: Promise<unknown>): Promise<unknown> {
  try {
    await write;
  } catch (error) {
    return error;
  }
  throw new Error('expected the write to be refused');
}

describe.each(testDatabases())('unique constraints on $name', (testDb) => {
  let database: IsolatedDatabase;
  let db: Db;
  let tenantId: string;

  beforeEach(async () => {
    database = await testDb.open();
    db = database.storage.db;
    tenantId = await aTenant(db);
  });
  afterEach(async () => {
    await database.cleanup();
  });

  it('refuse a second environment of the same name in a tenant, as a unique violation', async () => {
    await insertEnvironment(db, environment(tenantId, 'production'));
    expect(isUniqueViolation(await errorOf(insertEnvironment(db, environment(tenantId, 'production'))))).toBe(true);
  });

  it('allow the same environment name in another tenant', async () => {
    const otherTenantId = await aTenant(db);
    await insertEnvironment(db, environment(tenantId, 'production'));
    await expect(insertEnvironment(db, environment(otherTenantId, 'production'))).resolves.toBeUndefined();
  });

  it('refuse a second user with the same email in a tenant, as a unique violation', async () => {
    await insertUser(db, user(tenantId, 'ada@example.com'));
    expect(isUniqueViolation(await errorOf(insertUser(db, user(tenantId, 'ada@example.com'))))).toBe(true);
  });

  it('allow the same user email in another tenant', async () => {
    const otherTenantId = await aTenant(db);
    await insertUser(db, user(tenantId, 'ada@example.com'));
    await expect(insertUser(db, user(otherTenantId, 'ada@example.com'))).resolves.toBeUndefined();
  });

  it('refuse a second key with the same hash, even in another tenant, as a unique violation', async () => {
    const otherTenantId = await aTenant(db);
    await insertKey(db, key(tenantId, 'f'.repeat(64)));
    expect(isUniqueViolation(await errorOf(insertKey(db, key(otherTenantId, 'f'.repeat(64)))))).toBe(true);
  });

  it('refuse a second row with the same id, as a unique violation', async () => {
    const row = environment(tenantId, 'production');
    await insertEnvironment(db, row);
    expect(isUniqueViolation(await errorOf(insertEnvironment(db, { ...row, name: 'staging' })))).toBe(true);
  });

  it('do not mistake a foreign-key violation for a unique one', async () => {
    const orphan = environment(newId('tenant', NOW), 'production');
    expect(isUniqueViolation(await errorOf(insertEnvironment(db, orphan)))).toBe(false);
  });

  it('do not mistake a missing required value for a unique violation', async () => {
    const missingName = { ...user(tenantId, 'x@example.com'), name: null } as unknown as UserRow;
    expect(isUniqueViolation(await errorOf(insertUser(db, missingName)))).toBe(false);
  });
});

describe('isUniqueViolation', () => {
  it('is false for anything that is not a driver error', () => {
    for (const value of [
      undefined,
      null,
      'SQLITE_CONSTRAINT_UNIQUE',
      23505,
      new Error('duplicate key'),
      { code: 23505 },
    ]) {
      expect(isUniqueViolation(value)).toBe(false);
    }
  });
});
