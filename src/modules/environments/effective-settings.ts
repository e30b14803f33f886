/**
 * The settings in force, each with where it comes from (issue 23 item 5): an environment's own
 * value overrides its tenant's, which overrides Keyward's default. The same precedence the rules
 * apply (rotation.service.ts, key-expiry.ts), said out loud so the API and console can show it.
 */
import type { EffectiveSettingsObject, SettingSourceName } from '../../api/settings.js';
import { DEFAULT_ROTATION_WINDOW_DAYS } from '../keys/rotation.service.js';
import type { TenantRow } from '../tenants/tenants.repository.js';
import type { EnvironmentRow } from './environments.repository.js';

type Stored = number | null | undefined;

function first<T>(environment: Stored, tenant: Stored, fallback: T): { value: number | T; source: SettingSourceName } {
  if (environment !== null && environment !== undefined) return { value: environment, source: 'environment' };
  if (tenant !== null && tenant !== undefined) return { value: tenant, source: 'tenant' };
  return { value: fallback, source: 'default' };
}

/**
 * MFA: an environment may require it, or say explicitly it does not where its tenant does not;
 * it can never relax a tenant's requirement. A tenant's false is the default left as it is.
 */
function mfaRequired(environment: boolean | null, tenant: boolean): { value: boolean; source: SettingSourceName } {
  if (environment === true) return { value: true, source: 'environment' };
  if (tenant) return { value: true, source: 'tenant' };
  if (environment === false) return { value: false, source: 'environment' };
  return { value: false, source: 'default' };
}

/** In force in `environment` of `tenant`; with no environment, the tenant's (tenant or default). */
export function effectiveSettings(tenant: TenantRow, environment?: EnvironmentRow): EffectiveSettingsObject {
  const own = environment;
  return {
    mfaRequired: mfaRequired(own === undefined ? null : own.mfa_required, tenant.mfa_required),
    mfaReverifyDays: first(own?.mfa_reverify_days, tenant.mfa_reverify_days, null),
    rotationWindowDays: first(own?.rotation_window_days, tenant.rotation_window_days, DEFAULT_ROTATION_WINDOW_DAYS),
    defaultKeyExpiryDays: first(own?.default_key_expiry_days, tenant.default_key_expiry_days, null),
    maxKeyExpiryDays: first(own?.max_key_expiry_days, tenant.max_key_expiry_days, null),
    maxApplicationKeyExpiryDays: first(
      own?.max_application_key_expiry_days,
      tenant.max_application_key_expiry_days,
      null,
    ),
  };
}
