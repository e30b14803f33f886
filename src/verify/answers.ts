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
 * An answer made once and reused (a cached key's fixed verdicts, NOT_FOUND), as its result. Its
 * JSON is written on its first send and kept, so the route sends it as it is rather than
 * serialising the same object (and the key's metadata) on every request; lazily, since an
 * in-process verifier never sends. Kept in a private field of the result itself, not in a table
 * beside it: a cached key costs one object less (issue 27, memory per cached key). The result
 * compares and prints as the plain `{ ok, value }` it stands for.
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
 * A metered verdict (a key with rate limits, or with credits) as its code and its JSON: the base's
 * (written once) with the members this request adds (`,"ratelimits":[…]` from the limiter's
 * outcome, `,"credits":{…}` from the spend), made in the turn they are known: over HTTP nothing
 * but the reply's text is made per verify (issue 27: rate limits without per-request allocation,
 * credits near plain keys). Made only by a verifier whose verdicts are sent as JSON; the answer as
 * an object, should anything ask, is made from that JSON.
 */
export class MeteredResult {
  readonly ok = true as const;
  readonly code: AnswerCode;
  readonly #json: string;
  #value: VerifyAnswerObject | undefined = undefined;

  /**
   * `base`: the key's reused answer (VALID with `cacheTtlMs` 0, RATE_LIMITED); `members`: JSON
   * members after the base's, in the schema's order (ratelimits, then credits: both last in it).
   */
  constructor(base: ReusedResult, members: string) {
    this.code = base.value.code;
    this.#json = `${ReusedResult.json(base).slice(0, -1)}${members}}`;
  }

  get value(): VerifyAnswerObject {
    return (this.#value ??= JSON.parse(this.#json) as VerifyAnswerObject);
  }

  static json(result: MeteredResult): string {
    return result.#json;
  }
}

/** The `credits` member of an answer as JSON, after a spend left `remaining`. */
export function creditsJson(remaining: number): string {
  return `,"credits":{"remaining":${remaining}}`;
}

/** A verdict's code, read without making a rate-limited verdict's answer object. */
export function verdictCode(result: { readonly ok: true; readonly value: VerifyAnswerObject }): AnswerCode {
  return result instanceof MeteredResult ? result.code : result.value.code;
}

/**
 * The JSON of a verdict when it can be written without the general serializer: an answer made
 * once and reused, or a metered key's; undefined for any other (Fastify serialises it).
 */
export function answerJson(result: { readonly ok: true; readonly value: VerifyAnswerObject }): string | undefined {
  if (result instanceof ReusedResult) return ReusedResult.json(result);
  return result instanceof MeteredResult ? MeteredResult.json(result) : undefined;
}

export function reusable(value: VerifyAnswerObject): ReusedResult {
  return new ReusedResult(value);
}
