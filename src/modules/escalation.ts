/**
 * No escalation (SPEC §3): a key never hands out what it does not hold. Every place that gives
 * access — a new key's grants, a key's PATCHed grants, the policies linked to it, a policy's own
 * grants, a group membership — asks here, and a refusal is a 403 naming the excess.
 */
import { fail, ok, type Result } from '../core/error-codes.js';
import type { TargetResource } from '../core/check.js';
import { excessGrants } from '../core/grants/coverage.js';
import { grantSourceOf, type GrantSet } from '../core/grants/grant-set.js';
import { holdsPermission, isRoot, keyPosition, type KeyRecord } from '../core/key-record.js';
import type { AuthModel } from '../core/model/model.js';
import type { Db } from '../storage/database.js';
import { loadTargets } from './resources/resource-targets.js';
import { placementsByIds } from './resources/resources.repository.js';

/** A grant set to hand out, and how to name it in a refusal (`policy pol_…`, or null for direct grants). */
export interface HandedOut {
  readonly label: string | null;
  readonly grants: GrantSet;
}

export interface EscalationDeps {
  readonly db: Db;
  readonly model: AuthModel;
}

/**
 * The resources that `type:<id>:role` scopes name, each checked to exist in the tenant with the
 * type the scope claims (a 400 otherwise: the claim is what a reader of the grant believes).
 */
async function scopedResources(
  deps: EscalationDeps,
  tenantId: string,
  handedOut: readonly HandedOut[],
): Promise<Result<Map<string, TargetResource>>> {
  const claims = handedOut.flatMap(({ grants }) =>
    grantSourceOf(deps.model, grants).scopes.filter((scope) => scope.resourceId !== null),
  );
  if (claims.length === 0) return ok(new Map());
  const rows = await placementsByIds(deps.db, [...new Set(claims.map((scope) => scope.resourceId as string))]);
  const byId = new Map(rows.filter((row) => row.tenant_id === tenantId).map((row) => [row.id, row]));
  for (const scope of claims) {
    const row = byId.get(scope.resourceId as string);
    if (row === undefined)
      return fail('VALIDATION', `scope names an unknown resource: ${scope.resourceId}`, { field: 'scopes' });
    if (row.type !== scope.type)
      return fail('VALIDATION', `scope ${scope.type}:${scope.resourceId} names a ${row.type}, not a ${scope.type}`, {
        field: 'scopes',
      });
  }
  return ok(await loadTargets(deps.db, deps.model, [...byId.values()]));
}

/** Validates resource scopes, then refuses (403, naming it) anything beyond the caller's own grants. */
export async function refuseExcess(
  deps: EscalationDeps,
  caller: KeyRecord,
  tenantId: string,
  handedOut: readonly HandedOut[],
): Promise<Result<null>> {
  const targets = await scopedResources(deps, tenantId, handedOut);
  if (!targets.ok) return targets;
  if (isRoot(caller)) return ok(null);
  const view = { position: keyPosition(caller), grants: caller.grants };
  const excess = handedOut.flatMap(({ label, grants }) =>
    excessGrants(deps.model, view, grantSourceOf(deps.model, grants), targets.value).map((item) =>
      label === null ? item : `${label}: ${item}`,
    ),
  );
  if (excess.length === 0) return ok(null);
  return fail('FORBIDDEN', `cannot grant what the calling key does not hold: ${excess.join(', ')}`, { excess });
}

/**
 * Putting a key into a group shares the group's resources with it: only members, or tenant.manage,
 * may. `via` says how the key would join when the request does not name the groups (its user's).
 */
export function refuseGroupAssignment(caller: KeyRecord, groupIds: readonly string[], via?: string): Result<null> {
  if (isRoot(caller) || holdsPermission(caller, 'tenant.manage')) return ok(null);
  const outside = groupIds.filter((id) => !caller.groupIds.includes(id));
  if (outside.length === 0) return ok(null);
  const joins = via === undefined ? '' : `the key would join ${outside.join(', ')} ${via}; `;
  return fail(
    'FORBIDDEN',
    `${joins}only a member of a group, or a key with tenant.manage, may add keys to it: ${outside.join(', ')}`,
    {
      excess: outside.map((id) => `group ${id}`),
    },
  );
}
