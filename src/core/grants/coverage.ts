/**
 * No escalation (SPEC §3): the grants a caller hands out must be covered by its own, compared
 * by value. A named permission is covered only by holding it (platforms ask for it by name);
 * a type-wide scope when the caller already has every action it gives on that type, and the
 * right to create the type where the scope carries one; a scope on one resource when the check
 * lets the caller do every action it gives on that very resource — its real type, its ancestors
 * and the roles held there, not the type the scope claims.
 */
import { checkResource, type KeyPosition, type TargetResource } from '../check.js';
import type { AuthModel } from '../model/model.js';
import { ownGrants, type CompiledGrants, type GrantSource } from './compile-grants.js';
import { formatScope, type Scope } from './scope-syntax.js';

export interface CallerGrants {
  readonly position: KeyPosition;
  readonly grants: CompiledGrants;
}

function coversTypeWide(caller: CompiledGrants, type: string, action: string): boolean {
  return caller.allTypes.has(action) || caller.typeWide.get(type)?.has(action) === true;
}

function coversScope(
  model: AuthModel,
  caller: CallerGrants,
  scope: Scope,
  targets: ReadonlyMap<string, TargetResource>,
): boolean {
  const role = model.roles.get(scope.role);
  if (role === undefined) return true; // grants nothing, so hands out nothing
  const actions = [...role.actions, ...scope.plus];
  if (scope.resourceId !== null) {
    const target = targets.get(scope.resourceId);
    if (target === undefined) return false;
    // By value, in any environment of the caller's tenant: its type-wide grants count as if it
    // stood in the resource's own environment (a tenant-wide users.manage key arms other envs).
    const position =
      target.tenantId === caller.position.tenantId
        ? { ...caller.position, environmentId: target.environmentId }
        : caller.position;
    return actions.every((action) => checkResource(position, caller.grants, action, target).allowed);
  }
  if (role.allTypes) return actions.every((action) => caller.grants.allTypes.has(action));
  if (role.createsType && !caller.grants.createsTypes.has(scope.type)) return false;
  return actions.every((action) => coversTypeWide(caller.grants, scope.type, action));
}

/**
 * What `requested` gives beyond `caller`, each named (`permission users.manage`, `scope agent:owner`).
 * `targets` holds every resource a resource scope names, loaded with its chain. Empty: covered.
 */
export function excessGrants(
  model: AuthModel,
  callerWithCatalogue: CallerGrants,
  requested: GrantSource,
  targets: ReadonlyMap<string, TargetResource>,
): string[] {
  // What the catalogue lets every key discover is no grant of the caller's to hand out: a scope
  // on a catalogue resource would pass discover on to whatever sits under it.
  const caller: CallerGrants = {
    position: callerWithCatalogue.position,
    grants: ownGrants(callerWithCatalogue.grants),
  };
  const excess: string[] = [];
  for (const id of requested.permissions) if (!caller.grants.permissions.has(id)) excess.push(`permission ${id}`);
  for (const scope of requested.scopes)
    if (!coversScope(model, caller, scope, targets)) excess.push(`scope ${formatScope(scope)}`);
  for (const level of requested.levels ?? []) {
    const covered =
      [...level.actions].every((action) => coversTypeWide(caller.grants, level.type, action)) &&
      (!level.createsType || caller.grants.createsTypes.has(level.type));
    if (!covered) excess.push(`level ${level.type}:${level.level}`);
  }
  return excess;
}
