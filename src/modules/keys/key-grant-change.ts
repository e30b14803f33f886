/**
 * A key's grants changed by PATCH (direct grants, linked policies, groups), inside the PATCH's
 * transaction with the key locked: the policies linked and the groups joined are read locked
 * too, and the caller must hold or may assign what it hands out (no escalation).
 */
import { ok, type Result } from '../../core/error-codes.js';
import { resolveGrantInput } from '../../core/grants/grant-set.js';
import type { PatchKeyInput } from '../../api/keys.js';
import type { Db } from '../../storage/database.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { addMember, removeMember } from '../groups/groups.repository.js';
import { policyIdsByKey, setKeyPolicies } from '../policies/policies.repository.js';
import { grantColumns, grantSetOf, resolveKeyGrants } from './key-grants.js';
import { resolveGroups, resolvePolicies } from './key-links.js';
import { findKeyById, type KeyRow } from './keys.repository.js';

/**
 * A key's grants replaced, kind by kind: every field given replaces that set, and the caller must
 * hold what the key ends up with through what changed (no escalation), in one transaction.
 */
export async function changeGrants(
  deps: ServiceDeps,
  caller: Caller,
  trx: Db,
  current: KeyRow,
  input: PatchKeyInput,
  now: number,
): Promise<Result<{ columns: Partial<KeyRow>; policyIds: string[]; details: Record<string, unknown> }>> {
  const place = { tenantId: current.tenant_id as string, environmentId: current.environment_id as string };
  const stored = grantSetOf(current);
  const direct = {
    permissions: input.permissions ?? stored.permissions,
    scopes: input.scopes ?? stored.scopes,
    levels: input.levels ?? stored.levels,
  };
  const newPolicies = input.policyIds === undefined ? [] : input.policyIds;
  const policies = await resolvePolicies(trx, place, newPolicies, true);
  if (!policies.ok) return policies;
  // Only what changes is handed out by this caller; what the key already had stays as it was.
  const { admin } = current;
  const givenDirect = input.permissions !== undefined || input.scopes !== undefined || input.levels !== undefined;
  const grants = await resolveKeyGrants(
    { db: trx, model: deps.model },
    caller.key,
    place.tenantId,
    givenDirect ? direct : {},
    admin,
    policies.value,
  );
  if (!grants.ok) return grants;
  const checked = givenDirect ? resolveGrantInput(deps.model, direct, { admin }) : ok(stored);
  if (!checked.ok) return checked;
  const columns: Partial<KeyRow> = { ...grantColumns({ ...checked.value, preset: current.preset }) };
  const details: Record<string, unknown> = givenDirect
    ? { permissions: checked.value.permissions, scopes: checked.value.scopes, levels: checked.value.levels }
    : {};
  let policyIds = (await policyIdsByKey(trx, [current.id])).get(current.id) ?? [];
  if (input.policyIds !== undefined) {
    policyIds = [...input.policyIds].sort();
    await setKeyPolicies(trx, current.id, policyIds);
    details['policyIds'] = policyIds;
  }
  if (input.groupIds !== undefined) {
    const before = current.group_ids;
    const added = input.groupIds.filter((groupId) => !before.includes(groupId));
    const groups = await resolveGroups(trx, caller.key, place, added);
    if (!groups.ok) return groups;
    for (const groupId of before) if (!input.groupIds.includes(groupId)) await removeMember(trx, groupId, current.id);
    for (const groupId of added) await addMember(trx, groupId, current.id, now);
    columns.group_ids = (await findKeyById(trx, current.id))?.group_ids ?? [...input.groupIds].sort();
    details['groupIds'] = [...input.groupIds].sort();
  }
  return ok({ columns, policyIds, details });
}
