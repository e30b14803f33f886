/**
 * No escalation (SPEC §3): the grants a caller hands out must be covered by its own, compared
 * by value. A named permission is covered only by holding it (platforms ask for it by name);
 * a scope is covered when the caller's grants already give every action it gives, on the same
 * resources, and the right to create that type where the scope carries one.
 */
import type { AuthModel } from '../model/model.js';
import type { CompiledGrants, GrantSource } from './compile-grants.js';
import { formatScope, type Scope } from './scope-syntax.js';

function coversTypeWide(caller: CompiledGrants, type: string, action: string): boolean {
  return caller.allTypes.has(action) || caller.typeWide.get(type)?.has(action) === true;
}

function coversScope(model: AuthModel, caller: CompiledGrants, scope: Scope): boolean {
  const role = model.roles.get(scope.role);
  if (role === undefined) return true; // grants nothing, so hands out nothing
  const actions = [...role.actions, ...scope.plus];
  if (scope.resourceId !== null) {
    const onResource = caller.onResource.get(scope.resourceId);
    return actions.every((action) => onResource?.has(action) === true || coversTypeWide(caller, scope.type, action));
  }
  if (role.allTypes) return actions.every((action) => caller.allTypes.has(action));
  if (role.createsType && !caller.createsTypes.has(scope.type)) return false;
  return actions.every((action) => coversTypeWide(caller, scope.type, action));
}

/** What `requested` gives beyond `caller`, each named (`permission users.manage`, `scope agent:owner`). Empty: covered. */
export function excessGrants(model: AuthModel, caller: CompiledGrants, requested: GrantSource): string[] {
  const excess: string[] = [];
  for (const id of requested.permissions) if (!caller.permissions.has(id)) excess.push(`permission ${id}`);
  for (const scope of requested.scopes) if (!coversScope(model, caller, scope)) excess.push(`scope ${formatScope(scope)}`);
  return excess;
}
