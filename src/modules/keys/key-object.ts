/** A key row as the API shows it: never the hash, only the hint. */
import type { KeyObject } from '../../api/keys.js';
import type { KeyKind } from '../../core/key-record.js';
import { iso } from '../scope.js';
import { grantSetOf } from './key-grants.js';
import type { KeyRow } from './keys.repository.js';

export function keyStatus(row: KeyRow, now: number): KeyObject['status'] {
  if (row.revoked_at !== null) return 'revoked';
  if (!row.enabled) return 'disabled';
  if (row.expires_at !== null && now >= row.expires_at) return 'expired';
  return 'active';
}

function shownGrants(row: KeyRow): Pick<KeyObject, 'permissions' | 'scopes' | 'levels' | 'preset'> {
  const grants = grantSetOf(row);
  return {
    permissions: [...grants.permissions],
    scopes: [...grants.scopes],
    levels: { ...grants.levels },
    preset: grants.preset,
  };
}

function shownCredits(row: KeyRow): KeyObject['credits'] {
  if (row.credits_remaining === null) return null;
  const refill =
    row.credits_refill_amount === null
      ? null
      : { amount: Number(row.credits_refill_amount), interval: row.credits_refill_interval as 'day' | 'month' };
  return { remaining: Number(row.credits_remaining), refill };
}

/** `lastUsedAt`: the key's last verify, stored or pending on this node (see usage.service lastUsedAtOf). */
export function toKeyObject(
  row: KeyRow,
  now: number,
  policyIds: readonly string[] = [],
  lastUsedAt: number | null = null,
): KeyObject {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    environmentId: row.environment_id,
    userId: row.user_id,
    kind: row.kind as KeyKind,
    name: row.name,
    admin: row.admin,
    enabled: row.enabled,
    status: keyStatus(row, now),
    prefix: row.prefix,
    hint: row.hint,
    ...shownGrants(row),
    policyIds: [...policyIds],
    groupIds: [...row.group_ids],
    metadata: row.metadata,
    ratelimits: row.ratelimits.map((limit) => ({ ...limit })),
    credits: shownCredits(row),
    ipAllowlist: row.ip_allowlist === null ? null : [...row.ip_allowlist],
    expiresAt: iso(row.expires_at),
    revokedAt: iso(row.revoked_at),
    lastUsedAt: iso(lastUsedAt),
    // Shown only while both secrets work: past its grace the old one is unknown, whatever the row keeps.
    previousSecretValidUntil:
      row.previous_valid_until !== null && now < row.previous_valid_until && row.revoked_at === null
        ? iso(row.previous_valid_until)
        : null,
    createdByKeyId: row.created_by_key_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
