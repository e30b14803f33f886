/**
 * Keys with the same grants share one compiled copy. Keys are made in bulk from one policy or
 * preset, and the verify cache holds up to 100 000 of them: compiled once per distinct grant
 * set, each cached key costs its own fields and a pointer, not its own Maps and Sets.
 * Compiled grants are read-only, so sharing them is safe; the memo is bounded and per model.
 */
import type { AuthModel } from '../model/model.js';
import type { CompiledGrants } from './compile-grants.js';

const MAX_DISTINCT = 10_000;
const byModel = new WeakMap<AuthModel, Map<string, CompiledGrants>>();

/** `signature` must name everything the compiled grants depend on besides the model. */
export function sharedGrants(model: AuthModel, signature: string, compile: () => CompiledGrants): CompiledGrants {
  let memo = byModel.get(model);
  if (memo === undefined) byModel.set(model, (memo = new Map()));
  let grants = memo.get(signature);
  if (grants === undefined) {
    // Past the bound, start over rather than track use: distinct grant sets are few in practice.
    if (memo.size >= MAX_DISTINCT) memo.clear();
    grants = compile();
    memo.set(signature, grants);
  }
  return grants;
}
