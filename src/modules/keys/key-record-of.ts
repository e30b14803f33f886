/**
 * A stored key as the check and the verify cache see it (`KeyRecord`): no hash, its grants and
 * its policies' compiled once through the model, its limits, allowlists and credits in the shape
 * the verify path reads without parsing anything again.
 */
import type { KeyKind, KeyRecord } from '../../core/key-record.js';
import { bucketsOf } from '../ratelimits/ratelimit-columns.js';
import { compileGrants } from '../../core/grants/compile-grants.js';
import { sharedGrants } from '../../core/grants/shared-grants.js';
import { grantSourceOf } from '../../core/grants/grant-set.js';
import type { AuthModel } from '../../core/model/model.js';
import { grantSetOf } from './key-grants.js';
import { DAY_MS } from '../../core/clock.js';
import { compileAllowlist, type IpAllowlist } from '../../core/ip-allowlist.js';
import type { KeyWithPolicies, MfaReverify } from './key-lookup.repository.js';
import type { KeyRow } from './keys.repository.js';

/** A record being built: its fields written once, before it is handed out. */
type Building = { -readonly [Field in keyof KeyRecord]: KeyRecord[Field] };

/**
 * The kind as the one string of each: a row read brings its own copy, which each cached key
 * kept (32 bytes of heap a key, issue 27).
 */
function kindOf(kind: string): KeyKind {
  if (kind === 'application') return 'application';
  if (kind === 'user') return 'user';
  return kind === 'root' ? 'root' : (kind as KeyKind);
}

/**
 * A user key must pass MFA again `days` after its user last did; a user who never passed one is
 * due at once (seed 002: "periodically complete MFA to keep access").
 */
function mfaDueAt(row: KeyRow, mfa: MfaReverify): number | null {
  if (row.kind !== 'user' || mfa.days === null) return null;
  return (mfa.passedAt ?? 0) + mfa.days * DAY_MS;
}

const NO_GROUPS: readonly string[] = Object.freeze([]);
const NO_METADATA: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Tenant and environment ids as one string per id: every row read brings its own copies, and
 * the thousands of cached keys of one environment would each hold two. Forgotten wholesale past
 * a bound, so a node serving many tenants keeps no more than that.
 */
const placeIds = new Map<string, string>();
function sharedId(id: string): string;
function sharedId(id: string | null): string | null;
function sharedId(id: string | null): string | null {
  if (id === null) return null;
  const known = placeIds.get(id);
  if (known !== undefined) return known;
  if (placeIds.size >= 10_000) placeIds.clear();
  placeIds.set(id, id);
  return id;
}

function creditsOf(row: KeyRow, timeZone: string | null): KeyRecord['credits'] {
  if (row.credits_remaining === null) return undefined;
  const refill =
    row.credits_refill_amount === null
      ? null
      : {
          amount: Number(row.credits_refill_amount),
          interval: row.credits_refill_interval === 'month' ? ('month' as const) : ('day' as const),
        };
  return { refill, timeZone: timeZone ?? 'UTC' };
}

/** The lists that apply to a key, or undefined when none does. */
function ipAllowlistsOf(row: KeyRow, environmentIpAllowlist: readonly string[] | null): IpAllowlist[] | undefined {
  const lists = [compileAllowlist(row.ip_allowlist), compileAllowlist(environmentIpAllowlist)].filter(
    (list): list is IpAllowlist => list !== undefined,
  );
  return lists.length === 0 ? undefined : lists;
}

/** Whether `value` has no own keys, without listing them. */
function isEmpty(value: Readonly<Record<string, unknown>>): boolean {
  for (const _ in value) return false;
  return true;
}

/**
 * The row as the check sees it: no hash; its direct grants and its policies' compiled once
 * through the model. Tenant-scoped permissions count only on admin keys, wherever they come from.
 */
export function toKeyRecord(found: KeyWithPolicies, model: AuthModel): KeyRecord {
  const { row, policies, mfa, policyLimits, environmentIpAllowlist, timeZone, userExternalId } = found;
  const { admin } = row;
  const compile = () => {
    const sources = [grantSetOf(row), ...policies].map((grants) => {
      const source = grantSourceOf(model, grants);
      return admin
        ? source
        : { ...source, permissions: source.permissions.filter((id) => model.permissions.get(id)?.adminOnly !== true) };
    });
    return compileGrants(model, sources);
  };
  // Everything the compiled grants depend on: the admin flag, the key's own grants (as stored), its policies'.
  const signature = [
    admin ? '1' : '0',
    found.grantsKey,
    row.preset ?? '',
    policies.length === 0 ? '' : JSON.stringify(policies),
  ].join('\u0000');
  const record: Building = {
    id: row.id,
    tenantId: sharedId(row.tenant_id),
    environmentId: sharedId(row.environment_id),
    userId: row.user_id,
    kind: kindOf(row.kind),
    // Who is calling (issue 29): answered by every verify of the record.
    name: row.name,
    // No metadata and no groups, the common case, are one shared value each, not one a cached key.
    metadata: isEmpty(row.metadata) ? NO_METADATA : row.metadata,
    externalId: userExternalId,
    admin,
    enabled: row.enabled,
    revokedAt: row.revoked_at,
    expiresAt: row.expires_at,
    grants: sharedGrants(model, signature, compile),
    groupIds: row.group_ids.length === 0 ? NO_GROUPS : row.group_ids,
    mfaDueAt: mfaDueAt(row, mfa),
  };
  // The usage controls are set only where the key has them, so the common key checks none. Set
  // here rather than spread into the literal: each spread left an unused slot in every record,
  // 24 bytes of each cached key (issue 27).
  const buckets = [...bucketsOf('key', row.id, row.ratelimits), ...policyLimits];
  if (buckets.length > 0) record.ratelimits = buckets;
  const ipAllowlists = ipAllowlistsOf(row, environmentIpAllowlist);
  if (ipAllowlists !== undefined) record.ipAllowlists = ipAllowlists;
  const credits = creditsOf(row, timeZone);
  if (credits !== undefined) record.credits = credits;
  return record;
}
