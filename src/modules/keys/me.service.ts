/** `GET /v1/me`: the calling key as the API shows it, and everything its grants add up to. */
import { ok, type Result } from '../../core/error-codes.js';
import type { CompiledGrants } from '../../core/grants/compile-grants.js';
import { isRoot, type KeyRecord } from '../../core/key-record.js';
import type { AuthModel } from '../../core/model/model.js';
import type { EffectiveGrantsObject, MeObject } from '../../api/me.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { notFound } from '../scope.js';
import { shownKey } from './keys.service.js';
import { findKeyById } from './keys.repository.js';

function sortedActions(map: ReadonlyMap<string, ReadonlySet<string>>): Record<string, string[]> {
  return Object.fromEntries(
    [...map].sort(([a], [b]) => a.localeCompare(b)).map(([name, actions]) => [name, [...actions].sort()]),
  );
}

export function effectiveGrants(model: AuthModel, key: KeyRecord): EffectiveGrantsObject {
  if (isRoot(key)) {
    const everything = [...model.actions].sort();
    return {
      root: true,
      permissions: [...model.permissions.keys()].sort(),
      typeWide: {},
      allTypes: everything,
      createsTypes: [...model.types.keys()].sort(),
      resources: {},
      readDiscoverable: true,
    };
  }
  const grants: CompiledGrants = key.grants;
  return {
    root: false,
    permissions: [...grants.permissions].sort(),
    typeWide: sortedActions(grants.typeWide),
    allTypes: [...grants.allTypes].sort(),
    createsTypes: [...grants.createsTypes].sort(),
    resources: sortedActions(grants.onResource),
    readDiscoverable: grants.readDiscoverable,
  };
}

export async function getMe(deps: ServiceDeps, caller: Caller): Promise<Result<MeObject>> {
  const row = await findKeyById(deps.db, caller.key.id);
  if (row === undefined) return notFound('key', caller.key.id);
  return ok({
    key: await shownKey(deps.db, row, deps.clock.now(), deps.usage),
    grants: effectiveGrants(deps.model, caller.key),
  });
}
