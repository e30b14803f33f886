import { describe, expect, it } from 'vitest';
import { compileGrants } from './grants/compile-grants.js';
import { holdsPermission, keyVerdict, type KeyRecord } from './key-record.js';
import { defaultModel } from './model/load-model.js';

const NOW = Date.UTC(2026, 0, 1);

function withPermissions(...permissions: string[]): KeyRecord['grants'] {
  return compileGrants(defaultModel(), [{ permissions, scopes: [] }]);
}

function aKey(overrides: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id: 'key_01aaaaaaaaaaaaaaaaaaaaaaaa',
    tenantId: 'ten_01aaaaaaaaaaaaaaaaaaaaaaaa',
    environmentId: 'env_01aaaaaaaaaaaaaaaaaaaaaaaa',
    userId: null,
    kind: 'application',
    admin: false,
    enabled: true,
    revokedAt: null,
    expiresAt: null,
    grants: withPermissions(),
    groupIds: [],
    ...overrides,
  };
}

describe('keyVerdict', () => {
  it('is VALID for an enabled, unrevoked key that never expires', () => {
    expect(keyVerdict(aKey(), NOW)).toBe('VALID');
  });

  it('is REVOKED for a revoked key, even one also disabled and expired', () => {
    expect(keyVerdict(aKey({ revokedAt: NOW - 1, enabled: false, expiresAt: NOW - 1 }), NOW)).toBe('REVOKED');
  });

  it('is DISABLED for a disabled key, even one also expired', () => {
    expect(keyVerdict(aKey({ enabled: false, expiresAt: NOW - 1 }), NOW)).toBe('DISABLED');
  });

  it('is EXPIRED for an enabled, unrevoked key past its expiry', () => {
    expect(keyVerdict(aKey({ expiresAt: NOW - 1 }), NOW)).toBe('EXPIRED');
  });

  it('is VALID 1 ms before the expiry time', () => {
    expect(keyVerdict(aKey({ expiresAt: NOW }), NOW - 1)).toBe('VALID');
  });

  it('is EXPIRED at the expiry time exactly, and after it', () => {
    expect(keyVerdict(aKey({ expiresAt: NOW }), NOW)).toBe('EXPIRED');
    expect(keyVerdict(aKey({ expiresAt: NOW }), NOW + 1)).toBe('EXPIRED');
  });
});

describe('holdsPermission', () => {
  it('holds assistant.use with no permissions at all', () => {
    expect(holdsPermission(aKey(), 'assistant.use')).toBe(true);
  });

  it('holds a permission the key was granted', () => {
    expect(holdsPermission(aKey({ grants: withPermissions('webhooks.manage') }), 'webhooks.manage')).toBe(true);
  });

  it('does not hold a permission the key was not granted', () => {
    expect(holdsPermission(aKey({ grants: withPermissions('webhooks.manage') }), 'users.manage')).toBe(false);
  });

  it('does not treat admin as holding every permission', () => {
    expect(holdsPermission(aKey({ admin: true }), 'users.manage')).toBe(false);
  });

  it('lets the root key hold everything', () => {
    const root = aKey({ kind: 'root', tenantId: null, environmentId: null, admin: true });
    for (const permission of ['users.manage', 'tenant.manage', 'secrets.manage', 'anything.else']) {
      expect(holdsPermission(root, permission)).toBe(true);
    }
  });
});
