/**
 * Policies: reusable grant sets linked to keys. Editing one changes what every linked key may do
 * on its next request (the change evicts the tenant's cached keys on every node). Who may touch
 * which policy is the gate's business; what a policy may grant is no escalation's.
 */
import { fail, ok, type Result } from '../../core/error-codes.js';
import { resolveGrantInput } from '../../core/grants/grant-set.js';
import { newId } from '../../core/ids.js';
import { holdsPermission } from '../../core/key-record.js';
import type { PageOf } from '../../api/common.js';
import type { CreatePolicyInput, ListPoliciesInput, PatchPolicyInput, PolicyObject } from '../../api/policies.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { refuseExcess } from '../escalation.js';
import { findEnvironment, lockEnvironment } from '../environments/environments.repository.js';
import { grantColumns, grantSetOf } from '../keys/key-grants.js';
import { mutate } from '../mutation.js';
import { checkRateLimits } from '../ratelimits/ratelimit-columns.js';
import { tenantPageRequest, toPage } from '../pagination.js';
import { canSeeTenant, filterVisible, iso, notFound, resolveTenantId } from '../scope.js';
import {
  deletePolicy as deletePolicyRow,
  insertPolicy,
  keyIdsLinkedTo,
  listPolicies as listPolicyRows,
  lockPolicies,
  updatePolicy as updatePolicyRow,
  type PolicyRow,
} from './policies.repository.js';
import { readTarget } from '../target-rows.js';

export function toPolicyObject(row: PolicyRow): PolicyObject {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    environmentId: row.environment_id,
    name: row.name,
    permissions: [...row.permissions],
    scopes: [...row.scopes],
    levels: { ...row.levels },
    ratelimits: row.ratelimits.map((limit) => ({ ...limit })),
    createdByKeyId: row.created_by_key_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** Policies may hold tenant-scoped permissions; they take effect only on the admin keys linked. */
const AS_ADMIN = { admin: true } as const;

export async function createPolicy(
  deps: ServiceDeps,
  caller: Caller,
  input: CreatePolicyInput,
): Promise<Result<PolicyObject>> {
  const grants = resolveGrantInput(deps.model, input, AS_ADMIN);
  if (!grants.ok) return grants;
  const ratelimits = checkRateLimits(input.ratelimits);
  if (!ratelimits.ok) return ratelimits;
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    let tenantId: string;
    const environmentId = input.environmentId ?? null;
    if (environmentId !== null) {
      // Locked: an environment being deleted is waited for, then a 404, or it counts this policy (409).
      const environment = await lockEnvironment(trx, environmentId);
      if (environment === undefined || !canSeeTenant(caller.key, environment.tenant_id))
        return notFound('environment', environmentId);
      if (input.tenantId !== undefined && input.tenantId !== environment.tenant_id)
        return notFound('environment', environmentId);
      tenantId = environment.tenant_id;
    } else {
      const resolved = resolveTenantId(caller.key, input.tenantId);
      if (!resolved.ok) return resolved;
      tenantId = resolved.value;
    }
    const excess = await refuseExcess({ db: trx, model: deps.model }, caller.key, tenantId, [
      { label: null, grants: grants.value },
    ]);
    if (!excess.ok) return excess;
    const row: PolicyRow = {
      id: newId('policy', now),
      tenant_id: tenantId,
      environment_id: environmentId,
      name: input.name,
      ...grantColumns({ ...grants.value, preset: null }),
      ratelimits: ratelimits.value ?? [],
      created_by_key_id: caller.key.id,
      created_at: now,
      updated_at: now,
    };
    const { preset: _preset, ...columns } = row as PolicyRow & { preset?: unknown };
    await insertPolicy(trx, columns);
    await record('policy.create', row, 'create', { name: row.name, ...grants.value, ratelimits: row.ratelimits });
    return ok(toPolicyObject(columns));
  });
}

export async function getPolicy(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<PolicyObject>> {
  // The gate judged this very row (policy-gate.ts): another tenant's policy is a 404 there.
  const row = await readTarget(deps.db, caller, 'policy', id);
  return row === undefined ? notFound('policy', id) : ok(toPolicyObject(row));
}

export async function listPolicies(
  deps: ServiceDeps,
  caller: Caller,
  query: ListPoliciesInput,
): Promise<Result<PageOf<PolicyObject>>> {
  const page = tenantPageRequest(caller.key, query);
  if (!page.ok) return page;
  const environment = await filterVisible(caller.key, 'environment', query.environmentId, (id) =>
    findEnvironment(deps.db, id),
  );
  if (!environment.ok) return environment;
  // Without users.manage the caller holds tenant.manage (the route says so): tenant-wide policies only.
  const tenantWideOnly = !holdsPermission(caller.key, 'users.manage');
  const rows = await listPolicyRows(deps.db, { ...page.value, environmentId: query.environmentId, tenantWideOnly });
  return ok(toPage(rows, page.value.limit, toPolicyObject));
}

export async function updatePolicy(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
  input: PatchPolicyInput,
): Promise<Result<PolicyObject>> {
  const ratelimits = checkRateLimits(input.ratelimits);
  if (!ratelimits.ok) return ratelimits;
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const [current] = await lockPolicies(trx, [id]);
    if (current === undefined) return notFound('policy', id);
    const stored = grantSetOf({ ...current, preset: null });
    const givesGrants = input.permissions !== undefined || input.scopes !== undefined || input.levels !== undefined;
    const grants = resolveGrantInput(
      deps.model,
      {
        permissions: input.permissions ?? stored.permissions,
        scopes: input.scopes ?? stored.scopes,
        levels: input.levels ?? stored.levels,
      },
      AS_ADMIN,
    );
    if (!grants.ok) return grants;
    if (givesGrants) {
      // Every linked key gets what the policy now says: the caller must hold all of it.
      const excess = await refuseExcess({ db: trx, model: deps.model }, caller.key, current.tenant_id, [
        { label: null, grants: grants.value },
      ]);
      if (!excess.ok) return excess;
    }
    const { preset: _preset, ...columns } = grantColumns({ ...grants.value, preset: null });
    const next: PolicyRow = {
      ...current,
      ...columns,
      name: input.name ?? current.name,
      ratelimits: ratelimits.value ?? current.ratelimits,
      updated_at: now,
    };
    await updatePolicyRow(trx, id, { ...columns, name: next.name, ratelimits: next.ratelimits, updated_at: now });
    await record('policy.update', current, 'update', {
      fields: Object.keys(input).sort(),
      ...(givesGrants ? grants.value : {}),
      ...(input.ratelimits === undefined ? {} : { ratelimits: input.ratelimits }),
    });
    return ok(toPolicyObject(next));
  });
}

/** A policy in use is deleted only with `force`, which unlinks it from its keys in the same transaction. */
export async function deletePolicy(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
  force: boolean,
): Promise<Result<PolicyObject>> {
  return mutate(deps, caller.actor, async ({ trx, record }) => {
    // Locked: a key being linked to it waits, then finds it gone (404), or is counted and unlinked.
    const [current] = await lockPolicies(trx, [id]);
    if (current === undefined) return notFound('policy', id);
    const linked = await keyIdsLinkedTo(trx, id);
    if (linked.length > 0 && !force) {
      return fail(
        'CONFLICT',
        `policy ${id} is linked to ${linked.length} key(s); delete with ?force=true to unlink it from them`,
        { linkedKeys: linked.length },
      );
    }
    await deletePolicyRow(trx, id);
    await record('policy.delete', current, 'delete', { name: current.name, unlinkedKeys: linked });
    return ok(toPolicyObject(current));
  });
}
