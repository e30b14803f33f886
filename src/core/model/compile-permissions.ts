/**
 * The model's key side: named permissions with the grants on types they stand for, and presets,
 * the ready-made sets of scopes and permissions a key may be created with.
 */
import {
  CREATE_ACTION,
  type AuthModel,
  type PermissionDef,
  type PresetDef,
  type RoleDef,
  type TypeDef,
  type TypeGrant,
} from './model.js';
import { parseScope } from '../grants/scope-syntax.js';
import { checkActions, type Errors, PERMISSION_ID } from './model-errors.js';
import type { PermissionDoc, PresetDoc } from './model-shape.js';

type GrantDoc = NonNullable<PermissionDoc['grants']>[number];

function compileGrant(
  def: GrantDoc,
  path: string,
  model: { actions: ReadonlySet<string>; roles: ReadonlyMap<string, RoleDef>; types: ReadonlyMap<string, TypeDef> },
  errors: Errors,
): TypeGrant {
  const types = def.types ?? [];
  if (types.length === 0) errors.add(`${path}.types`, 'must name at least one type');
  types.forEach((type, i) => {
    if (!model.types.has(type)) errors.add(`${path}.types[${i}]`, `unknown type "${type}"`);
  });
  const listed = def.actions ?? [];
  checkActions(listed, model.actions, `${path}.actions`, errors);
  // In a permission, `create` on a type means creating resources of that type (seed 001's
  // "Session Create"), not creating children under every resource of it as in a role.
  let createsType = listed.includes(CREATE_ACTION);
  const actions = new Set(listed.filter((action) => action !== CREATE_ACTION));
  if (def.role !== undefined) {
    const role = model.roles.get(def.role);
    if (role === undefined) errors.add(`${path}.role`, `unknown role "${def.role}"`);
    role?.actions.forEach((action) => actions.add(action));
    createsType = createsType || role?.createsType === true;
  }
  if (actions.size === 0 && !createsType) errors.add(path, 'grants no action: give actions or a role');
  return { types, actions, createsType };
}

export function compilePermissions(
  raw: Readonly<Record<string, PermissionDoc>>,
  model: { actions: ReadonlySet<string>; roles: ReadonlyMap<string, RoleDef>; types: ReadonlyMap<string, TypeDef> },
  errors: Errors,
): Map<string, PermissionDef> {
  const permissions = new Map<string, PermissionDef>();
  for (const [id, def] of Object.entries(raw)) {
    const path = `permissions.${id}`;
    if (!PERMISSION_ID.test(id)) errors.add(path, 'invalid permission id');
    permissions.set(id, {
      id,
      title: def.title ?? id,
      scope: def.scope ?? 'environment',
      adminOnly: def.adminOnly ?? false,
      alwaysHeld: def.alwaysHeld ?? false,
      grants: (def.grants ?? []).map((grant, i) => compileGrant(grant, `${path}.grants[${i}]`, model, errors)),
      readDiscoverable: def.readDiscoverable ?? false,
    });
  }
  return permissions;
}

/**
 * A preset is a list of scopes, or a mapping with `scopes`, `permissions` (a list, or `all`: every
 * named permission of the model but the always-held ones), `adminOnly`, and what the wizard shows
 * of it: `icon` and `useCase` (seed 004's table).
 */
export function compilePresets(
  raw: Readonly<Record<string, PresetDoc>>,
  model: Pick<AuthModel, 'actions' | 'roles' | 'types' | 'permissions'>,
  errors: Errors,
): Map<string, PresetDef> {
  const presets = new Map<string, PresetDef>();
  for (const [name, value] of Object.entries(raw)) {
    const path = `presets.${name}`;
    const def: Exclude<PresetDoc, string[]> = Array.isArray(value) ? { scopes: value } : value;
    const scopesPath = Array.isArray(value) ? path : `${path}.scopes`;
    const scopes = def.scopes ?? [];
    scopes.forEach((scope, i) => {
      const parsed = parseScope(scope, model);
      if (!parsed.ok) errors.add(`${scopesPath}[${i}]`, parsed.error);
    });
    const everyPermission = [...model.permissions.values()]
      .filter((permission) => !permission.alwaysHeld)
      .map((permission) => permission.id);
    const permissions = def.permissions === 'all' ? everyPermission : (def.permissions ?? []);
    permissions.forEach((id, i) => {
      if (!model.permissions.has(id)) errors.add(`${path}.permissions[${i}]`, `unknown permission "${id}"`);
    });
    const adminOnly = def.adminOnly ?? false;
    const needsAdmin = permissions.filter((id) => model.permissions.get(id)?.adminOnly === true);
    if (needsAdmin.length > 0 && !adminOnly)
      errors.add(
        `${path}.adminOnly`,
        `must be true: the preset carries admin-only permissions (${needsAdmin.join(', ')})`,
      );
    const icon = def.icon ?? null;
    const useCase = def.useCase ?? null;
    presets.set(name, { name, scopes, permissions, adminOnly, icon, useCase });
  }
  return presets;
}
