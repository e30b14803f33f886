/**
 * Sharing groups (seed 004): keys and users of a tenant (a user brings each of its keys, present
 * and future); what a member creates, the group owns, so every member may manage it. Adding a key
 * or user to a group shares the group's resources with it, so only a member, or a key with
 * tenant.manage, may (no escalation).
 */
import { ok, type Result } from '../../core/error-codes.js';
import { newId } from '../../core/ids.js';
import type { PageOf } from '../../api/common.js';
import type { AddMemberInput, CreateGroupInput, GroupObject, ListGroupsInput } from '../../api/groups.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { refuseGroupAssignment } from '../escalation.js';
import { mutate } from '../mutation.js';
import type { Db } from '../../storage/database.js';
import { tenantPageRequest, toPage } from '../pagination.js';
import { canSeeTenant, iso, notFound, resolveTenantId } from '../scope.js';
import { lockUser } from '../users/users.repository.js';
import {
  addMember,
  addUserMember,
  deleteGroup as deleteGroupRow,
  insertGroup,
  listGroups as listGroupRows,
  lockGroups,
  membersOf,
  removeMember,
  removeUserMember,
  renameGroup,
  userMembersOf,
  type GroupRow,
} from './groups.repository.js';
import { readTarget } from '../target-rows.js';

function toGroupObject(row: GroupRow, keys: readonly string[], users: readonly string[]): GroupObject {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    memberKeyIds: [...keys],
    memberUserIds: [...users],
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

async function shownGroup(db: Db, row: GroupRow): Promise<GroupObject> {
  return toGroupObject(
    row,
    (await membersOf(db, [row.id])).get(row.id) ?? [],
    (await userMembersOf(db, [row.id])).get(row.id) ?? [],
  );
}

async function visibleGroup(db: ServiceDeps['db'], caller: Caller, id: string): Promise<GroupRow | undefined> {
  const row = await readTarget(db, caller, 'group', id);
  return row !== undefined && canSeeTenant(caller.key, row.tenant_id) ? row : undefined;
}

export async function createGroup(
  deps: ServiceDeps,
  caller: Caller,
  input: CreateGroupInput,
): Promise<Result<GroupObject>> {
  const tenantId = resolveTenantId(caller.key, input.tenantId);
  if (!tenantId.ok) return tenantId;
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const row: GroupRow = {
      id: newId('group', now),
      tenant_id: tenantId.value,
      name: input.name,
      created_at: now,
      updated_at: now,
    };
    await insertGroup(trx, row);
    await record('group.create', row, 'create', { name: row.name });
    return ok(toGroupObject(row, [], []));
  });
}

export async function listGroups(
  deps: ServiceDeps,
  caller: Caller,
  query: ListGroupsInput,
): Promise<Result<PageOf<GroupObject>>> {
  const page = tenantPageRequest(caller.key, query);
  if (!page.ok) return page;
  const rows = await listGroupRows(deps.db, page.value);
  const ids = rows.map((row) => row.id);
  const members = await membersOf(deps.db, ids);
  const users = await userMembersOf(deps.db, ids);
  return ok(
    toPage(rows, page.value.limit, (row) => toGroupObject(row, members.get(row.id) ?? [], users.get(row.id) ?? [])),
  );
}

export async function getGroup(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<GroupObject>> {
  const row = await visibleGroup(deps.db, caller, id);
  return row === undefined ? notFound('group', id) : ok(await shownGroup(deps.db, row));
}

export async function updateGroup(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
  name: string,
): Promise<Result<GroupObject>> {
  if ((await visibleGroup(deps.db, caller, id)) === undefined) return notFound('group', id);
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const [current] = await lockGroups(trx, [id]);
    if (current === undefined) return notFound('group', id);
    await renameGroup(trx, id, name, now);
    await record('group.update', current, 'update', { name });
    return ok(await shownGroup(trx, { ...current, name, updated_at: now }));
  });
}

/** Deletes the group; its members keep everything else, and lose what only the group gave them. */
export async function deleteGroup(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<GroupObject>> {
  if ((await visibleGroup(deps.db, caller, id)) === undefined) return notFound('group', id);
  return mutate(deps, caller.actor, async ({ trx, record }) => {
    const [current] = await lockGroups(trx, [id]);
    if (current === undefined) return notFound('group', id);
    const members = await deleteGroupRow(trx, id);
    await record('group.delete', current, 'delete', {
      name: current.name,
      members: members.keys,
      userMembers: members.users,
    });
    return ok(toGroupObject(current, members.keys, members.users));
  });
}

/** Adds a key, or a user (and so each of its keys, present and future), to the group. */
export async function addGroupMember(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
  input: AddMemberInput,
): Promise<Result<GroupObject>> {
  const group = await visibleGroup(deps.db, caller, id);
  if (group === undefined) return notFound('group', id);
  if ('userId' in input) {
    const user = await readTarget(deps.db, caller, 'user', input.userId);
    if (user === undefined || user.tenant_id !== group.tenant_id) return notFound('user', input.userId);
  } else {
    const key = await readTarget(deps.db, caller, 'key', input.keyId);
    if (key === undefined || key.tenant_id !== group.tenant_id || key.kind === 'root')
      return notFound('key', input.keyId);
  }
  const allowed = refuseGroupAssignment(caller.key, [id]);
  if (!allowed.ok) return allowed;
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    // The group, then the user (see lockGroups): gone meanwhile, nothing is added.
    if ((await lockGroups(trx, [id])).length === 0) return notFound('group', id);
    if ('userId' in input && (await lockUser(trx, input.userId)) === undefined) return notFound('user', input.userId);
    const added =
      'userId' in input ? await addUserMember(trx, id, input.userId, now) : await addMember(trx, id, input.keyId, now);
    if (added) {
      await record('group.member.add', group, 'update', { ...input });
    }
    return ok(await shownGroup(trx, group));
  });
}

/** Removes a member key or user; a key stays a member while its user is one. */
export async function removeGroupMember(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
  memberId: string,
): Promise<Result<GroupObject>> {
  const group = await visibleGroup(deps.db, caller, id);
  if (group === undefined) return notFound('group', id);
  const isUser = memberId.startsWith('usr_');
  return mutate(deps, caller.actor, async ({ trx, record }) => {
    if ((await lockGroups(trx, [id])).length === 0) return notFound('group', id);
    if (isUser) await lockUser(trx, memberId);
    const removed = isUser ? await removeUserMember(trx, id, memberId) : await removeMember(trx, id, memberId);
    if (!removed) return notFound('member', memberId);
    await record('group.member.remove', group, 'update', isUser ? { userId: memberId } : { keyId: memberId });
    return ok(await shownGroup(trx, group));
  });
}
