/**
 * When a new key expires: `expiresInDays` if given (`null` = never), else the environment's
 * default, else the tenant's; never beyond the maximum in force (environment over tenant).
 */
import { fail, ok, type Result } from '../../core/error-codes.js';
import type { EnvironmentRow } from '../environments/environments.repository.js';
import type { TenantRow } from '../tenants/tenants.repository.js';
import { DAY_MS } from '../../core/clock.js';

export function resolveExpiry(
  requested: number | null | undefined,
  environment: EnvironmentRow,
  tenant: TenantRow,
  now: number,
): Result<{ days: number | null; expiresAt: number | null }> {
  const max = environment.max_key_expiry_days ?? tenant.max_key_expiry_days;
  const days = requested === undefined ? (environment.default_key_expiry_days ?? tenant.default_key_expiry_days) : requested;
  if (max !== null && days === null) {
    return fail('VALIDATION', `expiresInDays is required: keys in this environment expire within maxKeyExpiryDays (${max})`, { field: 'expiresInDays', maxKeyExpiryDays: max });
  }
  if (max !== null && days !== null && days > max) {
    return fail('VALIDATION', `expiresInDays (${days}) exceeds maxKeyExpiryDays (${max})`, { field: 'expiresInDays', maxKeyExpiryDays: max });
  }
  return ok({ days, expiresAt: days === null ? null : now + days * DAY_MS });
}
