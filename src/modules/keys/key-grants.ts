/**
 * A key's direct grants: how they are stored in its row, and the rules a new set must meet —
 * known to the model, tenant-scoped permissions only on admin keys, and nothing the caller does
 * not hold itself (no escalation, SPEC §3).
 */
import { ok, type Result } from '../../core/error-codes.js';
import { resolveGrantInput, type GrantInput, type GrantSet } from '../../core/grants/grant-set.js';
import type { KeyRecord } from '../../core/key-record.js';
import { refuseExcess, type EscalationDeps, type HandedOut } from '../escalation.js';
import type { Selectable } from 'kysely';
import type { ApiKeysTable } from '../../storage/database.js';
import { stringList, stringMap } from '../../storage/column-codec.js';

/** A key row's grant columns (typed from the table, not from keys.repository.ts, which imports this file). */
type GrantColumns = Pick<Selectable<ApiKeysTable>, 'permissions' | 'scopes' | 'levels' | 'preset'>;

/** The grants of a key's row (`api_keys`) or a policy's (`policies`), checked. */
export function grantSetOf(row: GrantColumns, table: 'api_keys' | 'policies' = 'api_keys'): GrantSet {
  return {
    permissions: stringList.decode(row.permissions, `${table}.permissions`),
    scopes: stringList.decode(row.scopes, `${table}.scopes`),
    levels: stringMap.decode(row.levels, `${table}.levels`),
    preset: row.preset,
  };
}

export function grantColumns(grants: GrantSet): GrantColumns {
  return {
    permissions: stringList.encode(grants.permissions),
    scopes: stringList.encode(grants.scopes),
    levels: stringMap.encode(grants.levels),
    preset: grants.preset,
  };
}

/**
 * Validates the grants a caller gives a key, directly and through the policies it links, and
 * refuses (403 naming it) any excess over the caller's own.
 */
export async function resolveKeyGrants(
  deps: EscalationDeps,
  caller: KeyRecord,
  tenantId: string,
  input: GrantInput,
  admin: boolean,
  policies: readonly HandedOut[] = [],
): Promise<Result<GrantSet>> {
  const grants = resolveGrantInput(deps.model, input, { admin });
  if (!grants.ok) return grants;
  const excess = await refuseExcess(deps, caller, tenantId, [{ label: null, grants: grants.value }, ...policies]);
  return excess.ok ? ok(grants.value) : excess;
}
