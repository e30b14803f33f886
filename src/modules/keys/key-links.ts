/**
 * The policies a key links to, the groups it joins and the user it belongs to, checked for the
 * key being written: each must exist in its tenant (else 404), a policy must be tenant-wide or of
 * the key's environment (else 400), and the caller may put the key only into groups it may assign
 * (no escalation), named in the request or joined through the key's user. Each is read locked, in
 * the order every writer takes them (groups, user, key, policies), so none changes or goes away
 * before the key is written.
 */
import { fail, ok, type Result } from '../../core/error-codes.js';
import type { GrantSet } from '../../core/grants/grant-set.js';
import type { KeyRecord } from '../../core/key-record.js';
import type { Db } from '../../storage/database.js';
import { refuseGroupAssignment, type HandedOut } from '../escalation.js';
import { groupIdsOfUser, lockGroups } from '../groups/groups.repository.js';
import { lockPolicies, policiesByIds } from '../policies/policies.repository.js';
import { lockUser, type UserRow } from '../users/users.repository.js';
import { notFound } from '../scope.js';
import { grantSetOf } from './key-grants.js';

export interface KeyPlace {
  readonly tenantId: string;
  readonly environmentId: string;
}

/** The linked policies' grants, as what the caller hands out by linking them; `lock`: read locked (in a transaction that links them). */
export async function resolvePolicies(
  db: Db,
  place: KeyPlace,
  policyIds: readonly string[],
  lock = false,
): Promise<Result<HandedOut[]>> {
  const rows = lock ? await lockPolicies(db, policyIds) : await policiesByIds(db, policyIds);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const handedOut: HandedOut[] = [];
  for (const id of policyIds) {
    const policy = byId.get(id);
    if (policy === undefined || policy.tenant_id !== place.tenantId) return notFound('policy', id);
    if (policy.environment_id !== null && policy.environment_id !== place.environmentId) {
      return fail(
        'VALIDATION',
        `policy ${id} belongs to another environment; link it to keys there, or make it tenant-wide`,
        { field: 'policyIds' },
      );
    }
    const grants: GrantSet = grantSetOf({ ...policy, preset: null });
    handedOut.push({ label: `policy ${id}`, grants });
  }
  return ok(handedOut);
}

/** The groups named for the key, locked (`trx` a transaction), that the caller may put it into. */
export async function resolveGroups(
  trx: Db,
  caller: KeyRecord,
  place: KeyPlace,
  groupIds: readonly string[],
): Promise<Result<null>> {
  const rows = await lockGroups(trx, groupIds);
  const found = new Set(rows.filter((row) => row.tenant_id === place.tenantId).map((row) => row.id));
  const missing = groupIds.find((id) => !found.has(id));
  if (missing !== undefined) return notFound('group', missing);
  return refuseGroupAssignment(caller, groupIds);
}

/**
 * The user a new key belongs to, locked: its deletion waits for the key (and revokes it), or the
 * key finds it gone (404). A user's groups take in each of its keys, future ones too, so the
 * caller must be allowed to put keys into every group the user is in (403 naming them).
 */
export async function resolveOwner(
  trx: Db,
  caller: KeyRecord,
  place: KeyPlace,
  userId: string,
  admin: boolean,
): Promise<Result<UserRow>> {
  const user = await lockUser(trx, userId);
  if (user === undefined || user.tenant_id !== place.tenantId) return notFound('user', userId);
  if (admin && user.role !== 'admin')
    return fail('VALIDATION', `user ${user.id} is not an admin user, so cannot own an admin key`, { field: 'admin' });
  const allowed = refuseGroupAssignment(caller, await groupIdsOfUser(trx, userId), `through its user ${userId}`);
  return allowed.ok ? ok(user) : allowed;
}
