/**
 * Turns the declarative model (parsed YAML or JSON) into an AuthModel, or into a list of errors
 * each naming the bad entry by its path (`roles.editor.includes[0]: unknown role "viewr"`), so
 * an operator's broken model file stops the server with a message they can act on.
 */
import { parse as parseYaml } from 'yaml';
import {
  CREATE_ACTION,
  type AuthModel,
  type LevelDef,
  type PermissionDef,
  type PresetDef,
  type RoleDef,
  type TypeDef,
  type TypeGrant,
} from './model.js';
import { parseScope } from '../grants/scope-syntax.js';
import { missingRequiredPermissions } from './required-permissions.js';

export type ModelResult =
  | { readonly ok: true; readonly model: AuthModel }
  | { readonly ok: false; readonly errors: readonly string[] };

type Raw = Record<string, unknown>;

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const PERMISSION_ID = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Errors {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
}

function record(raw: unknown, path: string, errors: Errors): Raw {
  if (isRecord(raw)) return raw;
  errors.add(path, 'must be a mapping');
  return {};
}

function names(raw: unknown, path: string, errors: Errors): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    errors.add(path, 'must be a list');
    return [];
  }
  return raw.filter((item, i) => {
    if (typeof item === 'string') return true;
    errors.add(`${path}[${i}]`, 'must be a string');
    return false;
  });
}

function flag(raw: unknown, path: string, errors: Errors): boolean {
  if (raw === undefined) return false;
  if (typeof raw === 'boolean') return raw;
  errors.add(path, 'must be true or false');
  return false;
}

/** An optional short text shown to people (a preset's icon or use case); null when absent. */
function optionalText(raw: unknown, path: string, maxLength: number, errors: Errors): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string' && raw.trim() !== '' && raw.length <= maxLength) return raw;
  errors.add(path, `must be a non-empty string of at most ${maxLength} characters`);
  return null;
}

function unknownKeys(raw: Raw, allowed: readonly string[], path: string, errors: Errors): void {
  for (const key of Object.keys(raw)) if (!allowed.includes(key)) errors.add(`${path}.${key}`, 'unknown field');
}

function checkActions(list: string[], actions: ReadonlySet<string>, path: string, errors: Errors): void {
  list.forEach((action, i) => {
    if (!actions.has(action)) errors.add(`${path}[${i}]`, `unknown action "${action}"`);
  });
}

function compileRoles(raw: Raw, actions: ReadonlySet<string>, errors: Errors): Map<string, RoleDef> {
  const defs = new Map<string, Raw>();
  for (const [name, value] of Object.entries(raw)) {
    if (!NAME.test(name)) errors.add(`roles.${name}`, 'invalid role name');
    const def = record(value, `roles.${name}`, errors);
    unknownKeys(def, ['actions', 'includes', 'allTypes', 'createsType', 'storeAs'], `roles.${name}`, errors);
    defs.set(name, def);
  }
  const roles = new Map<string, RoleDef>();
  const resolving = new Set<string>();
  const resolve = (name: string, path: string): RoleDef | null => {
    const done = roles.get(name);
    if (done !== undefined) return done;
    const def = defs.get(name);
    if (def === undefined) {
      errors.add(path, `unknown role "${name}"`);
      return null;
    }
    if (resolving.has(name)) {
      errors.add(path, `role "${name}" includes itself`);
      return null;
    }
    resolving.add(name);
    const own = names(def['actions'], `roles.${name}.actions`, errors);
    checkActions(own, actions, `roles.${name}.actions`, errors);
    const all = new Set(own);
    let createsType = flag(def['createsType'], `roles.${name}.createsType`, errors);
    for (const [i, included] of names(def['includes'], `roles.${name}.includes`, errors).entries()) {
      const inner = resolve(included, `roles.${name}.includes[${i}]`);
      inner?.actions.forEach((action) => all.add(action));
      createsType = createsType || inner?.createsType === true;
    }
    const storeAs = def['storeAs'] === undefined ? null : String(def['storeAs']);
    if (storeAs !== null && !defs.has(storeAs)) errors.add(`roles.${name}.storeAs`, `unknown role "${storeAs}"`);
    const storedActions = storeAs === null ? null : resolve(storeAs, `roles.${name}.storeAs`)?.actions;
    const role: RoleDef = {
      name,
      actions: all,
      allTypes: flag(def['allTypes'], `roles.${name}.allTypes`, errors),
      createsType,
      storeAs,
      storeExtra: storedActions ? [...all].filter((action) => !storedActions.has(action)) : [],
    };
    resolving.delete(name);
    roles.set(name, role);
    return role;
  };
  for (const name of defs.keys()) resolve(name, `roles.${name}`);
  return roles;
}

function compileTypes(raw: Raw, roles: ReadonlyMap<string, RoleDef>, errors: Errors): Map<string, TypeDef> {
  const types = new Map<string, TypeDef>();
  for (const [name, value] of Object.entries(raw)) {
    const path = `types.${name}`;
    if (!NAME.test(name)) errors.add(path, 'invalid type name');
    const def = record(value, path, errors);
    unknownKeys(
      def,
      ['roles', 'topLevel', 'parents', 'value', 'root', 'deleteRemovesChildren', 'catalogue'],
      path,
      errors,
    );
    const valueKind = def['value'] ?? 'none';
    if (valueKind !== 'none' && valueKind !== 'clear' && valueKind !== 'secret')
      errors.add(`${path}.value`, 'must be none, clear or secret');
    const typeRoles = names(def['roles'], `${path}.roles`, errors);
    typeRoles.forEach((role, i) => {
      if (!roles.has(role)) errors.add(`${path}.roles[${i}]`, `unknown role "${role}"`);
    });
    const parents = names(def['parents'], `${path}.parents`, errors);
    const topLevel = flag(def['topLevel'], `${path}.topLevel`, errors);
    if (!topLevel && parents.length === 0) errors.add(path, 'needs topLevel: true or at least one parent type');
    types.set(name, {
      name,
      roles: new Set(typeRoles),
      topLevel,
      parents: new Set(parents),
      value: valueKind === 'clear' || valueKind === 'secret' ? valueKind : 'none',
      root: flag(def['root'], `${path}.root`, errors),
      deleteRemovesChildren: flag(def['deleteRemovesChildren'], `${path}.deleteRemovesChildren`, errors),
      catalogue: flag(def['catalogue'], `${path}.catalogue`, errors),
    });
  }
  const roots = [...types.values()].filter((type) => type.root);
  if (roots.length > 1)
    errors.add('types', `at most one type may be the root, got ${roots.map((type) => type.name).join(', ')}`);
  for (const root of roots)
    if (!root.topLevel || root.parents.size > 0)
      errors.add(`types.${root.name}.root`, 'the root type sits at the top level, under nothing');
  for (const type of types.values()) {
    [...type.parents].forEach((parent, i) => {
      if (!types.has(parent)) errors.add(`types.${type.name}.parents[${i}]`, `unknown type "${parent}"`);
    });
  }
  return types;
}

/**
 * A level is either a role's name (its actions, and its createsType) or a mapping of actions, in
 * which `create` means creating resources of the type, as in a permission's grant.
 */
function compileLevels(
  raw: Raw,
  model: { actions: ReadonlySet<string>; roles: ReadonlyMap<string, RoleDef> },
  errors: Errors,
): Map<string, LevelDef | null> {
  const levels = new Map<string, LevelDef | null>();
  for (const [name, value] of Object.entries(raw)) {
    const path = `levels.${name}`;
    if (value === null) {
      levels.set(name, null);
      continue;
    }
    if (typeof value === 'string') {
      const role = model.roles.get(value);
      if (role === undefined) {
        errors.add(path, `must be null, a role or a mapping of actions, got ${JSON.stringify(value)}`);
        continue;
      }
      levels.set(name, { name, actions: role.actions, createsType: role.createsType, validWith: [role.name] });
      continue;
    }
    if (!isRecord(value)) {
      errors.add(path, `must be null, a role or a mapping of actions, got ${JSON.stringify(value)}`);
      continue;
    }
    unknownKeys(value, ['actions', 'validWith'], path, errors);
    const listed = names(value['actions'], `${path}.actions`, errors);
    checkActions(listed, model.actions, `${path}.actions`, errors);
    const validWith = names(value['validWith'], `${path}.validWith`, errors);
    validWith.forEach((role, i) => {
      if (!model.roles.has(role)) errors.add(`${path}.validWith[${i}]`, `unknown role "${role}"`);
    });
    levels.set(name, {
      name,
      actions: new Set(listed.filter((action) => action !== CREATE_ACTION)),
      createsType: listed.includes(CREATE_ACTION),
      validWith,
    });
  }
  return levels;
}

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

function compilePermissions(
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
function compilePresets(
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

/** Compiles an already-parsed model document. */
export function compileModel(document: unknown): ModelResult {
  const errors = new Errors();
  const root = record(document, 'model', errors);
  unknownKeys(
    root,
    ['version', 'actions', 'roles', 'types', 'levels', 'permissions', 'presets', 'creatorRole'],
    'model',
    errors,
  );
  if (root['version'] !== 1) errors.add('version', 'must be 1');
  const actions = new Set(names(root['actions'], 'actions', errors));
  if (actions.size === 0) errors.add('actions', 'must list at least one action');
  const roles = compileRoles(record(root['roles'] ?? {}, 'roles', errors), actions, errors);
  const types = compileTypes(record(root['types'] ?? {}, 'types', errors), roles, errors);
  const levels = compileLevels(record(root['levels'] ?? {}, 'levels', errors), { actions, roles }, errors);
  const permissions = compilePermissions(
    record(root['permissions'] ?? {}, 'permissions', errors),
    { actions, roles, types },
    errors,
  );
  for (const error of missingRequiredPermissions(permissions)) errors.list.push(error);
  const presets = compilePresets(
    record(root['presets'] ?? {}, 'presets', errors),
    { actions, roles, types, permissions },
    errors,
  );
  const creatorRole = root['creatorRole'] === undefined ? (roles.has('owner') ? 'owner' : null) : root['creatorRole'];
  if (creatorRole !== null && (typeof creatorRole !== 'string' || !roles.has(creatorRole))) {
    errors.add('creatorRole', `unknown role ${JSON.stringify(creatorRole)}`);
  }
  if (errors.list.length > 0) return { ok: false, errors: errors.list };
  return {
    ok: true,
    model: { actions, roles, types, levels, permissions, presets, creatorRole: creatorRole as string | null },
  };
}

/** Parses model text (YAML, of which JSON is a subset) and compiles it. */
export function parseModel(text: string): ModelResult {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    return {
      ok: false,
      errors: [`model: not valid YAML or JSON: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
  return compileModel(document);
}
