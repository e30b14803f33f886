/**
 * What a key may hand out (SPEC §3, no escalation), worked out from `GET /v1/me` and
 * `GET /v1/model`, so the console's and the CLI's pickers can show an item disabled with its
 * reason instead of letting the server refuse it after submit. The server stays the judge
 * (src/core/grants/coverage.ts, which also follows resource chains only it can load): this is
 * the same rule read from the key's effective grants, never looser than them, and it reads
 * scopes with the server's grammar (scopes.ts).
 */
import type { MeObject } from './me.js';
import type { ModelDescriptionObject } from './model.js';
import { readScope, scopeActions } from './scopes.js';

/** The grant fields a key or a policy carries. */
export interface GrantSet {
  readonly permissions: readonly string[];
  readonly scopes: readonly string[];
  readonly levels: Readonly<Record<string, string>>;
}

export const NO_GRANTS: GrantSet = { permissions: [], scopes: [], levels: {} };

/** What the caller may grant, and why not where it may not. */
export interface Grantor {
  permission(id: string, forAdminKey: boolean): string | null;
  scope(text: string): string | null;
  level(type: string, level: string): string | null;
  preset(name: string, forAdminKey: boolean): string | null;
}

export function grantorFor(model: ModelDescriptionObject, me: MeObject): Grantor {
  const { grants } = me;
  const roleActions = new Map(model.roles.map((role) => [role.name, role.actions]));
  const levelActions = new Map(model.levels.map((level) => [level.name, level]));
  const permissionById = new Map(model.permissions.map((permission) => [permission.id, permission]));
  const covers = (type: string, resourceId: string | null, action: string) =>
    grants.root ||
    grants.allTypes.includes(action) ||
    (type !== 'org' && grants.typeWide[type]?.includes(action) === true) ||
    (resourceId !== null && grants.resources[resourceId]?.includes(action) === true);
  const lacking = (type: string, resourceId: string | null, actions: readonly string[]) =>
    actions.filter((action) => !covers(type, resourceId, action));

  const permission = (id: string, forAdminKey: boolean): string | null => {
    const entry = permissionById.get(id);
    if (entry === undefined) return `the model has no permission ${id}`;
    if (entry.alwaysHeld) return 'every key holds it already';
    if (!grants.root && !grants.permissions.includes(id)) return `your key does not hold ${id}`;
    if (entry.adminOnly && !forAdminKey) return 'only admin keys may hold it';
    return null;
  };
  const scope = (text: string): string | null => {
    const read = readScope(model, text);
    if (!read.ok) return read.error;
    const parsed = read.scope;
    // A stored legacy scope (`agent:viewer+run`) grants its role's actions and those after `+`.
    const missing = lacking(parsed.type, parsed.resourceId, scopeActions(model, parsed));
    if (missing.length > 0) return `your key may not ${missing.join(', ')} ${parsed.type}`;
    // A type-wide role that deletes also creates at the top level: the server asks for that too.
    const wholeType =
      (roleActions.get(parsed.role) ?? []).includes('delete') && parsed.resourceId === null && parsed.type !== 'org';
    if (wholeType && !grants.root && !grants.createsTypes.includes(parsed.type))
      return `your key may not create ${parsed.type} at the top level`;
    return null;
  };
  const level = (type: string, name: string): string | null => {
    const entry = levelActions.get(name);
    if (entry === undefined) return `the model has no level ${name}`;
    if (entry.actions.length > 0 && !entry.types.includes(type)) return `${type} takes no levels`;
    const missing = lacking(type, null, entry.actions);
    return missing.length > 0 ? `your key may not ${missing.join(', ')} ${type}` : null;
  };
  const preset = (name: string, forAdminKey: boolean): string | null => {
    const entry = model.presets.find((candidate) => candidate.name === name);
    if (entry === undefined) return `the model has no preset ${name}`;
    if (entry.adminOnly && !forAdminKey) return 'admin keys only';
    for (const id of entry.permissions) {
      const why = permission(id, forAdminKey);
      if (why !== null && why !== 'every key holds it already') return why;
    }
    for (const text of entry.scopes) {
      const why = scope(text);
      if (why !== null) return why;
    }
    return null;
  };
  return { permission, scope, level, preset };
}

/** Every reason the caller may not grant `set`, one line each; empty when all of it is grantable. */
export function blockers(grantor: Grantor, set: GrantSet, forAdminKey: boolean): string[] {
  const reasons: string[] = [];
  for (const id of set.permissions) {
    const why = grantor.permission(id, forAdminKey);
    if (why !== null) reasons.push(`${id}: ${why}`);
  }
  for (const text of set.scopes) {
    const why = grantor.scope(text);
    if (why !== null) reasons.push(`${text}: ${why}`);
  }
  for (const [type, level] of Object.entries(set.levels)) {
    const why = grantor.level(type, level);
    if (why !== null) reasons.push(`${type} ${level}: ${why}`);
  }
  return reasons;
}

/** Types that take levels (viewer/editor/owner roles), in model order. */
export function levelTypes(model: ModelDescriptionObject): string[] {
  const named = new Set(model.levels.flatMap((level) => level.types));
  return model.types.filter((type) => named.has(type.name)).map((type) => type.name);
}

/** The set with a preset's grants merged in (what the server does with `preset`). */
export function withPreset(model: ModelDescriptionObject, set: GrantSet, name: string): GrantSet {
  const entry = model.presets.find((candidate) => candidate.name === name);
  if (entry === undefined) return set;
  return {
    ...set,
    scopes: [...new Set([...entry.scopes, ...set.scopes])],
    permissions: [...new Set([...entry.permissions, ...set.permissions])],
  };
}
