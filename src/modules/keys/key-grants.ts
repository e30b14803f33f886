/**
 * A key's direct grants: how they are held in its row, and the rules a new set must meet —
 * known to the model, tenant-scoped permissions only on admin keys, and nothing the caller does
 * not hold itself (no escalation, SPEC §3).
 */
import { ok, type Result } from '../../core/error-codes.js';
import { resolveGrantInput, type GrantInput, type GrantSet } from '../../core/grants/grant-set.js';
import type { KeyRecord } from '../../core/key-record.js';
import { refuseExcess, type EscalationDeps, type HandedOut } from '../escalation.js';

/** A key row's grant columns, as the repository hands them (a policy's are the same but the preset). */
interface GrantColumns {
  permissions: string[];
  scopes: string[];
  levels: Record<string, string>;
  preset: string | null;
}

/** The grants of a key's row or a policy's (whose preset is null). */
export function grantSetOf(row: Readonly<GrantColumns>): GrantSet {
  return { permissions: row.permissions, scopes: row.scopes, levels: row.levels, preset: row.preset };
}

/** A grant set as a row keeps it: copies, so the row never shares a list with the set. */
export function grantColumns(grants: GrantSet): GrantColumns {
  return {
    permissions: [...grants.permissions],
    scopes: [...grants.scopes],
    levels: { ...grants.levels },
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
