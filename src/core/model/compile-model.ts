/**
 * Turns the declarative model (parsed YAML or JSON) into an AuthModel, or into a list of errors
 * each naming the bad entry by its path (`roles.editor.includes[0]: unknown role "viewr"`), so
 * an operator's broken model file stops the server with a message they can act on. The shape is
 * read by model-shape.ts; the roles and types (compile-roles.ts), then the permissions and presets
 * (compile-permissions.ts) are compiled in that order, each checked against what came before.
 */
import { parse as parseYaml } from 'yaml';
import { compilePermissions, compilePresets } from './compile-permissions.js';
import { compileLevels, compileRoles, compileTypes } from './compile-roles.js';
import type { AuthModel } from './model.js';
import { Errors, names, record, unknownKeys } from './model-shape.js';
import { missingRequiredPermissions } from './required-permissions.js';

export type ModelResult =
  | { readonly ok: true; readonly model: AuthModel }
  | { readonly ok: false; readonly errors: readonly string[] };

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
