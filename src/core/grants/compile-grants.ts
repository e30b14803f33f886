/**
 * A principal's grants, compiled once for the check: named permissions expanded through the
 * model into type-wide actions, and scopes split into type-wide and per-resource action sets.
 * Grants are a union: compiling more sources can only add actions.
 */
import type { AuthModel } from '../model/model.js';
import type { Scope } from './scope-syntax.js';

/** A level held on a type (`agent: edit`): actions on every resource of it, and perhaps creating it. */
export interface LevelGrant {
  readonly type: string;
  readonly level: string;
  readonly actions: ReadonlySet<string>;
  readonly createsType: boolean;
}

export interface GrantSource {
  readonly permissions: readonly string[];
  readonly scopes: readonly Scope[];
  readonly levels?: readonly LevelGrant[];
}

export interface CompiledGrants {
  /** Named permissions held (always-held ones included). */
  readonly permissions: ReadonlySet<string>;
  /** Type → actions on every resource of it (and their descendants) in the key's environment. */
  readonly typeWide: ReadonlyMap<string, ReadonlySet<string>>;
  /** Actions on every resource of every type (org `member`, and a type-wide role on the root type). */
  readonly allTypes: ReadonlySet<string>;
  /** Types the key may create at the top level or under any parent it may discover. */
  readonly createsTypes: ReadonlySet<string>;
  /** Resource id → actions on it and all its descendants. */
  readonly onResource: ReadonlyMap<string, ReadonlySet<string>>;
  /** The key may read whatever it may discover (`library.generate`). */
  readonly readDiscoverable: boolean;
  /**
   * The model's catalogue types, which every key discovers where visibility lets it reach them
   * (SPEC §3 step 4). Held by every key alike and never handed out: no escalation ignores it.
   */
  readonly catalogue?: ReadonlySet<string>;
}

/** The catalogue types of a model, worked out once per model and shared by every key's grants. */
const CATALOGUES = new WeakMap<AuthModel, ReadonlySet<string>>();

function catalogueOf(model: AuthModel): ReadonlySet<string> {
  let types = CATALOGUES.get(model);
  if (types === undefined) {
    types = new Set([...model.types.values()].filter((type) => type.catalogue === true).map((type) => type.name));
    CATALOGUES.set(model, types);
  }
  return types;
}

function addAll(map: Map<string, Set<string>>, key: string, actions: Iterable<string>): void {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  for (const action of actions) set.add(action);
}

export function compileGrants(model: AuthModel, sources: readonly GrantSource[]): CompiledGrants {
  const permissions = new Set<string>();
  const typeWide = new Map<string, Set<string>>();
  const allTypes = new Set<string>();
  const createsTypes = new Set<string>();
  const onResource = new Map<string, Set<string>>();
  let readDiscoverable = false;

  const alwaysHeld = [...model.permissions.values()].filter((def) => def.alwaysHeld).map((def) => def.id);
  for (const source of [{ permissions: alwaysHeld, scopes: [] }, ...sources]) {
    for (const id of source.permissions) {
      const def = model.permissions.get(id);
      if (def === undefined) continue;
      permissions.add(id);
      readDiscoverable = readDiscoverable || def.readDiscoverable;
      for (const grant of def.grants) {
        for (const type of grant.types) {
          addAll(typeWide, type, grant.actions);
          if (grant.createsType) createsTypes.add(type);
        }
      }
    }
    for (const scope of source.scopes) {
      const role = model.roles.get(scope.role);
      if (role === undefined) continue;
      const actions = [...role.actions, ...scope.plus];
      if (scope.resourceId !== null) {
        addAll(onResource, scope.resourceId, actions);
      } else if (role.allTypes) {
        actions.forEach((action) => allTypes.add(action));
      } else {
        addAll(typeWide, scope.type, actions);
        if (role.createsType) createsTypes.add(scope.type);
        // The root type (org) sits above every tree of the environment: a role on all of it
        // holds on every resource of every type, creating included (`org:admin`).
        if (model.types.get(scope.type)?.root === true) {
          actions.forEach((action) => allTypes.add(action));
          if (role.createsType) for (const type of model.types.keys()) createsTypes.add(type);
        }
      }
    }
    for (const level of source.levels ?? []) {
      addAll(typeWide, level.type, level.actions);
      if (level.createsType) createsTypes.add(level.type);
    }
  }
  return { permissions, typeWide, allTypes, createsTypes, onResource, readDiscoverable, catalogue: catalogueOf(model) };
}

/** The grants a key holds itself, for comparing by value: without what every key discovers alike. */
export function ownGrants(grants: CompiledGrants): CompiledGrants {
  const { catalogue: _everyones, ...own } = grants;
  return own;
}

/** Grants that allow nothing beyond the always-held permissions (and the catalogue's discovery). */
export function noGrants(model: AuthModel): CompiledGrants {
  return compileGrants(model, []);
}
