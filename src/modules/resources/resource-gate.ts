/**
 * What a management call on a resource needs, decided by the check (SPEC §3, §5): the route
 * declares the action, the auth hook calls this gate, and no handler decides access itself.
 * A resource the caller could not discover is a 404; one it knows of but may not act on, 403.
 */
import {
  checkCreate,
  checkResource,
  mayKnow,
  type CheckResult,
  type KeyPosition,
  type TargetResource,
} from '../../core/check.js';
import { fail, ok, type Result } from '../../core/error-codes.js';
import { isRoot, keyPosition, type KeyRecord } from '../../core/key-record.js';
import type { AuthModel } from '../../core/model/model.js';
import type { Db } from '../../storage/database.js';
import { notFound } from '../scope.js';
import { bodyOf, idParam, rowsOf, type Gate } from '../gate.js';
import type { TargetRows } from '../target-rows.js';

export interface ResourceGateDeps {
  readonly db: Db;
  readonly model: AuthModel;
}

function knows(position: KeyPosition, key: KeyRecord, target: TargetResource): boolean {
  return mayKnow(position, key.grants, target);
}

function refused(result: CheckResult & { allowed: false }): Result<never> {
  return fail('FORBIDDEN', `this needs ${result.missing}`, { needed: result.missing });
}

/** The resource as the check sees it: the one the auth hook loaded to judge its visibility (target-rows.ts). */
function targetOf(deps: ResourceGateDeps, rows: TargetRows, id: string): Promise<TargetResource | undefined> {
  return rows.resourceTarget(deps.db, deps.model, id);
}

/** `action` on `target`: allowed, 403 when the key knows of it, 404 when it does not. */
function may(position: KeyPosition, key: KeyRecord, action: string, target: TargetResource): Result<null> {
  const result = checkResource(position, key.grants, action, target);
  if (result.allowed) return ok(null);
  return knows(position, key, target) ? refused(result) : notFound('resource', target.id);
}

/** A parent named in a body: it must exist, be known to the caller, and lie in `environmentId`. */
async function parentFor(
  deps: ResourceGateDeps,
  rows: TargetRows,
  position: KeyPosition,
  key: KeyRecord,
  parentId: string,
  environmentId: string,
): Promise<Result<TargetResource>> {
  const parent = await targetOf(deps, rows, parentId);
  if (parent === undefined || !knows(position, key, parent)) return notFound('resource', parentId);
  if (parent.environmentId !== environmentId) {
    return isRoot(key)
      ? fail('VALIDATION', `parent ${parentId} is in another environment`, { field: 'parentId' })
      : fail('FORBIDDEN', `parent ${parentId} is in another environment; nothing is created across environments`);
  }
  return ok(parent);
}

function placeable(model: AuthModel, type: string, parent: TargetResource | null): Result<null> {
  const typeDef = model.types.get(type);
  if (typeDef === undefined) return fail('VALIDATION', `unknown resource type: ${type}`, { field: 'type' });
  if (parent === null && !typeDef.topLevel) {
    return fail('VALIDATION', `a ${type} needs a parent (${[...typeDef.parents].join(', ')})`, { field: 'parentId' });
  }
  if (parent !== null && !typeDef.parents.has(parent.type)) {
    return fail(
      'VALIDATION',
      `a ${type} cannot sit under a ${parent.type} (parents: ${[...typeDef.parents].join(', ') || 'none'})`,
      { field: 'parentId' },
    );
  }
  return ok(null);
}

function mayCreate(
  model: AuthModel,
  position: KeyPosition,
  key: KeyRecord,
  type: string,
  parent: TargetResource | null,
): Result<null> {
  const result = checkCreate(model, position, key.grants, type, parent);
  return result.allowed ? ok(null) : refused(result);
}

export async function authorizeCreate(
  deps: ResourceGateDeps,
  rows: TargetRows,
  key: KeyRecord,
  body: { type: string; environmentId?: string; parentId?: string },
): Promise<Result<null>> {
  if (!deps.model.types.has(body.type))
    return fail('VALIDATION', `unknown resource type: ${body.type}`, { field: 'type' });
  const environmentId = body.environmentId ?? key.environmentId;
  if (environmentId === null)
    return fail('VALIDATION', 'environmentId is required when acting with the root key', { field: 'environmentId' });
  if (!isRoot(key) && environmentId !== key.environmentId) {
    const environment = await rows.read(deps.db, 'environment', environmentId);
    if (environment === undefined || environment.tenant_id !== key.tenantId)
      return notFound('environment', environmentId);
    return fail('FORBIDDEN', 'a key creates resources in its own environment only');
  }
  if (isRoot(key) && (await rows.read(deps.db, 'environment', environmentId)) === undefined)
    return notFound('environment', environmentId);
  const position = keyPosition(key);
  let parent: TargetResource | null = null;
  if (body.parentId !== undefined) {
    const found = await parentFor(deps, rows, position, key, body.parentId, environmentId);
    if (!found.ok) return found;
    parent = found.value;
  }
  const place = placeable(deps.model, body.type, parent);
  if (!place.ok) return place;
  return mayCreate(deps.model, position, key, body.type, parent);
}

export async function authorizeAction(
  deps: ResourceGateDeps,
  rows: TargetRows,
  key: KeyRecord,
  action: 'read' | 'update' | 'delete',
  id: string,
  body: { visibility?: string | undefined; parentId?: string | null | undefined } | undefined,
): Promise<Result<null>> {
  const target = await targetOf(deps, rows, id);
  if (target === undefined) return notFound('resource', id);
  const position = keyPosition(key);
  const allowed = may(position, key, action, target);
  if (!allowed.ok || action !== 'update' || body === undefined) return allowed;
  // Changing who may see it is sharing it (SPEC §3).
  if (body.visibility !== undefined && body.visibility !== target.visibility) {
    const share = may(position, key, 'share', target);
    if (!share.ok) return share;
  }
  if (body.parentId === undefined) return ok(null);
  // A move takes the resource out of its place: as much as deleting it there (else an editor
  // could move it under a parent it owns and become its owner). It must be allowed to sit under
  // its new parent, which the key must be allowed to create it under, and which must not be
  // itself or anything beneath it.
  const leave = may(position, key, 'delete', target);
  if (!leave.ok) return leave;
  let parent: TargetResource | null = null;
  if (body.parentId !== null) {
    const found = await parentFor(deps, rows, position, key, body.parentId, target.environmentId);
    if (!found.ok) return found;
    parent = found.value;
    if (parent.id === target.id || parent.ancestors.some((ancestor) => ancestor.id === target.id)) {
      return fail('VALIDATION', `resource ${target.id} cannot move under itself or its own descendant`, {
        field: 'parentId',
      });
    }
  }
  const place = placeable(deps.model, target.type, parent);
  if (!place.ok) return place;
  return mayCreate(deps.model, position, key, target.type, parent);
}

/**
 * The gate of `/v1/resources`: `create` from the body; `read`, `update` (with its field rules:
 * visibility → share, parentId → a move) and `delete` on the resource named by the `id` parameter.
 */
export function resourceGate(deps: ResourceGateDeps): Gate {
  return async (key, action, facts) => {
    const body = bodyOf<{ type: string; environmentId: string; parentId: string | null; visibility: string }>(facts);
    if (action === 'create') {
      return authorizeCreate(deps, rowsOf(facts), key, {
        type: body.type ?? '',
        ...(body.environmentId === undefined ? {} : { environmentId: body.environmentId }),
        ...(typeof body.parentId === 'string' ? { parentId: body.parentId } : {}),
      });
    }
    if (action !== 'read' && action !== 'update' && action !== 'delete')
      throw new Error(`resource gate: unknown action ${action}`);
    return authorizeAction(deps, rowsOf(facts), key, action, idParam(facts), action === 'update' ? body : undefined);
  };
}
