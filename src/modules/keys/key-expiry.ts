/**
 * When a new key expires: `expiresInDays` if given (`null` = never), else the environment's
 * default, else the tenant's; never beyond the maximum in force (environment over tenant):
 * `maxKeyExpiryDays` for user keys, `maxApplicationKeyExpiryDays` for application keys, so a
 * deployment is not made to expire by a rule meant for people (seed 002).
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
  kind: string,
): Result<{ days: number | null; expiresAt: number | null }> {
  const application = kind === 'application';
  const max = application
    ? (environment.max_application_key_expiry_days ?? tenant.max_application_key_expiry_days)
    : (environment.max_key_expiry_days ?? tenant.max_key_expiry_days);
  const setting = application ? 'maxApplicationKeyExpiryDays' : 'maxKeyExpiryDays';
  const days =
    requested === undefined ? (environment.default_key_expiry_days ?? tenant.default_key_expiry_days) : requested;
  if (max !== null && days === null) {
    return fail(
      'VALIDATION',
      `expiresInDays is required: ${kind} keys in this environment expire within ${setting} (${max})`,
      { field: 'expiresInDays', [setting]: max },
    );
  }
  if (max !== null && days !== null && days > max) {
    return fail('VALIDATION', `expiresInDays (${days}) exceeds ${setting} (${max})`, {
      field: 'expiresInDays',
      [setting]: max,
    });
  }
  return ok({ days, expiresAt: days === null ? null : now + days * DAY_MS });
}
