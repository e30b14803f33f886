/**
 * The Keyward verify client (`keyward/client`, through index.ts): asks a Keyward server `POST /v1/verify` and
 * reuses VALID answers for the `cacheTtlMs` the server grants. Imports nothing of the server at
 * run time: the request and answer types come from the API schemas (src/api) by type-only
 * imports, erased from the output, and it needs only global `fetch` and `node:crypto`.
 *
 * A bad request (400: an unknown permission, action or type) throws `KeywardRequestError`; no
 * answer (network failure, timeout, 5xx, 429, an unreadable body) throws
 * `KeywardUnavailableError`. Callers decide what to do with the latter: the middlewares fail
 * closed with 503.
 */
import { createHash } from 'node:crypto';
import type { ModelDescriptionObject } from '../api/model.js';
import { unknownName, type ModelNames } from './model-names.js';
import type { ResourceQueryObject, VerifyAnswerObject, VerifyInput } from '../api/verify.js';

/** The verdict codes a verify answers with. */
export type VerdictCode = VerifyAnswerObject['code'];

/** The resource acted on; with neither `id` nor `externalId`, the type-wide question. */
export type ResourceRef = Readonly<ResourceQueryObject>;

/** The body of `POST /v1/verify`. `action` and `resource` go together; every member is part of the cache key. */
export type VerifyRequest = Readonly<VerifyInput>;

/** What the key lacked, as asked (on FORBIDDEN). */
export type VerifyMissing = NonNullable<VerifyAnswerObject['missing']>;

/** The 200 answer of `POST /v1/verify`; `cacheTtlMs` is how long the caller may reuse it (0 for every denial). */
export type VerifyAnswer = Readonly<VerifyAnswerObject>;

import type { KeywardProblem } from './management.js';

/*
 * The errors carry Keyward's status as `httpStatus`, not `status`/`statusCode`: frameworks
 * (Fastify, Express) answer with an error's `status`, and Keyward's 400 about the verify request
 * this service built is this service's 500, not its caller's 400.
 */

/** Keyward refused the request itself (400): a bug or misconfiguration of the caller. */
export class KeywardRequestError extends Error {
  override readonly name = 'KeywardRequestError';
  constructor(
    readonly httpStatus: number,
    readonly problem: KeywardProblem,
  ) {
    super(
      `Keyward rejected the verify request (${httpStatus}${problem.code === undefined ? '' : ` ${problem.code}`}): ${problem.detail ?? problem.title ?? 'no detail'}`,
    );
  }
}

/** No verdict could be had: network failure, timeout, 5xx, 429 or an unreadable answer. */
export class KeywardUnavailableError extends Error {
  override readonly name = 'KeywardUnavailableError';
  constructor(
    message: string,
    /** The HTTP status when Keyward answered at all. */
    readonly httpStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface VerifierOptions {
  /** Where Keyward listens, e.g. `http://127.0.0.1:7600` (a path prefix is kept). */
  readonly baseUrl: string;
  /** Defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Per request, including reading the answer. Default 2000. */
  readonly timeoutMs?: number;
  /** The cache of VALID answers; `false` turns it off. Default `{ maxEntries: 10000 }`. */
  readonly cache?: { readonly maxEntries?: number } | false;
  /** The clock the cache expires by (milliseconds). Default `Date.now`. */
  readonly now?: () => number;
  /**
   * A key of the service itself, used only to read `GET /v1/model` when a middleware checks its
   * names at start (suggesting the name meant). Without one, the names are checked by a verify
   * of no key, which Keyward refuses with 400 naming an unknown one.
   */
  readonly key?: string;
}

export interface Verifier {
  verify(request: VerifyRequest): Promise<VerifyAnswer>;
  /**
   * Resolves when Keyward's model knows every name; throws `KeywardRequestError` naming one it
   * does not, `KeywardUnavailableError` when Keyward cannot be asked. Optional: a verifier
   * without it (a test double) is not checked.
   */
  checkNames?(names: ModelNames): Promise<void>;
}

/** Every code a 200 answer may carry; written as a record so that a code the API adds and this list lacks does not compile. */
const VERDICT_CODES: ReadonlySet<string> = new Set(
  Object.keys({
    VALID: true,
    NOT_FOUND: true,
    REVOKED: true,
    EXPIRED: true,
    DISABLED: true,
    FORBIDDEN: true,
    MFA_REQUIRED: true,
    RATE_LIMITED: true,
    USAGE_EXCEEDED: true,
  } satisfies Record<VerdictCode, true>),
);

/**
 * The cache key: a SHA-256 of everything that can change the verdict, so the raw key is never
 * held as a map key. `clientIp` is in it because a key with an IP allowlist is VALID from one
 * address only; `cost` because a check-only VALID (cost 0) says nothing of a request that spends.
 */
function cacheKey(request: VerifyRequest): string {
  // A record over every member of the request, so a member the API adds and this key lacks does not compile.
  const parts = {
    key: request.key,
    permission: request.permission ?? null,
    action: request.action ?? null,
    resource: [request.resource?.type ?? null, request.resource?.id ?? null, request.resource?.externalId ?? null],
    clientIp: request.clientIp ?? null,
    cost: request.cost ?? null,
    tags: request.tags ?? null,
  } satisfies Record<keyof VerifyRequest, unknown>;
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

/** The wire body: only the members given (Keyward rejects unknown ones). */
function body(request: VerifyRequest): string {
  const out: Record<string, unknown> = { key: request.key };
  if (request.permission !== undefined) out.permission = request.permission;
  if (request.action !== undefined) out.action = request.action;
  if (request.resource !== undefined) {
    const resource: Record<string, string> = { type: request.resource.type };
    if (request.resource.id !== undefined) resource.id = request.resource.id;
    if (request.resource.externalId !== undefined) resource.externalId = request.resource.externalId;
    out.resource = resource;
  }
  if (request.clientIp !== undefined) out.clientIp = request.clientIp;
  if (request.cost !== undefined) out.cost = request.cost;
  if (request.tags !== undefined) out.tags = request.tags;
  return JSON.stringify(out);
}

function isAnswer(value: unknown): value is VerifyAnswer {
  if (typeof value !== 'object' || value === null) return false;
  const answer = value as Record<string, unknown>;
  return (
    typeof answer.valid === 'boolean' &&
    typeof answer.code === 'string' &&
    VERDICT_CODES.has(answer.code) &&
    answer.valid === (answer.code === 'VALID') &&
    typeof answer.cacheTtlMs === 'number'
  );
}

export function createVerifier(options: VerifierOptions): Verifier {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/v1/verify`;
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 2000;
  const now = options.now ?? Date.now;
  const maxEntries = options.cache === false ? 0 : (options.cache?.maxEntries ?? 10_000);
  /** Insertion-ordered: the first entry is the oldest, evicted first. */
  const cache = new Map<string, { answer: VerifyAnswer; until: number }>();

  function remember(key: string, answer: VerifyAnswer): void {
    if (maxEntries <= 0 || !answer.valid || answer.cacheTtlMs <= 0) return;
    let until = now() + answer.cacheTtlMs;
    // Never reuse a VALID past the key's own expiry.
    if (answer.expiresAt !== null) {
      const expires = Date.parse(answer.expiresAt);
      if (Number.isFinite(expires)) until = Math.min(until, expires);
    }
    if (until <= now()) return;
    cache.delete(key);
    while (cache.size >= maxEntries) {
      const oldest = cache.keys().next();
      if (oldest.done === true) break;
      cache.delete(oldest.value);
    }
    // Frozen: every caller served from the cache shares this object.
    cache.set(key, { answer: Object.freeze(answer), until });
  }

  async function ask(request: VerifyRequest): Promise<VerifyAnswer> {
    let response: Response;
    let text: string;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, application/problem+json' },
        body: body(request),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new KeywardUnavailableError(
        timedOut
          ? `Keyward did not answer within ${timeoutMs} ms`
          : `Keyward could not be reached: ${error instanceof Error ? error.message : String(error)}`,
        undefined,
        { cause: error },
      );
    }
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (response.status === 200) {
      if (!isAnswer(parsed))
        throw new KeywardUnavailableError('Keyward answered 200 with something that is not a verify answer', 200);
      return parsed;
    }
    const problem: KeywardProblem =
      typeof parsed === 'object' && parsed !== null
        ? (parsed as KeywardProblem)
        : { status: response.status, detail: text.slice(0, 200) };
    if (response.status >= 400 && response.status < 500 && response.status !== 429)
      throw new KeywardRequestError(response.status, problem);
    throw new KeywardUnavailableError(
      `Keyward answered ${response.status}${problem.code === undefined ? '' : ` ${problem.code}`}${problem.detail === undefined ? '' : `: ${problem.detail}`}`,
      response.status,
    );
  }

  /** With a key: `GET /v1/model`, compared here. Without: a verify of no key, which Keyward checks the names of first. */
  async function checkNames(names: ModelNames): Promise<void> {
    if (options.key === undefined) {
      const { permission, action, type } = names;
      await ask({
        key: '-',
        ...(permission === undefined ? {} : { permission }),
        ...(action === undefined || type === undefined ? {} : { action, resource: { type } }),
      });
      return;
    }
    let model: ModelDescriptionObject;
    try {
      const response = await doFetch(`${options.baseUrl.replace(/\/+$/, '')}/v1/model`, {
        headers: { authorization: `Bearer ${options.key}`, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.status !== 200) throw new Error(`GET /v1/model answered ${response.status}`);
      model = (await response.json()) as ModelDescriptionObject;
    } catch (error) {
      throw new KeywardUnavailableError(
        `the model could not be read: ${error instanceof Error ? error.message : String(error)}`,
        undefined,
        { cause: error },
      );
    }
    const unknown = unknownName(model, names);
    if (unknown !== undefined) throw new KeywardRequestError(400, { status: 400, code: 'VALIDATION', detail: unknown });
  }

  return {
    checkNames,
    async verify(request) {
      const key = maxEntries > 0 ? cacheKey(request) : undefined;
      if (key !== undefined) {
        const hit = cache.get(key);
        if (hit !== undefined) {
          if (hit.until > now()) return hit.answer;
          cache.delete(key);
        }
      }
      const answer = await ask(request);
      if (key !== undefined) remember(key, answer);
      return answer;
    },
  };
}
