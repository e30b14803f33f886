/**
 * Settings as the pages read them: an environment's own value, else its tenant's. Fields that
 * another part of the API may add later (`maxApplicationKeyExpiryDays`) are read by name, so
 * a server that lacks them simply has none set.
 */
import type { EnvironmentObject, TenantObject } from './api';
import type { ExpiryRules } from './wizard-steps';

export function numberSetting(source: object | null | undefined, name: string): number | null {
  if (source === null || source === undefined) return null;
  const value: unknown = Reflect.get(source, name);
  return typeof value === 'number' ? value : null;
}

/** The setting in force in an environment, and whether it comes from the tenant. */
export function inherited(
  environment: EnvironmentObject | null | undefined,
  tenant: TenantObject | null | undefined,
  name: string,
): { value: number | null; fromTenant: boolean } {
  const own = numberSetting(environment, name);
  if (own !== null) return { value: own, fromTenant: false };
  return { value: numberSetting(tenant, name), fromTenant: true };
}

const SOURCE_WORDS = { environment: 'this environment', tenant: 'the tenant', default: 'default' } as const;

/**
 * What the server says is in force for a day-count setting, and from where: "7 days (default)",
 * "none (the tenant)". Null when the server does not say (an older one).
 */
export function inForceText(
  holder: EnvironmentObject | TenantObject | null | undefined,
  name: string,
  none = 'none',
): string | null {
  const effective: unknown = holder?.effective === undefined ? undefined : Reflect.get(holder.effective, name);
  if (typeof effective !== 'object' || effective === null) return null;
  const { value, source } = effective as { value: unknown; source: keyof typeof SOURCE_WORDS };
  const shown =
    typeof value === 'number'
      ? `${value} day${value === 1 ? '' : 's'}`
      : typeof value === 'boolean'
        ? value
          ? 'yes'
          : 'no'
        : none;
  return `In force: ${shown} (${SOURCE_WORDS[source] ?? source}).`;
}

export function expiryRulesFor(
  kind: 'application' | 'user',
  environment: EnvironmentObject | null | undefined,
  tenant: TenantObject | null | undefined,
): ExpiryRules {
  const maxName = kind === 'application' ? 'maxApplicationKeyExpiryDays' : 'maxKeyExpiryDays';
  if (tenant === null || tenant === undefined) return { defaultDays: null, maxDays: null, known: false };
  return {
    defaultDays: inherited(environment, tenant, 'defaultKeyExpiryDays').value,
    maxDays: inherited(environment, tenant, maxName).value,
    known: true,
  };
}
