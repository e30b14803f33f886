import { fail, ok, type Result } from '../../core/error-codes.js';
import { newId } from '../../core/ids.js';
import { isRoot } from '../../core/key-record.js';
import type { CreateResourceInput, PatchResourceInput, ResourceObject } from '../../api/resources.js';
import type { Db } from '../../storage/database.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { serialiseMetadata } from '../metadata.js';
import { mutate } from '../mutation.js';
import { canSeeTenant, notFound } from '../scope.js';
import { lockEnvironment } from '../environments/environments.repository.js';
import { parentVisible, storedValue, toResourceObject } from './resource-object.js';
import { loadTargets } from './resource-targets.js';
import { countWebhookKeysBoundTo } from '../webhook-keys/webhook-keys.repository.js';
import {
  deleteResource as deleteResourceRow,
  descendantsOf,
  findResource,
  findResourceByExternalId,
  hasChildren,
  insertResource,
  insertRoles,
  lockResource,
  updateResource as updateResourceRow,
  type ResourceRow,
} from './resources.repository.js';
import { readTarget } from '../target-rows.js';

function checkValue(deps: ServiceDeps, type: string, value: string | undefined): Result<null> {
  if (value !== undefined && deps.model.types.get(type)?.value === 'none') {
    return fail('VALIDATION', `a ${type} carries no value`, { field: 'value' });
  }
  return ok(null);
}

/** An externalId names one resource of a type in an environment: say which value is taken, not "retry". */
async function externalIdFree(
  trx: Db,
  environmentId: string,
  type: string,
  externalId: string | null | undefined,
  selfId: string | null,
): Promise<Result<null>> {
  if (externalId === undefined || externalId === null) return ok(null);
  const holder = await findResourceByExternalId(trx, environmentId, type, externalId);
  if (holder === undefined || holder.id === selfId) return ok(null);
  return fail('CONFLICT', `another ${type} in this environment already has externalId "${externalId}"`, {
    field: 'externalId',
  });
}

export async function createResource(
  deps: ServiceDeps,
  caller: Caller,
  input: CreateResourceInput,
): Promise<Result<ResourceObject>> {
  const valueCheck = checkValue(deps, input.type, input.value);
  if (!valueCheck.ok) return valueCheck;
  // Checked for size and depth here; stored by the repository.
  const metadataCheck = serialiseMetadata(input.metadata);
  if (!metadataCheck.ok) return metadataCheck;
  const environmentId = input.environmentId ?? caller.key.environmentId;
  if (environmentId === null)
    return fail('VALIDATION', 'environmentId is required when acting with the root key', { field: 'environmentId' });

  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    // The environment, then the parent: a deletion of either waits for this one, or this one
    // finds it gone (404) and creates nothing in it.
    const environment = await lockEnvironment(trx, environmentId);
    if (environment === undefined) return notFound('environment', environmentId);
    const parent = input.parentId === undefined ? undefined : await lockResource(trx, input.parentId);
    if (input.parentId !== undefined && parent === undefined) return notFound('resource', input.parentId);
    const free = await externalIdFree(trx, environment.id, input.type, input.externalId, null);
    if (!free.ok) return free;
    const id = newId('resource', now);
    const row: ResourceRow = {
      id,
      tenant_id: environment.tenant_id,
      environment_id: environment.id,
      type: input.type,
      name: input.name,
      external_id: input.externalId ?? null,
      parent_id: input.parentId ?? null,
      visibility: input.visibility ?? 'ENVIRONMENT',
      value: storedValue(deps, input.type, id, input.value),
      metadata: input.metadata ?? {},
      created_by_key_id: caller.key.id,
      created_at: now,
      updated_at: now,
    };
    await insertResource(trx, row);
    // Owning what you create (SPEC §1): the creating key and every group it belongs to get the
    // model's creator role on it, so every member of those groups may manage it.
    const creatorRole = deps.model.creatorRole;
    if (creatorRole !== null && !isRoot(caller.key)) {
      const owners = [caller.key.id, ...caller.key.groupIds];
      await insertRoles(
        trx,
        owners.map((principal) => ({ resource_id: id, principal_id: principal, role: creatorRole, created_at: now })),
      );
    }
    await record('resource.create', row, 'create', {
      type: row.type,
      name: row.name,
      parentId: row.parent_id,
      visibility: row.visibility,
      externalId: row.external_id,
    });
    return ok(toResourceObject(row, deps, true));
  });
}

export async function getResource(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<ResourceObject>> {
  const row = await readTarget(deps.db, caller, 'resource', id);
  if (row === undefined) return notFound('resource', id);
  const targets = isRoot(caller.key) ? null : await loadTargets(deps.db, deps.model, [row]);
  return ok(
    toResourceObject(row, deps, true, parentVisible(caller, row, targets), canSeeTenant(caller.key, row.tenant_id)),
  );
}

export async function updateResource(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
  input: PatchResourceInput,
): Promise<Result<ResourceObject>> {
  const metadataCheck = input.metadata === undefined ? undefined : serialiseMetadata(input.metadata);
  if (metadataCheck !== undefined && !metadataCheck.ok) return metadataCheck;
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const current = await lockForChange(trx, id, input.parentId);
    if (current === undefined) return notFound('resource', id);
    if (typeof input.parentId === 'string') {
      const parent = await lockResource(trx, input.parentId);
      if (parent === undefined) return notFound('resource', input.parentId);
      if (await isUnder(trx, parent, id))
        return fail('VALIDATION', `resource ${id} cannot move under itself or its own descendant`, {
          field: 'parentId',
        });
    }
    const valueCheck = checkValue(deps, current.type, input.value);
    if (!valueCheck.ok) return valueCheck;
    const free = await externalIdFree(trx, current.environment_id, current.type, input.externalId, current.id);
    if (!free.ok) return free;
    const patch: Partial<ResourceRow> = { updated_at: now };
    if (input.name !== undefined) patch.name = input.name;
    if (input.externalId !== undefined) patch.external_id = input.externalId;
    if (input.parentId !== undefined) patch.parent_id = input.parentId;
    if (input.visibility !== undefined) patch.visibility = input.visibility;
    if (input.value !== undefined) patch.value = storedValue(deps, current.type, id, input.value);
    if (input.metadata !== undefined) patch.metadata = input.metadata;
    await updateResourceRow(trx, id, patch);
    const next: ResourceRow = { ...current, ...patch };
    const shown = isRoot(caller.key) ? true : parentVisible(caller, next, await loadTargets(trx, deps.model, [next]));
    const changed = Object.keys(input).sort();
    // Never the value: only that it changed.
    await record('resource.update', current, 'update', {
      fields: changed,
      ...(input.parentId !== undefined ? { parentId: input.parentId } : {}),
      ...(input.visibility !== undefined ? { visibility: input.visibility } : {}),
    });
    return ok(toResourceObject(next, deps, true, shown));
  });
}

/**
 * The resource, locked for a change. A move first locks its environment (trees never cross
 * one): two moves, each checked against the tree as it was, could otherwise close a cycle
 * between them (A under B's child while B goes under A's).
 */
async function lockForChange(
  trx: Db,
  id: string,
  parentId: string | null | undefined,
): Promise<ResourceRow | undefined> {
  if (parentId !== undefined) {
    const found = await findResource(trx, id);
    if (found === undefined) return undefined;
    await lockEnvironment(trx, found.environment_id);
  }
  return lockResource(trx, id);
}

/** Whether `row` is `id` or lies beneath it, read in the transaction that moves `id`. */
async function isUnder(trx: Db, row: ResourceRow, id: string): Promise<boolean> {
  const seen = new Set<string>();
  for (
    let at: ResourceRow | undefined = row;
    at !== undefined && !seen.has(at.id);
    at = at.parent_id === null ? undefined : await findResource(trx, at.parent_id)
  ) {
    if (at.id === id) return true;
    seen.add(at.id);
  }
  return false;
}

export async function deleteResource(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<ResourceObject>> {
  return mutate(deps, caller.actor, async ({ trx, record }) => {
    // Locked: a child being created under it waits, then finds it gone, or is found here (409).
    const current = await lockResource(trx, id);
    if (current === undefined) return notFound('resource', id);
    // Ending a session removes its documents (seed 001): such a type takes its children along.
    const takesChildren = deps.model.types.get(current.type)?.deleteRemovesChildren === true;
    if (!takesChildren && (await hasChildren(trx, id)))
      return fail('CONFLICT', `resource ${id} has children; delete or move them first`);
    const removed = takesChildren ? await descendantsOf(trx, id) : [];
    // A webhook key bound to it would verify for nothing: its secret is not thrown away unasked.
    const bound = await countWebhookKeysBoundTo(trx, [id, ...removed.map((child) => child.id)]);
    if (bound > 0) return fail('CONFLICT', `resource ${id} has ${bound} webhook key(s) bound to it; delete them first`);
    for (const child of removed) {
      await deleteResourceRow(trx, child.id);
      await record('resource.delete', child, 'delete', { type: child.type, with: id });
    }
    await deleteResourceRow(trx, id);
    await record('resource.delete', current, 'delete', { type: current.type });
    // The answer says where it was, even to a key that could not discover its parent (a
    // runtime.sessionTerminate key, its agent): a session never sits at the top level, and a
    // `parentId: null` would say it had been cut loose rather than ended with its documents.
    return ok(toResourceObject(current, deps, false));
  });
}
