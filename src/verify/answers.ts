/**
 * Verify's answers (issue 27): built from a key record, the ones no request changes made once and
 * reused, and each answer's JSON written without the general serializer where it can be: a reused
 * answer's once, a rate-limited key's from its reused base and the buckets' states.
 */
import type { VerifyAnswerObject } from '../api/verify.js';
import { ok, type Result } from '../core/error-codes.js';
import type { KeyRecord } from '../core/key-record.js';
import { ratelimitsJson } from './rate-limits.js';

/** Every code an answer can carry: the key's verdicts and the usage controls'. */
export type AnswerCode = VerifyAnswerObject['code'];

export function answer(code: AnswerCode, key: KeyRecord | null, cacheTtlMs: number): VerifyAnswerObject {
  return {
    valid: code === 'VALID',
    code,
    keyId: key?.id ?? null,
    tenantId: key?.tenantId ?? null,
    environmentId: key?.environmentId ?? null,
    name: key?.name ?? null,
    userId: key?.userId ?? null,
    externalId: key?.externalId ?? null,
    metadata: key?.metadata ?? null,
    expiresAt: key?.expiresAt == null ? null : new Date(key.expiresAt).toISOString(),
    cacheTtlMs: code === 'VALID' ? cacheTtlMs : 0,
  };
}

/**
 * The JSON of answers made once and reused (a cached key's fixed verdicts, NOT_FOUND): written
 * on the first send of each answer, so the route sends it as it is rather than serialising the
 * same object (and the key's metadata) on every request. Lazily: an in-process verifier never
 * sends, and a string per cached answer is most of what a cached key would cost in memory.
 */
const serialized = new WeakMap<VerifyAnswerObject, string | null>();

/** The answer's JSON when it is made once and reused; undefined for one made for this request. */
function serializedAnswer(value: VerifyAnswerObject): string | undefined {
  const json = serialized.get(value);
  if (json !== null) return json;
  const made = JSON.stringify(value);
  serialized.set(value, made);
  return made;
}

/**
 * A rate-limited key's verdict: a reused answer (`base`) and the buckets' states. Its JSON is the
 * base's, written once, with the states added, not the whole answer serialised on every verify.
 * The base is a private field: the result compares and prints as any other.
 */
export class LimitedResult {
  readonly ok = true as const;
  readonly value: VerifyAnswerObject;
  readonly #base: VerifyAnswerObject;

  constructor(value: VerifyAnswerObject, base: VerifyAnswerObject) {
    this.value = value;
    this.#base = base;
  }

  static json(result: LimitedResult): string | undefined {
    const base = serializedAnswer(result.#base);
    const states = result.value.ratelimits;
    return base === undefined || states === undefined ? undefined : base.slice(0, -1) + ratelimitsJson(states) + '}';
  }
}

/**
 * The JSON of a verdict when it can be written without the general serializer: an answer made
 * once and reused, or a rate-limited key's; undefined for any other (Fastify serialises it).
 */
export function answerJson(result: { readonly ok: true; readonly value: VerifyAnswerObject }): string | undefined {
  return result instanceof LimitedResult ? LimitedResult.json(result) : serializedAnswer(result.value);
}

export function reusable(value: VerifyAnswerObject): Result<VerifyAnswerObject> {
  const frozen = Object.freeze(value);
  serialized.set(frozen, null);
  return Object.freeze(ok(frozen));
}
