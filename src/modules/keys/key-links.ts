/**
 * The policies a key links to and the groups it joins, checked for the key being written: each
 * must exist in its tenant (else 404), a policy must be tenant-wide or of the key's environment
 * (else 400), and the caller may put the key only into groups it may assign (no escalation).
 */
import { fail, ok, type Result } from '../../core/error-codes.js';
import type { GrantSet } from '../../core/grants/grant-set.js';
import type { KeyRecord } from '../../core/key-record.js';
import type { Db } from '../../storage/database.js';
import { refuseGroupAssignment, type HandedOut } from '../escalation.js';
import { groupsByIds } from '../groups/groups.repository.js';
import { policiesByIds } from '../policies/policies.repository.js';
import { notFound } from '../scope.js';
import { grantSetOf } from './key-grants.js';

export interface KeyPlace {
  readonly tenantId: string;
  readonly environmentId: string;
}

/** The linked policies' grants, as what the caller hands out by linking them. */
export async function resolvePolicies(db: Db, place: KeyPlace, policyIds: readonly string[]): Promise<Result<HandedOut[]>> {
  const rows = await policiesByIds(db, policyIds);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const handedOut: HandedOut[] = [];
  for (const id of policyIds) {
    const policy = byId.get(id);
    if (policy === undefined || policy.tenant_id !== place.tenantId) return notFound('policy', id);
    if (policy.environment_id !== null && policy.environment_id !== place.environmentId) {
      return fail('VALIDATION', `policy ${id} belongs to another environment; link it to keys there, or make it tenant-wide`, { field: 'policyIds' });
    }
    const grants: GrantSet = grantSetOf({ ...policy, preset: null });
    handedOut.push({ label: `policy ${id}`, grants });
  }
  return ok(handedOut);
}

export async function resolveGroups(db: Db, caller: KeyRecord, place: KeyPlace, groupIds: readonly string[]): Promise<Result<null>> {
  const rows = await groupsByIds(db, groupIds);
  const found = new Set(rows.filter((row) => row.tenant_id === place.tenantId).map((row) => row.id));
  const missing = groupIds.find((id) => !found.has(id));
  if (missing !== undefined) return notFound('group', missing);
  return refuseGroupAssignment(caller, groupIds);
}
