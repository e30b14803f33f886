/**
 * A key's direct grants: how they are stored in its row, and the rules a new set must meet —
 * known to the model, tenant-scoped permissions only on admin keys, and nothing the caller does
 * not hold itself (no escalation, SPEC §3).
 */
import { fail, ok, type Result } from '../../core/error-codes.js';
import { excessGrants } from '../../core/grants/coverage.js';
import { grantSourceOf, resolveGrantInput, type GrantInput, type GrantSet } from '../../core/grants/grant-set.js';
import { isRoot, type KeyRecord } from '../../core/key-record.js';
import type { AuthModel } from '../../core/model/model.js';
import type { KeyRow } from './keys.repository.js';

export function grantSetOf(row: Pick<KeyRow, 'permissions' | 'scopes' | 'levels' | 'preset'>): GrantSet {
  return {
    permissions: JSON.parse(row.permissions) as string[],
    scopes: JSON.parse(row.scopes) as string[],
    levels: JSON.parse(row.levels) as Record<string, string>,
    preset: row.preset,
  };
}

export function grantColumns(grants: GrantSet): Pick<KeyRow, 'permissions' | 'scopes' | 'levels' | 'preset'> {
  return {
    permissions: JSON.stringify(grants.permissions),
    scopes: JSON.stringify(grants.scopes),
    levels: JSON.stringify(grants.levels),
    preset: grants.preset,
  };
}

/** Validates the grants a caller gives a key and refuses, 403 naming it, any excess over its own. */
export function resolveKeyGrants(model: AuthModel, caller: KeyRecord, input: GrantInput, admin: boolean): Result<GrantSet> {
  const grants = resolveGrantInput(model, input, { admin });
  if (!grants.ok || isRoot(caller)) return grants;
  const excess = excessGrants(model, caller.grants, grantSourceOf(model, grants.value));
  if (excess.length > 0) return fail('FORBIDDEN', `cannot grant what the calling key does not hold: ${excess.join(', ')}`, { excess });
  return ok(grants.value);
}
