/**
 * Verify's answers (issue 27): built from a key record, the ones no request changes made once and
 * reused, and each answer's JSON written without the general serializer where it can be: a reused
 * answer's once, a metered key's from its reused base and the buckets' states or credits left.
 */
import type { VerifyAnswerObject } from '../api/verify.js';
import type { KeyRecord } from '../core/key-record.js';

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
 * An answer made once and reused as an object (the fixed verdicts of a verifier that keeps answers
 * as objects, an embedding caller's; NOT_FOUND, shared by all), as its result. Its JSON is written
 * on its first send and kept, so a route sends it as it is rather than serialising the same object
 * (and the key's metadata) on every request; lazily, since an in-process verifier never sends.
 * Kept in a private field of the result itself, not in a table beside it: a cached key costs one
 * object less (issue 27, memory per cached key). The result compares and prints as the plain
 * `{ ok, value }` it stands for.
 */
export class ReusedResult {
  readonly ok = true as const;
  readonly value: VerifyAnswerObject;
  #json: string | undefined = undefined;

  constructor(value: VerifyAnswerObject) {
    this.value = Object.freeze(value);
    Object.freeze(this);
  }

  static json(result: ReusedResult): string {
    if (result.#json === undefined) result.#json = JSON.stringify(result.value);
    return result.#json;
  }
}

/**
 * A verdict kept as its code and its JSON alone, by a verifier whose verdicts are sent as JSON
 * (the routes'): the answer as an object, should anything ask, is made from the JSON (and kept).
 * - A cached key's fixed verdicts (`written`): their JSON written once when made, with no answer
 *   object kept beside it: a node serving HTTP holds one string per verdict, not both (issue 27,
 *   memory per cached key; bench (e) "as a node serving HTTP").
 * - A metered verdict (`metered`): a key with rate limits or with credits, the base's JSON with
 *   the members this request adds (`,"ratelimits":[…]` from the limiter's outcome, `,"credits":{…}`
 *   from the spend), made in the turn they are known: nothing but the reply's text per verify
 *   (issue 27: rate limits without per-request allocation, credits near plain keys).
 */
export class WrittenResult {
  readonly ok = true as const;
  readonly code: AnswerCode;
  readonly #json: string;
  #value: VerifyAnswerObject | undefined = undefined;

  constructor(code: AnswerCode, json: string) {
    this.code = code;
    this.#json = json;
  }

  get value(): VerifyAnswerObject {
    // Frozen as a reused answer is: a verdict kept for a key is never changed by its reader.
    return (this.#value ??= Object.freeze(JSON.parse(this.#json) as VerifyAnswerObject));
  }

  static json(result: WrittenResult): string {
    return result.#json;
  }
}

/** An answer made once, kept as its JSON (a routes' verifier's fixed verdict). */
export function written(value: VerifyAnswerObject): WrittenResult {
  return new WrittenResult(value.code, JSON.stringify(value));
}

/**
 * `base`: the key's fixed answer (VALID with `cacheTtlMs` 0, RATE_LIMITED) as written; `members`:
 * JSON members after the base's, in the schema's order (ratelimits, then credits: both last in it).
 */
export function metered(base: WrittenResult, members: string): WrittenResult {
  return new WrittenResult(base.code, `${WrittenResult.json(base).slice(0, -1)}${members}}`);
}

/** The `credits` member of an answer as JSON, after a spend left `remaining`. */
export function creditsJson(remaining: number): string {
  return `,"credits":{"remaining":${remaining}}`;
}

/** A verdict's code, read without making a written verdict's answer object. */
export function verdictCode(result: { readonly ok: true; readonly value: VerifyAnswerObject }): AnswerCode {
  return result instanceof WrittenResult ? result.code : result.value.code;
}

/**
 * The JSON of a verdict when it can be written without the general serializer: an answer made
 * once and reused, a written one; undefined for any other (Fastify serialises it).
 */
export function answerJson(result: { readonly ok: true; readonly value: VerifyAnswerObject }): string | undefined {
  if (result instanceof WrittenResult) return WrittenResult.json(result);
  return result instanceof ReusedResult ? ReusedResult.json(result) : undefined;
}

export function reusable(value: VerifyAnswerObject): ReusedResult {
  return new ReusedResult(value);
}
