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
import {
  checkActions,
  flag,
  names,
  optionalText,
  PERMISSION_ID,
  record,
  unknownKeys,
  type Errors,
  type Raw,
} from './model-shape.js';

function compileGrant(
  raw: unknown,
  path: string,
  model: { actions: ReadonlySet<string>; roles: ReadonlyMap<string, RoleDef>; types: ReadonlyMap<string, TypeDef> },
  errors: Errors,
): TypeGrant {
  const def = record(raw, path, errors);
  unknownKeys(def, ['types', 'actions', 'role'], path, errors);
  const types = names(def['types'], `${path}.types`, errors);
  if (types.length === 0) errors.add(`${path}.types`, 'must name at least one type');
  types.forEach((type, i) => {
    if (!model.types.has(type)) errors.add(`${path}.types[${i}]`, `unknown type "${type}"`);
  });
  const listed = names(def['actions'], `${path}.actions`, errors);
  checkActions(listed, model.actions, `${path}.actions`, errors);
  // In a permission, `create` on a type means creating resources of that type (seed 001's
  // "Session Create"), not creating children under every resource of it as in a role.
  let createsType = listed.includes(CREATE_ACTION);
  const actions = new Set(listed.filter((action) => action !== CREATE_ACTION));
  if (def['role'] !== undefined) {
    const role = model.roles.get(String(def['role']));
    if (role === undefined) errors.add(`${path}.role`, `unknown role "${String(def['role'])}"`);
    role?.actions.forEach((action) => actions.add(action));
    createsType = createsType || role?.createsType === true;
  }
  if (actions.size === 0 && !createsType) errors.add(path, 'grants no action: give actions or a role');
  return { types, actions, createsType };
}

export function compilePermissions(
  raw: Raw,
  model: { actions: ReadonlySet<string>; roles: ReadonlyMap<string, RoleDef>; types: ReadonlyMap<string, TypeDef> },
  errors: Errors,
): Map<string, PermissionDef> {
  const permissions = new Map<string, PermissionDef>();
  for (const [id, value] of Object.entries(raw)) {
    const path = `permissions.${id}`;
    if (!PERMISSION_ID.test(id)) errors.add(path, 'invalid permission id');
    const def = record(value, path, errors);
    unknownKeys(def, ['title', 'scope', 'adminOnly', 'alwaysHeld', 'grants', 'readDiscoverable'], path, errors);
    const scope = def['scope'] ?? 'environment';
    if (scope !== 'environment' && scope !== 'tenant') errors.add(`${path}.scope`, 'must be environment or tenant');
    const rawGrants = def['grants'] ?? [];
    const grants = Array.isArray(rawGrants)
      ? rawGrants.map((grant, i) => compileGrant(grant, `${path}.grants[${i}]`, model, errors))
      : [];
    if (!Array.isArray(rawGrants)) errors.add(`${path}.grants`, 'must be a list');
    permissions.set(id, {
      id,
      title: typeof def['title'] === 'string' ? def['title'] : id,
      scope: scope === 'tenant' ? 'tenant' : 'environment',
      adminOnly: flag(def['adminOnly'], `${path}.adminOnly`, errors),
      alwaysHeld: flag(def['alwaysHeld'], `${path}.alwaysHeld`, errors),
      grants,
      readDiscoverable: flag(def['readDiscoverable'], `${path}.readDiscoverable`, errors),
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
  raw: Raw,
  model: Pick<AuthModel, 'actions' | 'roles' | 'types' | 'permissions'>,
  errors: Errors,
): Map<string, PresetDef> {
  const presets = new Map<string, PresetDef>();
  for (const [name, value] of Object.entries(raw)) {
    const path = `presets.${name}`;
    const def = Array.isArray(value) ? { scopes: value } : record(value, path, errors);
    if (!Array.isArray(value))
      unknownKeys(def, ['scopes', 'permissions', 'adminOnly', 'icon', 'useCase'], path, errors);
    const scopesPath = Array.isArray(value) ? path : `${path}.scopes`;
    const scopes = names(def['scopes'], scopesPath, errors);
    scopes.forEach((scope, i) => {
      const parsed = parseScope(scope, model);
      if (!parsed.ok) errors.add(`${scopesPath}[${i}]`, parsed.error);
    });
    const everyPermission = [...model.permissions.values()]
      .filter((permission) => !permission.alwaysHeld)
      .map((permission) => permission.id);
    const permissions =
      def['permissions'] === 'all' ? everyPermission : names(def['permissions'], `${path}.permissions`, errors);
    permissions.forEach((id, i) => {
      if (!model.permissions.has(id)) errors.add(`${path}.permissions[${i}]`, `unknown permission "${id}"`);
    });
    const adminOnly = flag(def['adminOnly'], `${path}.adminOnly`, errors);
    const needsAdmin = permissions.filter((id) => model.permissions.get(id)?.adminOnly === true);
    if (needsAdmin.length > 0 && !adminOnly)
      errors.add(
        `${path}.adminOnly`,
        `must be true: the preset carries admin-only permissions (${needsAdmin.join(', ')})`,
      );
    const icon = optionalText(def['icon'], `${path}.icon`, 16, errors);
    const useCase = optionalText(def['useCase'], `${path}.useCase`, 200, errors);
    presets.set(name, { name, scopes, permissions, adminOnly, icon, useCase });
  }
  return presets;
}
