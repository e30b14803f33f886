/**
 * A gate decides a route's requirement that depends on its target (a resource, a policy): the
 * route declares `{ gate, action }`, the auth hook calls the gate with the request's params and
 * body, and the gate loads the target and asks the check. Handlers never decide access.
 */
import type { Result } from '../core/error-codes.js';
import type { KeyRecord } from '../core/key-record.js';
import { TargetRows } from './target-rows.js';

export interface GateFacts {
  readonly params: Readonly<Record<string, unknown>>;
  readonly body: unknown;
  /** The rows the auth hook read for this request (target-rows.ts); absent: the gate reads its own. */
  readonly targets?: TargetRows;
}

export type Gate = (key: KeyRecord, action: string, facts: GateFacts) => Promise<Result<null>>;

export function bodyOf<T>(facts: GateFacts): Partial<T> {
  return (typeof facts.body === 'object' && facts.body !== null ? facts.body : {}) as Partial<T>;
}

export function idParam(facts: GateFacts): string {
  return String(facts.params['id']);
}

/** The request's rows read so far, or a fresh set for a gate called without any. */
export function rowsOf(facts: GateFacts): TargetRows {
  return facts.targets ?? new TargetRows();
}
