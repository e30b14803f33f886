/** A valid api_keys row for storage tests: an application key with no grants, changed by `overrides`. */
import type { KeyRow } from '../../src/modules/keys/keys.repository.js';

export function keyRowWith(overrides: Partial<KeyRow> & Pick<KeyRow, 'id' | 'key_hash'>): KeyRow {
  return {
    tenant_id: null,
    environment_id: null,
    user_id: null,
    kind: 'application',
    name: 'k',
    hint: 'abcd',
    prefix: 'kw',
    admin: 0,
    enabled: 1,
    permissions: '[]',
    scopes: '[]',
    levels: '{}',
    group_ids: '[]',
    ratelimits: '[]',
    expiry_days: null,
    previous_key_hash: null,
    previous_valid_until: null,
    rotated_at: null,
    preset: null,
    metadata: '{}',
    ip_allowlist: null,
    credits_remaining: null,
    credits_refill_amount: null,
    credits_refill_interval: null,
    credits_period: null,
    expires_at: null,
    revoked_at: null,
    created_by_key_id: null,
    created_at: 0,
    updated_at: 0,
    ...overrides,
  };
}
