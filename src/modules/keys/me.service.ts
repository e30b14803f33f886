/** `GET /v1/me`: the calling key as the API shows it, and the permissions it holds. */
import { ok, type Result } from '../../core/error-codes.js';
import { isRoot } from '../../core/key-record.js';
import { ALWAYS_HELD, PERMISSIONS } from '../../core/permissions.js';
import type { MeObject } from '../../api/me.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { notFound } from '../scope.js';
import { toKeyObject } from './key-object.js';
import { findKeyById } from './keys.repository.js';

export async function describeCaller(deps: ServiceDeps, caller: Caller): Promise<Result<MeObject>> {
  const row = await findKeyById(deps.db, caller.key.id);
  if (row === undefined) return notFound('key', caller.key.id);
  const permissions = isRoot(caller.key) ? [...PERMISSIONS.keys()] : [...new Set([ALWAYS_HELD, ...caller.key.permissions])];
  return ok({ key: toKeyObject(row, deps.clock.now()), grants: { permissions: permissions.sort(), root: isRoot(caller.key) } });
}
