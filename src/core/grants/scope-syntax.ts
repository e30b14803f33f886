/**
 * Scope strings: `type:role` (every resource of the type in the key's environment),
 * `type:<resourceId>:role` (that resource and all its descendants), each optionally followed by
 * `+action`s. Legacy roles are normalised on the way in: `agent:executor` is stored as
 * `agent:viewer+run`, which parses back to the same grant. One grammar for every part: the
 * server reads scopes with it against the model it compiled, and src/api publishes it (with the
 * vocabulary of `GET /v1/model`) to the console, the CLI and users.
 */

export interface Scope {
  readonly type: string;
  readonly resourceId: string | null;
  readonly role: string;
  /** Actions granted beyond the role (what a legacy role adds to the one it is stored as). */
  readonly plus: readonly string[];
}

/**
 * What parsing a scope needs of the model; the compiled `AuthModel` is one, and src/api builds
 * one from the model description `GET /v1/model` answers with.
 */
export interface ScopeVocabulary {
  readonly actions: { has(action: string): boolean };
  readonly roles: {
    get(name: string): { readonly storeAs: string | null; readonly storeExtra: readonly string[] } | undefined;
  };
  readonly types: { get(name: string): { readonly roles: ReadonlySet<string> } | undefined };
}

export type ScopeResult = { readonly ok: true; readonly scope: Scope } | { readonly ok: false; readonly error: string };

const SCOPE = /^([A-Za-z][A-Za-z0-9_-]*)(?::(res_[0-9a-z]{26}))?:([A-Za-z][A-Za-z0-9_-]*)((?:\+[a-z]+)*)$/;

export function parseScope(text: string, model: ScopeVocabulary): ScopeResult {
  const match = SCOPE.exec(text);
  if (match === null) return { ok: false, error: `"${text}" is not a scope (type:role or type:<resourceId>:role)` };
  const [, type = '', resourceId, roleName = '', extra = ''] = match;
  const typeDef = model.types.get(type);
  if (typeDef === undefined) return { ok: false, error: `unknown type "${type}" in scope "${text}"` };
  const role = model.roles.get(roleName);
  if (role === undefined) return { ok: false, error: `unknown role "${roleName}" in scope "${text}"` };
  const plus = extra === '' ? [] : extra.slice(1).split('+');
  // A stored legacy role (`viewer+run`) is valid where the legacy role was.
  const validHere =
    typeDef.roles.has(roleName) || [...typeDef.roles].some((legacy) => model.roles.get(legacy)?.storeAs === roleName);
  if (!validHere)
    return {
      ok: false,
      error: `role "${roleName}" is not valid for type "${type}" (valid: ${[...typeDef.roles].join(', ')})`,
    };
  const unknownAction = plus.find((action) => !model.actions.has(action));
  if (unknownAction !== undefined) return { ok: false, error: `unknown action "${unknownAction}" in scope "${text}"` };
  const stored =
    role.storeAs === null
      ? { role: roleName, plus }
      : { role: role.storeAs, plus: [...new Set([...role.storeExtra, ...plus])] };
  return {
    ok: true,
    scope: { type, resourceId: resourceId ?? null, role: stored.role, plus: [...stored.plus].sort() },
  };
}

export function formatScope(scope: Scope): string {
  const base =
    scope.resourceId === null ? `${scope.type}:${scope.role}` : `${scope.type}:${scope.resourceId}:${scope.role}`;
  return scope.plus.length === 0 ? base : `${base}+${scope.plus.join('+')}`;
}
