/**
 * Sharing groups (seed 004): keys of a tenant; what a member creates, the group owns, so every
 * member may manage it. Adding a key to a group shares the group's resources with it, so only a
 * member, or a key with tenant.manage, may (no escalation).
 */
import { ok, type Result } from '../../core/error-codes.js';
import { newId } from '../../core/ids.js';
import type { PageOf } from '../../api/common.js';
import type { CreateGroupInput, GroupObject, ListGroupsInput } from '../../api/groups.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { refuseGroupAssignment } from '../escalation.js';
import { findKeyById } from '../keys/keys.repository.js';
import { mutate } from '../mutation.js';
import type { Db } from '../../storage/database.js';
import { tenantPageRequest, toPage } from '../pagination.js';
import { canSeeTenant, iso, notFound, resolveTenantId } from '../scope.js';
import { addMember, deleteGroup, findGroup, insertGroup, listGroups, membersOf, removeMember, renameGroup, type GroupRow } from './groups.repository.js';

function toGroupObject(row: GroupRow, members: readonly string[]): GroupObject {
  return { id: row.id, tenantId: row.tenant_id, name: row.name, memberKeyIds: [...members], createdAt: iso(row.created_at), updatedAt: iso(row.updated_at) };
}

async function shownGroup(db: Db, row: GroupRow): Promise<GroupObject> {
  return toGroupObject(row, (await membersOf(db, [row.id])).get(row.id) ?? []);
}

async function visibleGroup(db: ServiceDeps['db'], caller: Caller, id: string): Promise<GroupRow | undefined> {
  const row = await findGroup(db, id);
  return row !== undefined && canSeeTenant(caller.key, row.tenant_id) ? row : undefined;
}

export async function createGroup(deps: ServiceDeps, caller: Caller, input: CreateGroupInput): Promise<Result<GroupObject>> {
  const tenantId = resolveTenantId(caller.key, input.tenantId);
  if (!tenantId.ok) return tenantId;
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const row: GroupRow = { id: newId('group', now), tenant_id: tenantId.value, name: input.name, created_at: now, updated_at: now };
    await insertGroup(trx, row);
    await record({ action: 'group.create', tenantId: row.tenant_id, environmentId: null, target: { type: 'group', id: row.id }, op: 'create', details: { name: row.name } });
    return ok(toGroupObject(row, []));
  });
}

export async function listGroupsFor(deps: ServiceDeps, caller: Caller, query: ListGroupsInput): Promise<Result<PageOf<GroupObject>>> {
  const page = tenantPageRequest(caller.key, query);
  if (!page.ok) return page;
  const rows = await listGroups(deps.db, page.value);
  const members = await membersOf(deps.db, rows.map((row) => row.id));
  return ok(toPage(rows, page.value.limit, (row) => toGroupObject(row, members.get(row.id) ?? [])));
}

export async function getGroup(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<GroupObject>> {
  const row = await visibleGroup(deps.db, caller, id);
  return row === undefined ? notFound('group', id) : ok(await shownGroup(deps.db, row));
}

export async function patchGroup(deps: ServiceDeps, caller: Caller, id: string, name: string): Promise<Result<GroupObject>> {
  if ((await visibleGroup(deps.db, caller, id)) === undefined) return notFound('group', id);
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const current = await findGroup(trx, id);
    if (current === undefined) return notFound('group', id);
    await renameGroup(trx, id, name, now);
    await record({ action: 'group.update', tenantId: current.tenant_id, environmentId: null, target: { type: 'group', id }, op: 'update', details: { name } });
    return ok(await shownGroup(trx, { ...current, name, updated_at: now }));
  });
}

/** Deletes the group; its members keep everything else, and lose what only the group gave them. */
export async function removeGroup(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<GroupObject>> {
  if ((await visibleGroup(deps.db, caller, id)) === undefined) return notFound('group', id);
  return mutate(deps, caller.actor, async ({ trx, record }) => {
    const current = await findGroup(trx, id);
    if (current === undefined) return notFound('group', id);
    const members = await deleteGroup(trx, id);
    await record({ action: 'group.delete', tenantId: current.tenant_id, environmentId: null, target: { type: 'group', id }, op: 'delete', details: { name: current.name, members } });
    return ok(toGroupObject(current, members));
  });
}

export async function addGroupMember(deps: ServiceDeps, caller: Caller, id: string, keyId: string): Promise<Result<GroupObject>> {
  const group = await visibleGroup(deps.db, caller, id);
  if (group === undefined) return notFound('group', id);
  const key = await findKeyById(deps.db, keyId);
  if (key === undefined || key.tenant_id !== group.tenant_id || key.kind === 'root') return notFound('key', keyId);
  const allowed = refuseGroupAssignment(caller.key, [id]);
  if (!allowed.ok) return allowed;
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    if (await addMember(trx, id, keyId, now)) {
      await record({ action: 'group.member.add', tenantId: group.tenant_id, environmentId: null, target: { type: 'group', id }, op: 'update', details: { keyId } });
    }
    return ok(await shownGroup(trx, group));
  });
}

export async function removeGroupMember(deps: ServiceDeps, caller: Caller, id: string, keyId: string): Promise<Result<GroupObject>> {
  const group = await visibleGroup(deps.db, caller, id);
  if (group === undefined) return notFound('group', id);
  return mutate(deps, caller.actor, async ({ trx, record }) => {
    if (!(await removeMember(trx, id, keyId))) return notFound('member', keyId);
    await record({ action: 'group.member.remove', tenantId: group.tenant_id, environmentId: null, target: { type: 'group', id }, op: 'update', details: { keyId } });
    return ok(await shownGroup(trx, group));
  });
}
