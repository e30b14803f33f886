/**
 * What `authConfig.manage` may do to an environment's auth settings without `tenant.manage`:
 * only tighten them (SPEC §2). Never clear or widen the IP allowlist (the new list must admit no
 * address the old one did not), switch MFA off, raise or remove `mfaReverifyDays`, or raise or
 * remove an expiry setting (the maxima, the default expiry, the post-expiry rotation window).
 *
 * Judged on the values in force (the environment's, else the tenant's, else the built-in
 * default) before and after the change, so inheriting a looser tenant value by setting null, or
 * overriding the tenant with a looser value of one's own, is a relaxation as well.
 */
import { fail, ok, type Result } from '../../core/error-codes.js';
import { compileAllowlist } from '../../core/ip-allowlist.js';
import { coversAll } from '../../core/ip-allowlist-subset.js';
import { DEFAULT_ROTATION_WINDOW_DAYS } from '../keys/rotation.service.js';
import type { TenantRow } from '../tenants/tenants.repository.js';
import type { EnvironmentRow } from './environments.repository.js';

/** The auth settings in force in an environment. A null day count is "no limit": the loosest. */
export interface AuthSettingsInForce {
  readonly mfaRequired: boolean;
  readonly mfaReverifyDays: number | null;
  readonly rotationWindowDays: number;
  readonly defaultKeyExpiryDays: number | null;
  readonly maxKeyExpiryDays: number | null;
  readonly maxApplicationKeyExpiryDays: number | null;
  /** Null: any address. */
  readonly ipAllowlist: readonly string[] | null;
}

export function authSettingsInForce(environment: EnvironmentRow, tenant: TenantRow): AuthSettingsInForce {
  return {
    mfaRequired: environment.mfa_required ?? tenant.mfa_required,
    mfaReverifyDays: environment.mfa_reverify_days ?? tenant.mfa_reverify_days,
    rotationWindowDays: environment.rotation_window_days ?? tenant.rotation_window_days ?? DEFAULT_ROTATION_WINDOW_DAYS,
    defaultKeyExpiryDays: environment.default_key_expiry_days ?? tenant.default_key_expiry_days,
    maxKeyExpiryDays: environment.max_key_expiry_days ?? tenant.max_key_expiry_days,
    maxApplicationKeyExpiryDays: environment.max_application_key_expiry_days ?? tenant.max_application_key_expiry_days,
    ipAllowlist: environment.ip_allowlist,
  };
}

type DayField =
  | 'mfaReverifyDays'
  | 'rotationWindowDays'
  | 'defaultKeyExpiryDays'
  | 'maxKeyExpiryDays'
  | 'maxApplicationKeyExpiryDays';

/** Why a longer (or no) value of each day count relaxes what the tenant set. */
const LONGER_MEANS: Readonly<Record<DayField, string>> = {
  mfaReverifyDays: "a user key's user goes longer without passing MFA",
  rotationWindowDays: 'an expired key may rotate itself back to life for longer',
  defaultKeyExpiryDays: 'new keys live longer by default',
  maxKeyExpiryDays: 'user keys may live longer',
  maxApplicationKeyExpiryDays: 'application keys may live longer',
};

function relaxed(field: keyof AuthSettingsInForce, why: string): Result<void> {
  return fail(
    'FORBIDDEN',
    `authConfig.manage may only tighten the auth settings: ${field} ${why}, which needs tenant.manage`,
    { field, needed: 'tenant.manage' },
  );
}

function longer(before: number | null, after: number | null): boolean {
  if (after === null) return before !== null;
  return before !== null && after > before;
}

/** Ok when `after` is at least as strict as `before` in every setting; else 403 naming the first that is not. */
export function checkOnlyTightens(before: AuthSettingsInForce, after: AuthSettingsInForce): Result<void> {
  if (before.mfaRequired && !after.mfaRequired) return relaxed('mfaRequired', 'would switch MFA off');
  for (const field of Object.keys(LONGER_MEANS) as DayField[]) {
    const [from, to] = [before[field], after[field]];
    if (longer(from, to)) return relaxed(field, `would go from ${from} to ${to ?? 'none'}: ${LONGER_MEANS[field]}`);
  }
  const [from, to] = [compileAllowlist(before.ipAllowlist), compileAllowlist(after.ipAllowlist)];
  if (from !== undefined && to === undefined)
    return relaxed('ipAllowlist', 'would be cleared, letting every address in');
  if (from !== undefined && to !== undefined && !coversAll(from, to)) {
    return relaxed('ipAllowlist', 'would admit addresses the current list does not (a list may only be narrowed)');
  }
  return ok(undefined);
}
