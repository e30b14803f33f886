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

/** A key row's grant columns (typed from the table, not from keys.repository.ts, which imports this file). */
type GrantColumns = Pick<Selectable<ApiKeysTable>, 'permissions' | 'scopes' | 'levels' | 'preset'>;

export function grantSetOf(row: GrantColumns): GrantSet {
  return {
    permissions: JSON.parse(row.permissions) as string[],
    scopes: JSON.parse(row.scopes) as string[],
    levels: JSON.parse(row.levels) as Record<string, string>,
    preset: row.preset,
  };
}

export function grantColumns(grants: GrantSet): GrantColumns {
  return {
    permissions: JSON.stringify(grants.permissions),
    scopes: JSON.stringify(grants.scopes),
    levels: JSON.stringify(grants.levels),
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
