/**
 * The grants a key (or, later, a policy) is given, as the API takes them — named permissions,
 * scopes, levels and a preset — validated against the model and normalised for storage. A
 * preset is a starting set of scopes (seed 004), so it is expanded into `scopes` here and kept
 * only as a label; levels stay as given and count as `type:role` scopes.
 */
import { fail, ok, type Result } from '../error-codes.js';
import type { AuthModel } from '../model/model.js';
import type { GrantSource, LevelGrant } from './compile-grants.js';
import { formatScope, parseScope, type Scope } from './scope-syntax.js';

export interface GrantInput {
  readonly permissions?: readonly string[] | undefined;
  readonly scopes?: readonly string[] | undefined;
  readonly levels?: Readonly<Record<string, string>> | undefined;
  readonly preset?: string | undefined;
}

/** What is stored and shown: sorted, deduplicated, legacy roles normalised. */
export interface GrantSet {
  readonly permissions: readonly string[];
  readonly scopes: readonly string[];
  readonly levels: Readonly<Record<string, string>>;
  readonly preset: string | null;
}

export const NO_GRANTS: GrantSet = { permissions: [], scopes: [], levels: {}, preset: null };

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** The types `levels` may name: those that allow every role each level is valid with. */
export function levelsApplyTo(model: AuthModel, type: string): boolean {
  const typeDef = model.types.get(type);
  if (typeDef === undefined) return false;
  return [...model.levels.values()].every(
    (level) => level === null || level.validWith.every((role) => typeDef.roles.has(role)),
  );
}

/**
 * Validates a grant input: every permission, type, role and level must exist in the model, and
 * tenant-scoped (admin-only) permissions need an admin key. Errors are 400s naming the entry.
 */
export function resolveGrantInput(
  model: AuthModel,
  input: GrantInput,
  options: { readonly admin: boolean },
): Result<GrantSet> {
  const preset = input.preset === undefined ? undefined : model.presets.get(input.preset);
  if (input.preset !== undefined && preset === undefined) {
    return fail('VALIDATION', `unknown preset "${input.preset}" (known: ${[...model.presets.keys()].join(', ')})`, {
      field: 'preset',
    });
  }
  if (preset?.adminOnly === true && !options.admin)
    return fail('VALIDATION', `the preset ${preset.name} may only be used for an admin key`, { field: 'preset' });
  const permissions = [...(preset?.permissions ?? []), ...(input.permissions ?? [])];
  const unknown = permissions.filter((id) => !model.permissions.has(id));
  if (unknown.length > 0)
    return fail('VALIDATION', `unknown permission: ${unknown.join(', ')}`, { field: 'permissions', unknown });
  const adminOnly = permissions.filter((id) => model.permissions.get(id)?.adminOnly === true);
  if (adminOnly.length > 0 && !options.admin) {
    return fail('VALIDATION', `${adminOnly.join(', ')} may only be held by an admin key`, {
      field: 'permissions',
      adminOnly,
    });
  }

  const scopeTexts = [...(preset?.scopes ?? []), ...(input.scopes ?? [])];
  const scopes: string[] = [];
  for (const text of scopeTexts) {
    const parsed = parseScope(text, model);
    if (!parsed.ok) return fail('VALIDATION', parsed.error, { field: 'scopes', scope: text });
    scopes.push(formatScope(parsed.scope));
  }

  const levels: Record<string, string> = {};
  for (const [type, level] of Object.entries(input.levels ?? {})) {
    if (!model.types.has(type))
      return fail('VALIDATION', `unknown type "${type}" in levels`, { field: 'levels', type });
    if (!model.levels.has(level)) {
      return fail(
        'VALIDATION',
        `unknown level "${level}" for ${type} (known: ${[...model.levels.keys()].join(', ')})`,
        { field: 'levels', type },
      );
    }
    if (!levelsApplyTo(model, type))
      return fail('VALIDATION', `levels do not apply to type "${type}": its roles are not levelled`, {
        field: 'levels',
        type,
      });
    levels[type] = level;
  }

  const alwaysHeld = (id: string): boolean => model.permissions.get(id)?.alwaysHeld === true;
  return ok({
    permissions: sortedUnique(permissions.filter((id) => !alwaysHeld(id))),
    scopes: sortedUnique(scopes),
    levels,
    preset: input.preset ?? null,
  });
}

/** A stored grant set as the compiler takes it: levels become type-wide grants, `none` nothing. */
export function grantSourceOf(model: AuthModel, grants: GrantSet): GrantSource {
  const scopes: Scope[] = [];
  for (const text of grants.scopes) {
    const parsed = parseScope(text, model);
    // A stored scope the current model no longer accepts grants nothing (the model changed).
    if (parsed.ok) scopes.push(parsed.scope);
  }
  const levels: LevelGrant[] = [];
  for (const [type, name] of Object.entries(grants.levels)) {
    const level = model.levels.get(name);
    if (level !== undefined && level !== null)
      levels.push({ type, level: name, actions: level.actions, createsType: level.createsType });
  }
  return { permissions: grants.permissions, scopes, levels };
}
