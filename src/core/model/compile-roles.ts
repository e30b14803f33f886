/**
 * The model's resource side: roles (actions, with what they include, resolved once and checked
 * for cycles), the resource types they apply to, and the levels a key may be given on a type.
 */
import { CREATE_ACTION, type LevelDef, type RoleDef, type TypeDef } from './model.js';
import { checkActions, type Errors, NAME } from './model-errors.js';
import type { LevelDoc, RoleDoc, TypeDoc } from './model-shape.js';

export function compileRoles(
  raw: Readonly<Record<string, RoleDoc>>,
  actions: ReadonlySet<string>,
  errors: Errors,
): Map<string, RoleDef> {
  const defs = new Map<string, RoleDoc>();
  for (const [name, def] of Object.entries(raw)) {
    if (!NAME.test(name)) errors.add(`roles.${name}`, 'invalid role name');
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
    const own = def.actions ?? [];
    checkActions(own, actions, `roles.${name}.actions`, errors);
    const all = new Set(own);
    let createsType = def.createsType ?? false;
    for (const [i, included] of (def.includes ?? []).entries()) {
      const inner = resolve(included, `roles.${name}.includes[${i}]`);
      inner?.actions.forEach((action) => all.add(action));
      createsType = createsType || inner?.createsType === true;
    }
    const storeAs = def.storeAs ?? null;
    if (storeAs !== null && !defs.has(storeAs)) errors.add(`roles.${name}.storeAs`, `unknown role "${storeAs}"`);
    const storedActions = storeAs === null ? null : resolve(storeAs, `roles.${name}.storeAs`)?.actions;
    const role: RoleDef = {
      name,
      actions: all,
      allTypes: def.allTypes ?? false,
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

export function compileTypes(
  raw: Readonly<Record<string, TypeDoc>>,
  roles: ReadonlyMap<string, RoleDef>,
  errors: Errors,
): Map<string, TypeDef> {
  const types = new Map<string, TypeDef>();
  for (const [name, def] of Object.entries(raw)) {
    const path = `types.${name}`;
    if (!NAME.test(name)) errors.add(path, 'invalid type name');
    const typeRoles = def.roles ?? [];
    typeRoles.forEach((role, i) => {
      if (!roles.has(role)) errors.add(`${path}.roles[${i}]`, `unknown role "${role}"`);
    });
    const parents = def.parents ?? [];
    const topLevel = def.topLevel ?? false;
    if (!topLevel && parents.length === 0) errors.add(path, 'needs topLevel: true or at least one parent type');
    types.set(name, {
      name,
      roles: new Set(typeRoles),
      topLevel,
      parents: new Set(parents),
      value: def.value ?? 'none',
      root: def.root ?? false,
      deleteRemovesChildren: def.deleteRemovesChildren ?? false,
      catalogue: def.catalogue ?? false,
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
export function compileLevels(
  raw: Readonly<Record<string, LevelDoc>>,
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
    const listed = value.actions ?? [];
    checkActions(listed, model.actions, `${path}.actions`, errors);
    const validWith = value.validWith ?? [];
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
