/**
 * No escalation (SPEC §3): a key never hands out what it does not hold. Every place that gives
 * access — a new key's grants, a key's PATCHed grants, the policies linked to it, a policy's own
 * grants, a group membership — asks here, and a refusal is a 403 naming the excess.
 */
import { fail, ok, type Result } from '../core/error-codes.js';
import { excessGrants } from '../core/grants/coverage.js';
import { grantSourceOf, type GrantSet } from '../core/grants/grant-set.js';
import { holdsPermission, isRoot, type KeyRecord } from '../core/key-record.js';
import type { AuthModel } from '../core/model/model.js';

/** A grant set to hand out, and how to name it in a refusal (`policy pol_…`, or null for direct grants). */
export interface HandedOut {
  readonly label: string | null;
  readonly grants: GrantSet;
}

export function refuseExcess(model: AuthModel, caller: KeyRecord, handedOut: readonly HandedOut[]): Result<null> {
  if (isRoot(caller)) return ok(null);
  const excess = handedOut.flatMap(({ label, grants }) =>
    excessGrants(model, caller.grants, grantSourceOf(model, grants)).map((item) => (label === null ? item : `${label}: ${item}`)),
  );
  if (excess.length === 0) return ok(null);
  return fail('FORBIDDEN', `cannot grant what the calling key does not hold: ${excess.join(', ')}`, { excess });
}

/** Putting a key into a group shares the group's resources with it: only members, or tenant.manage, may. */
export function refuseGroupAssignment(caller: KeyRecord, groupIds: readonly string[]): Result<null> {
  if (isRoot(caller) || holdsPermission(caller, 'tenant.manage')) return ok(null);
  const outside = groupIds.filter((id) => !caller.groupIds.includes(id));
  if (outside.length === 0) return ok(null);
  return fail('FORBIDDEN', `only a member of a group, or a key with tenant.manage, may add keys to it: ${outside.join(', ')}`, { excess: outside.map((id) => `group ${id}`) });
}
