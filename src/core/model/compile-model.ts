/**
 * Turns the declarative model (parsed YAML or JSON) into an AuthModel, or into a list of errors
 * each naming the bad entry by its path (`roles.editor.includes[0]: unknown role "viewr"`), so
 * an operator's broken model file stops the server with a message they can act on. The shape is
 * a TypeBox schema (model-shape.ts); the roles and types (compile-roles.ts), then the permissions
 * and presets (compile-permissions.ts) are compiled in that order, each checked against what came before.
 */
import { parse as parseYaml } from 'yaml';
import { compilePermissions, compilePresets } from './compile-permissions.js';
import { compileLevels, compileRoles, compileTypes } from './compile-roles.js';
import type { AuthModel } from './model.js';
import { Errors } from './model-errors.js';
import { type ModelBody, readShape } from './model-shape.js';
import { missingRequiredPermissions } from './required-permissions.js';

export type ModelResult =
  | { readonly ok: true; readonly model: AuthModel }
  | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Compiles an already-parsed model document: its shape checked by the schema, then what the
 * schema cannot say (every name used is declared, roles do not include themselves, the
 * permissions the code relies on exist) by the semantic pass, on what of the document is
 * well-shaped, so one run reports both kinds of mistake.
 */
export function compileModel(document: unknown): ModelResult {
  const shape = readShape(document);
  const errors = new Errors();
  errors.list.push(...shape.errors);
  if (shape.body !== null) {
    const model = compileBody(shape.body, errors);
    if (errors.list.length === 0) return { ok: true, model };
  }
  return { ok: false, errors: errors.list };
}

function compileBody(body: ModelBody, errors: Errors): AuthModel {
  const actions = new Set(body.actions ?? []);
  if (actions.size === 0) errors.add('actions', 'must list at least one action');
  const roles = compileRoles(body.roles ?? {}, actions, errors);
  const types = compileTypes(body.types ?? {}, roles, errors);
  const levels = compileLevels(body.levels ?? {}, { actions, roles }, errors);
  const permissions = compilePermissions(body.permissions ?? {}, { actions, roles, types }, errors);
  for (const error of missingRequiredPermissions(permissions)) errors.list.push(error);
  const presets = compilePresets(body.presets ?? {}, { actions, roles, types, permissions }, errors);
  const creatorRole = body.creatorRole === undefined ? (roles.has('owner') ? 'owner' : null) : body.creatorRole;
  if (creatorRole !== null && !roles.has(creatorRole)) errors.add('creatorRole', `unknown role "${creatorRole}"`);
  return { actions, roles, types, levels, permissions, presets, creatorRole };
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
