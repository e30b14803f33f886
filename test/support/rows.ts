/** Valid rows for storage tests, each with nothing set but what `overrides` gives. */
import { BLANK_KEY_COLUMNS } from '../../src/modules/keys/blank-key.js';
import type { EnvironmentRow } from '../../src/modules/environments/environments.repository.js';
import type { KeyRow } from '../../src/modules/keys/keys.repository.js';
import type { TenantRow } from '../../src/modules/tenants/tenants.repository.js';

/** An application key with no grants. */
export function keyRowWith(overrides: Partial<KeyRow> & Pick<KeyRow, 'id' | 'key_hash'>): KeyRow {
  return {
    tenant_id: null,
    environment_id: null,
    user_id: null,
    kind: 'application',
    name: 'k',
    hint: 'abcd',
    prefix: 'kw',
    admin: false,
    enabled: true,
    ...BLANK_KEY_COLUMNS,
    created_at: 0,
    updated_at: 0,
    ...overrides,
  };
}

/** A tenant on the free tier with every setting inherited (null). */
export function tenantRowWith(overrides: Partial<TenantRow> & Pick<TenantRow, 'id'>): TenantRow {
  return {
    name: 'acme',
    tier: 'free',
    mfa_required: false,
    rotation_window_days: null,
    default_key_expiry_days: null,
    max_key_expiry_days: null,
    max_application_key_expiry_days: null,
    mfa_reverify_days: null,
    audit_retention_days: null,
    time_zone: null,
    require_sso: false,
    // Unique when set: rows made here do not claim their name (migration 0024).
    name_key: null,
    created_at: 0,
    updated_at: 0,
    ...overrides,
  };
}

/** An environment with the `kw` prefix and every setting inherited from its tenant (null). */
export function environmentRowWith(
  overrides: Partial<EnvironmentRow> & Pick<EnvironmentRow, 'id' | 'tenant_id'>,
): EnvironmentRow {
  return {
    name: 'prod',
    key_prefix: 'kw',
    mfa_required: null,
    rotation_window_days: null,
    default_key_expiry_days: null,
    max_key_expiry_days: null,
    max_application_key_expiry_days: null,
    mfa_reverify_days: null,
    ip_allowlist: null,
    created_at: 0,
    updated_at: 0,
    ...overrides,
  };
}
