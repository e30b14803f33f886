/**
 * Storage contract: each repository gives back exactly the row it was given, with the same JS
 * types on every database: times as numbers (bigint columns), flags as 0/1 numbers, JSON as text.
 */
import { keyRowWith } from '../support/rows.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.js';
import {
  findEnvironment,
  findEnvironmentByName,
  insertEnvironment,
  type EnvironmentRow,
} from '../../src/modules/environments/environments.repository.js';
import { defaultModel } from '../../src/core/model/load-model.js';
import { findKeyById, insertKey, type KeyRow } from '../../src/modules/keys/keys.repository.js';
import { toKeyRecord } from '../../src/modules/keys/key-record-of.js';
import { findKeyWithPoliciesByHash } from '../../src/modules/keys/key-lookup.repository.js';
import {
  findTenant,
  insertTenant,
  updateTenant,
  type TenantRow,
} from '../../src/modules/tenants/tenants.repository.js';
import { findUser, findUserByEmail, insertUser, type UserRow } from '../../src/modules/users/users.repository.js';
import type { Db } from '../../src/storage/database.js';
import { freshDatabaseEachTest, testDatabases } from '../support/databases.js';

// Past 2^31 and 2^32, so a 32-bit integer column or parser would lose it.
const CREATED = Date.UTC(2026, 0, 1, 12, 30, 45, 678);
const UPDATED = CREATED + 1;
const EXPIRES = Date.UTC(2099, 11, 31, 23, 59, 59, 999);

function tenantRow(): TenantRow {
  return {
    id: newId('tenant', CREATED),
    name: 'Acme — Ünïcode ✓',
    tier: 'enterprise',
    mfa_required: true,
    rotation_window_days: 14,
    default_key_expiry_days: 30,
    max_key_expiry_days: 365,
    max_application_key_expiry_days: null,
    mfa_reverify_days: null,
    audit_retention_days: null,
    time_zone: null,
    require_sso: false,
    name_key: 'acme — ünïcode ✓',
    created_at: CREATED,
    updated_at: UPDATED,
  };
}

function environmentRow(tenantId: string): EnvironmentRow {
  return {
    id: newId('environment', CREATED),
    tenant_id: tenantId,
    name: 'production',
    key_prefix: 'acme',
    mfa_required: null,
    rotation_window_days: null,
    default_key_expiry_days: 7,
    max_key_expiry_days: null,
    max_application_key_expiry_days: null,
    mfa_reverify_days: null,
    ip_allowlist: null,
    created_at: CREATED,
    updated_at: UPDATED,
  };
}

function userRow(tenantId: string): UserRow {
  return {
    id: newId('user', CREATED),
    tenant_id: tenantId,
    name: 'Ada',
    email: 'ada@example.com',
    role: 'admin',
    external_id: null,
    created_at: CREATED,
    updated_at: UPDATED,
  };
}

function keyRow(tenantId: string, environmentId: string, userId: string): KeyRow {
  // A revoked, disabled admin user key with grants, a preset, metadata and an expiry.
  return keyRowWith({
    id: newId('key', CREATED),
    tenant_id: tenantId,
    environment_id: environmentId,
    user_id: userId,
    kind: 'user',
    name: 'deploy bot',
    key_hash: 'a'.repeat(64),
    hint: 'wXyZ',
    prefix: 'acme',
    admin: true,
    enabled: false,
    permissions: ['webhooks.manage', 'users.manage'],
    scopes: ['project:res_1:viewer'],
    preset: 'developer',
    metadata: { team: 'ops', nested: { n: 1, ok: true, none: null } },
    expires_at: EXPIRES,
    revoked_at: UPDATED,
    created_at: CREATED,
    updated_at: UPDATED,
  });
}

async function seedTenant(db: Db): Promise<TenantRow> {
  const tenant = tenantRow();
  await insertTenant(db, tenant);
  return tenant;
}

describe.each(testDatabases())('repositories on $name round-trip', (testDb) => {
  const fresh = freshDatabaseEachTest(testDb);
  let db: Db;
  beforeEach(() => {
    db = fresh().storage.db;
  });

  it('a tenant, with times as numbers and flags as 0/1', async () => {
    const tenant = await seedTenant(db);
    const found = await findTenant(db, tenant.id);
    expect(found).toStrictEqual(tenant);
    expect(typeof found?.created_at).toBe('number');
  });

  it('a tenant after an update', async () => {
    const tenant = await seedTenant(db);
    await updateTenant(db, tenant.id, {
      mfa_required: false,
      max_key_expiry_days: null,
      max_application_key_expiry_days: null,
      mfa_reverify_days: null,
      updated_at: EXPIRES,
    });
    expect(await findTenant(db, tenant.id)).toStrictEqual({
      ...tenant,
      mfa_required: false,
      max_key_expiry_days: null,
      max_application_key_expiry_days: null,
      mfa_reverify_days: null,
      updated_at: EXPIRES,
    });
  });

  it('an environment, with its nulls kept as null', async () => {
    const tenant = await seedTenant(db);
    const environment = environmentRow(tenant.id);
    await insertEnvironment(db, environment);
    expect(await findEnvironment(db, environment.id)).toStrictEqual(environment);
    expect(await findEnvironmentByName(db, tenant.id, 'production')).toStrictEqual(environment);
  });

  it('a user', async () => {
    const tenant = await seedTenant(db);
    const user = userRow(tenant.id);
    await insertUser(db, user);
    expect(await findUser(db, user.id)).toStrictEqual(user);
    expect(await findUserByEmail(db, tenant.id, 'ada@example.com')).toStrictEqual(user);
  });

  it('an API key, its values unchanged and its columns stored as before (flags 0/1, lists and objects JSON text)', async () => {
    const tenant = await seedTenant(db);
    const key = keyRow(tenant.id, newId('environment', CREATED), newId('user', CREATED));
    await insertKey(db, key);
    const found = await findKeyById(db, key.id);
    expect(found).toStrictEqual(key);
    expect(typeof found?.expires_at).toBe('number');
    const stored = await db
      .selectFrom('api_keys')
      .select(['admin', 'enabled', 'permissions', 'levels', 'group_ids', 'metadata', 'ratelimits', 'ip_allowlist'])
      .where('id', '=', key.id)
      .executeTakeFirst();
    expect(stored).toStrictEqual({
      admin: 1,
      enabled: 0,
      permissions: '["webhooks.manage","users.manage"]',
      levels: '{}',
      group_ids: '[]',
      metadata: '{"team":"ops","nested":{"n":1,"ok":true,"none":null}}',
      ratelimits: '[]',
      ip_allowlist: null,
    });
  });

  it('an API key into the record the check sees', async () => {
    const tenant = await seedTenant(db);
    const key = keyRow(tenant.id, newId('environment', CREATED), newId('user', CREATED));
    await insertKey(db, key);
    const found = await findKeyWithPoliciesByHash(db, key.key_hash);
    const record = found && toKeyRecord(found, defaultModel());
    expect(record && { ...record, grants: undefined }).toStrictEqual({
      id: key.id,
      tenantId: tenant.id,
      environmentId: key.environment_id,
      userId: key.user_id,
      kind: 'user',
      // Who is calling (issue 29): the name and metadata as stored; the user's externalId comes from the verify lookup's join.
      name: key.name,
      metadata: key.metadata,
      externalId: null,
      admin: true,
      enabled: false,
      revokedAt: UPDATED,
      expiresAt: EXPIRES,
      grants: undefined,
      groupIds: [],
      mfaDueAt: null,
    });
    expect([...(record?.grants.permissions ?? [])].sort()).toEqual([
      'assistant.use',
      'users.manage',
      'webhooks.manage',
    ]);
    expect([...(record?.grants.typeWide.get('webhook') ?? [])]).toContain('delete');
  });

  it('the root key, which has no tenant, environment or user', async () => {
    const root: KeyRow = {
      ...keyRow('', '', ''),
      tenant_id: null,
      environment_id: null,
      user_id: null,
      kind: 'root',
      preset: null,
      expires_at: null,
      revoked_at: null,
    };
    await insertKey(db, root);
    expect(await findKeyById(db, root.id)).toStrictEqual(root);
  });
});
