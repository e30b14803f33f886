/**
 * The scope grammar for everything that talks to Keyward over HTTP (the console, the CLI, users):
 * `type:role`, `type:<resourceId>:role`, each optionally followed by `+action`s, with legacy roles
 * read as the role they are stored as (`agent:executor` is `agent:viewer+run`). It is the
 * server's own parser (src/core, which the pure core needs and which imports nothing), given the
 * model as `GET /v1/model` describes it, so a scope the server stored reads back the same here.
 */
import {
  formatScope,
  parseScope,
  type Scope,
  type ScopeResult,
  type ScopeVocabulary,
} from '../core/grants/scope-syntax.js';
import type { ModelDescriptionObject } from './model.js';

export { formatScope, type Scope, type ScopeResult };

/** Built once per model description: a console parses a scope per role option on every render. */
const vocabularies = new WeakMap<ModelDescriptionObject, ScopeVocabulary>();

function vocabularyOf(model: ModelDescriptionObject): ScopeVocabulary {
  const known = vocabularies.get(model);
  if (known !== undefined) return known;
  const actionsOf = new Map(model.roles.map((role) => [role.name, role.actions]));
  const roles = new Map(
    model.roles.map((role) => {
      // What a legacy role adds to the one it is stored as, as the model compiler works it out.
      const stored = role.storeAs === null ? null : new Set(actionsOf.get(role.storeAs) ?? []);
      return [
        role.name,
        {
          storeAs: role.storeAs,
          storeExtra: stored === null ? [] : role.actions.filter((action) => !stored.has(action)),
        },
      ];
    }),
  );
  const vocabulary: ScopeVocabulary = {
    actions: new Set(model.actions),
    roles,
    types: new Map(model.types.map((type) => [type.name, { roles: new Set(type.roles) }])),
  };
  vocabularies.set(model, vocabulary);
  return vocabulary;
}

/** Reads a scope as the server does: an error naming what is wrong, or the scope in its stored form. */
export function readScope(model: ModelDescriptionObject, text: string): ScopeResult {
  return parseScope(text, vocabularyOf(model));
}

/** Every action a parsed scope grants: its role's and the `+action`s after it. */
export function scopeActions(model: ModelDescriptionObject, scope: Scope): string[] {
  const role = model.roles.find((candidate) => candidate.name === scope.role);
  return [...new Set([...(role?.actions ?? []), ...scope.plus])];
}
