/**
 * Resources: created, listed (what the key may discover), read, changed, moved and deleted.
 * Access is decided before these run, by the gate the routes declare (resource-gate.ts); here
 * are the effects, each in one transaction with its audit event and change-log row.
 */
import { checkResource, type TargetResource } from '../../core/check.js';
import { fail, ok, type Result } from '../../core/error-codes.js';
import { newId } from '../../core/ids.js';
import { isRoot, keyPosition, type KeyRecord } from '../../core/key-record.js';
import type { PageOf } from '../../api/common.js';
import type {
  CreateResourceInput,
  ListResourcesInput,
  PatchResourceInput,
  ResourceObject,
} from '../../api/resources.js';
import type { Db } from '../../storage/database.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { serialiseMetadata } from '../metadata.js';
import { mutate } from '../mutation.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, toPage } from '../pagination.js';
import { canSeeTenant, notFound } from '../scope.js';
import { lockEnvironment } from '../environments/environments.repository.js';
import { storedValue, toDiscoveredObject, toResourceObject } from './resource-object.js';
import { loadTargets } from './resource-targets.js';
import { listingCandidates, type ListingReach } from './resource-listing.repository.js';
import { countWebhookKeysBoundTo } from '../webhook-keys/webhook-keys.repository.js';
import {
  deleteResource,
  descendantsOf,
  findResource,
  findResourceByExternalId,
  hasChildren,
  insertResource,
  insertRoles,
  lockResource,
  updateResource,
  type ResourceRow,
} from './resources.repository.js';

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
  const metadata = serialiseMetadata(input.metadata);
  if (!metadata.ok) return metadata;
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
      metadata: metadata.value,
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
    await record({
      action: 'resource.create',
      tenantId: row.tenant_id,
      environmentId: row.environment_id,
      target: { type: 'resource', id },
      op: 'create',
      details: {
        type: row.type,
        name: row.name,
        parentId: row.parent_id,
        visibility: row.visibility,
        externalId: row.external_id,
      },
    });
    return ok(toResourceObject(row, deps, true));
  });
}

/** Whether the caller may discover the row's parent; a parent it may not is not named to it. */
function parentVisible(caller: Caller, row: ResourceRow, targets: ReadonlyMap<string, TargetResource> | null): boolean {
  if (row.parent_id === null || targets === null) return true;
  const parent = targets.get(row.parent_id);
  return parent !== undefined && checkResource(keyPosition(caller.key), caller.key.grants, 'discover', parent).allowed;
}

export async function getResource(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<ResourceObject>> {
  const row = await findResource(deps.db, id);
  if (row === undefined) return notFound('resource', id);
  const targets = isRoot(caller.key) ? null : await loadTargets(deps.db, deps.model, [row]);
  return ok(
    toResourceObject(row, deps, true, parentVisible(caller, row, targets), canSeeTenant(caller.key, row.tenant_id)),
  );
}

export async function patchResource(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
  input: PatchResourceInput,
): Promise<Result<ResourceObject>> {
  const metadata = input.metadata === undefined ? undefined : serialiseMetadata(input.metadata);
  if (metadata !== undefined && !metadata.ok) return metadata;
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
    if (metadata !== undefined) patch.metadata = metadata.value;
    await updateResource(trx, id, patch);
    const next: ResourceRow = { ...current, ...patch };
    const shown = isRoot(caller.key) ? true : parentVisible(caller, next, await loadTargets(trx, deps.model, [next]));
    const changed = Object.keys(input).sort();
    await record({
      action: 'resource.update',
      tenantId: current.tenant_id,
      environmentId: current.environment_id,
      target: { type: 'resource', id },
      op: 'update',
      // Never the value: only that it changed.
      details: {
        fields: changed,
        ...(input.parentId !== undefined ? { parentId: input.parentId } : {}),
        ...(input.visibility !== undefined ? { visibility: input.visibility } : {}),
      },
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

export async function removeResource(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<ResourceObject>> {
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
      await deleteResource(trx, child.id);
      await record({
        action: 'resource.delete',
        tenantId: child.tenant_id,
        environmentId: child.environment_id,
        target: { type: 'resource', id: child.id },
        op: 'delete',
        details: { type: child.type, with: id },
      });
    }
    await deleteResource(trx, id);
    await record({
      action: 'resource.delete',
      tenantId: current.tenant_id,
      environmentId: current.environment_id,
      target: { type: 'resource', id },
      op: 'delete',
      details: { type: current.type },
    });
    // The answer says where it was, even to a key that could not discover its parent (a
    // runtime.sessionTerminate key, its agent): a session never sits at the top level, and a
    // `parentId: null` would say it had been cut loose rather than ended with its documents.
    return ok(toResourceObject(current, deps, false));
  });
}

const SCAN_BATCH = 200;

/** Where a key's discover may reach outside its environment: what the listing query needs of its grants. */
function listingReach(key: KeyRecord): ListingReach {
  const grants = key.grants;
  const withDiscover = (map: ReadonlyMap<string, ReadonlySet<string>>): string[] =>
    [...map].filter(([, actions]) => actions.has('discover')).map(([name]) => name);
  // The catalogue's types are discovered by every key their visibility reaches (SPEC §3 step 4).
  const discoverTypes = new Set([...withDiscover(grants.typeWide), ...(grants.catalogue ?? [])]);
  return {
    environmentId: key.environmentId as string,
    tenantId: key.tenantId as string,
    discoverTypes: grants.allTypes.has('discover') ? null : [...discoverTypes],
    resourceIds: withDiscover(grants.onResource),
    principals: keyPosition(key).principals ?? [key.id],
  };
}

/**
 * What the key may discover, a page at a time. Rows are scanned by id and each one is put to the
 * check; the cursor is the last row shown, so neither it nor the page size says anything about
 * rows the key cannot see.
 */
export async function listResources(
  deps: ServiceDeps,
  caller: Caller,
  query: ListResourcesInput,
): Promise<Result<PageOf<ResourceObject>>> {
  const after = decodeCursor(query.cursor);
  if (!after.ok) return after;
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const key = caller.key;
  const root = isRoot(key);
  const position = keyPosition(key);
  const reach = root ? null : listingReach(key);
  const shown: ResourceRow[] = [];
  const parentShown = new Set<string>();
  const discoveredOnly = new Set<string>();
  let afterId = after.value;
  for (;;) {
    const rows = await listingCandidates(deps.db, {
      reach,
      type: query.type,
      parentId: query.parentId,
      environmentId: query.environmentId,
      afterId,
      limit: SCAN_BATCH,
    });
    const targets = root ? null : await loadTargets(deps.db, deps.model, rows);
    for (const row of rows) {
      const target = targets?.get(row.id);
      if (target === undefined || checkResource(position, key.grants, 'discover', target).allowed) {
        shown.push(row);
        if (parentVisible(caller, row, targets)) parentShown.add(row.id);
        if (target !== undefined && !checkResource(position, key.grants, 'read', target).allowed)
          discoveredOnly.add(row.id);
      }
      if (shown.length > limit) break;
    }
    if (shown.length > limit || rows.length < SCAN_BATCH) break;
    afterId = rows[rows.length - 1]?.id ?? afterId;
  }
  return ok(
    toPage(shown, limit, (row) =>
      discoveredOnly.has(row.id)
        ? toDiscoveredObject(row, parentShown.has(row.id))
        : toResourceObject(row, deps, false, parentShown.has(row.id), canSeeTenant(caller.key, row.tenant_id)),
    ),
  );
}
