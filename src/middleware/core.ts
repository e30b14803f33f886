/**
 * What the Fastify, Express and Hono middlewares share: find the key on the request, build the
 * verify request, ask the verifier and turn its answer into a decision. The adapters only read
 * headers and the client IP from their framework's request and write the decision back.
 *
 * Decisions: no key → 401 `UNAUTHENTICATED`; NOT_FOUND, REVOKED, EXPIRED, DISABLED, MFA_REQUIRED → 401 with
 * that code; FORBIDDEN → 403; RATE_LIMITED → 429 with `Retry-After` (when its blocking windows
 * end); USAGE_EXCEEDED → 429; Keyward unavailable → 503 `UNAVAILABLE` (fail closed); VALID →
 * allow, with the answer (its `ratelimits` and `credits` included). A request Keyward rejects as malformed (`KeywardRequestError`: an
 * unknown permission, action or type in the options) is a bug of the service, not of its
 * caller: it is handed to the framework's error handling.
 */
import type { ERROR_CODES } from '../api/errors.js';
import {
  KeywardUnavailableError,
  type ResourceRef,
  type VerifyAnswer,
  type Verifier,
  type VerifyMissing,
  type VerifyRequest,
} from '../client/index.js';
import { resourceOf, type ResourceFrom } from './resource-from.js';
import { checkNamesAtStart, loggerOf, reachabilityLog, type KeywardLogger } from './startup.js';

export type { ResourceFrom } from './resource-from.js';
export { KeywardConfigError, type KeywardLogger } from './startup.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The longest key Keyward accepts in a verify request; a longer one is no key. */
const MAX_KEY_LENGTH = 512;
const MAX_CLIENT_IP_LENGTH = 64;

/** Any codes of the shared table, each with the table's status (401 for NOT_FOUND) and title. */
type AsInTheTable = {
  readonly [C in keyof typeof ERROR_CODES]?: {
    readonly status: C extends 'NOT_FOUND' ? 401 : (typeof ERROR_CODES)[C]['status'];
    readonly title: (typeof ERROR_CODES)[C]['title'];
  };
};

/**
 * The codes a middleware refuses with, with Keyward's own statuses and titles: the compiler holds
 * each entry to the shared table (src/api/errors.ts), imported for its type only so that nothing
 * of the server runs in a middleware. An unknown key is 401 here, as Keyward answers a bearer key.
 */
export const MIDDLEWARE_PROBLEMS = {
  UNAUTHENTICATED: { status: 401, title: 'No bearer key, or not of the key format.' },
  NOT_FOUND: { status: 401, title: 'Unknown key (401 on a bearer key), or a target the caller cannot discover.' },
  REVOKED: { status: 401, title: 'The key was revoked.' },
  EXPIRED: { status: 401, title: 'The key has expired.' },
  DISABLED: { status: 401, title: 'The key is disabled.' },
  MFA_REQUIRED: { status: 401, title: 'A one-time code from the user is needed.' },
  FORBIDDEN: { status: 403, title: 'The key does not hold what this needs.' },
  RATE_LIMITED: { status: 429, title: 'Too many requests from this source.' },
  USAGE_EXCEEDED: { status: 429, title: 'The key has used up its credits.' },
  UNAVAILABLE: { status: 503, title: 'The node cannot serve this now.' },
} as const satisfies AsInTheTable;

export type MiddlewareProblemCode = keyof typeof MIDDLEWARE_PROBLEMS;

/** An RFC 9457 problem body in Keyward's shape. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: MiddlewareProblemCode;
  /** On 403: what the key lacked, as asked. */
  readonly missing?: VerifyMissing;
}

export type Decision =
  | { readonly kind: 'allow'; readonly answer: VerifyAnswer }
  | {
      readonly kind: 'deny';
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: ProblemBody;
    }
  | { readonly kind: 'error'; readonly error: unknown };

export interface KeywardMiddlewareOptions<Req> {
  /** The permission the route needs, fixed or from the request. */
  readonly permission?: string | ((request: Req) => string | undefined);
  /** The action on `resource` the route needs; needs `resource`. */
  readonly action?: string;
  /**
   * The resource the action is on, from the request (`{type}` alone: the type-wide question); or
   * its fixed `type` with the id read from the request, so the type is checked at start too.
   */
  readonly resource?: ((request: Req) => ResourceRef) | ResourceFrom<Req>;
  /**
   * Where the key is. Default `authorization`, as `Bearer <key>`; any other header carries the
   * key as its whole value (a `Bearer ` prefix is tolerated).
   */
  readonly header?: string;
  /** The end client's IP passed to Keyward as `clientIp`; default: the framework's. */
  readonly clientIp?: (request: Req) => string | undefined;
  /**
   * What the request spends of the key's rate limits and credits (SPEC §4), fixed or from the
   * request; default: Keyward's (1 where the key has either). 0 checks without spending.
   */
  readonly cost?: number | ((request: Req) => number);
  /** Up to 20 `k=v` tags sent with each verify, counted in Keyward's analytics (never in the verdict). */
  readonly tags?: readonly string[] | ((request: Req) => readonly string[] | undefined);
  /**
   * Told of each request refused with 503 because Keyward could not be reached (a metric, an
   * alert); the request is still refused: the middleware fails closed.
   */
  readonly onUnavailable?: (error: KeywardUnavailableError, request: Req) => void;
  /** Told of any other failure (Keyward refused the request, an option function threw) before the framework's error handling gets it. */
  readonly onError?: (error: unknown, request: Req) => void;
  /** Where the middleware's lines go (a typo at start, Keyward unreachable and back). Default `console`; `false`: nowhere. */
  readonly logger?: KeywardLogger | false;
  /**
   * Whether the permission, action and fixed resource type are checked against Keyward's model at
   * creation (`GET /v1/model` with the verifier's `key`, else a verify of no key). Default true.
   */
  readonly checkNames?: boolean;
}

/** The per-request decision an adapter calls, and the check of the options' names begun at creation. */
export interface Guard<Req> {
  (request: Req): Promise<Decision>;
  /** Resolves once the names are checked (or could not be: logged); rejects with `KeywardConfigError` naming a typo. */
  readonly ready: Promise<void>;
}

/** How an adapter reads its framework's request. */
export interface RequestAccess<Req> {
  /** A header's value by lower-case name. */
  header(request: Req, name: string): string | undefined;
  /** The framework's idea of the client IP. */
  ip(request: Req): string | undefined;
}

export function problem(
  code: MiddlewareProblemCode,
  detail: string,
  extra: { missing?: VerifyMissing } = {},
): ProblemBody {
  const { status, title } = MIDDLEWARE_PROBLEMS[code];
  return {
    type: `urn:keyward:problem:${code.toLowerCase()}`,
    title,
    status,
    detail,
    code,
    ...(extra.missing === undefined ? {} : { missing: extra.missing }),
  };
}

/** The first value of a header that may have been sent more than once. */
export function firstHeader(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}

/** The key the request presents, or undefined when it presents none. */
export function extractKey(value: string | undefined, bearerOnly: boolean): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  const bearer = /^bearer[ \t]+(\S+)$/i.exec(trimmed);
  const key = bearer !== null ? bearer[1] : bearerOnly ? undefined : trimmed;
  if (key === undefined || key === '' || key.length > MAX_KEY_LENGTH) return undefined;
  return key;
}

function forbiddenDetail(missing: VerifyMissing | undefined): string {
  if (missing?.ip !== undefined) return `The key may not be used from ${missing.ip}.`;
  if (missing?.permission !== undefined) return `The key does not hold ${missing.permission}.`;
  if (missing?.action !== undefined && missing.resource !== undefined)
    return `The key may not ${missing.action} this ${missing.resource.type}.`;
  return 'The key does not hold what this needs.';
}

const DENIAL_DETAILS = {
  NOT_FOUND: 'The key is not known.',
  REVOKED: 'The key was revoked.',
  USAGE_EXCEEDED: 'The key has used up its credits.',
  EXPIRED: 'The key has expired.',
  DISABLED: 'The key is disabled.',
  MFA_REQUIRED: "The key's user must pass a one-time code check again before the key works.",
  RATE_LIMITED: 'The key has spent its rate limit for now; retry after the window resets.',
} as const;

/**
 * Seconds until every window that refused the request has ended (RFC 9110 `Retry-After`): the
 * latest `resetAt` among the limits with less left than the request's cost, at least 1.
 */
export function retryAfterSeconds(answer: VerifyAnswer, cost: number, now: number): string | undefined {
  let until = -Infinity;
  for (const limit of answer.ratelimits ?? [])
    if (limit.remaining < cost) until = Math.max(until, Date.parse(limit.resetAt));
  return Number.isFinite(until) ? String(Math.max(1, Math.ceil((until - now) / 1000))) : undefined;
}

/** Builds the per-request decision function an adapter calls. */
export function createGuard<Req>(
  verifier: Verifier,
  options: KeywardMiddlewareOptions<Req>,
  access: RequestAccess<Req>,
): Guard<Req> {
  if ((options.action === undefined) !== (options.resource === undefined)) {
    throw new TypeError('keyward middleware: `action` and `resource` go together: give both or neither');
  }
  const logger = loggerOf(options.logger);
  const names = checkNamesAtStart(
    verifier,
    options.checkNames === false
      ? {}
      : {
          permission: typeof options.permission === 'string' ? options.permission : undefined,
          action: options.action,
          type: typeof options.resource === 'object' ? options.resource.type : undefined,
        },
    logger,
  );
  const reachability = reachabilityLog(logger);
  const failed = (error: unknown, request: Req): Decision => {
    try {
      options.onError?.(error, request);
    } catch {
      // A hook that throws must not turn a refusal into an unanswered request: the framework still gets the error.
    }
    return { kind: 'error', error };
  };
  const headerName = (options.header ?? 'authorization').toLowerCase();
  const bearerOnly = headerName === 'authorization';
  const challenge: Record<string, string> = bearerOnly ? { 'www-authenticate': 'Bearer' } : {};
  const deny = (body: ProblemBody): Decision => ({
    kind: 'deny',
    status: body.status,
    headers: body.status === 401 ? challenge : {},
    body,
  });

  const guard = async (request: Req): Promise<Decision> => {
    try {
      const typo = names.failure();
      if (typo !== undefined) return failed(typo, request);
      const key = extractKey(access.header(request, headerName), bearerOnly);
      if (key === undefined) {
        return deny(
          problem(
            'UNAUTHENTICATED',
            bearerOnly ? 'Send the key as Authorization: Bearer <key>.' : `Send the key in the ${headerName} header.`,
          ),
        );
      }
      const permission = typeof options.permission === 'function' ? options.permission(request) : options.permission;
      const resource = options.resource === undefined ? undefined : resourceOf(options.resource, request);
      const ip = options.clientIp !== undefined ? options.clientIp(request) : access.ip(request);
      const cost = typeof options.cost === 'function' ? options.cost(request) : options.cost;
      const tags = typeof options.tags === 'function' ? options.tags(request) : options.tags;
      const verifyRequest: VerifyRequest = {
        key,
        ...(permission === undefined ? {} : { permission }),
        ...(options.action === undefined || resource === undefined ? {} : { action: options.action, resource }),
        ...(ip === undefined || ip === '' || ip.length > MAX_CLIENT_IP_LENGTH ? {} : { clientIp: ip }),
        ...(cost === undefined ? {} : { cost }),
        ...(tags === undefined ? {} : { tags: [...tags] }),
      };
      let answer: VerifyAnswer;
      try {
        answer = await verifier.verify(verifyRequest);
      } catch (error) {
        if (!(error instanceof KeywardUnavailableError)) return failed(error, request);
        reachability.failed(error);
        options.onUnavailable?.(error, request);
        return deny(problem('UNAVAILABLE', 'The key could not be verified now; try again later.'));
      }
      reachability.answered();
      if (answer.valid && answer.code === 'VALID') return { kind: 'allow', answer };
      if (answer.code === 'FORBIDDEN')
        return deny(
          problem(
            'FORBIDDEN',
            forbiddenDetail(answer.missing),
            answer.missing === undefined ? {} : { missing: answer.missing },
          ),
        );
      if (answer.code === 'VALID')
        return deny(problem('UNAVAILABLE', 'The key could not be verified now; try again later.'));
      if (answer.code === 'RATE_LIMITED') {
        const retryAfter = retryAfterSeconds(answer, cost ?? 1, Date.now());
        return {
          ...deny(problem('RATE_LIMITED', DENIAL_DETAILS.RATE_LIMITED)),
          ...(retryAfter === undefined ? {} : { headers: { 'retry-after': retryAfter } }),
        };
      }
      return deny(problem(answer.code, DENIAL_DETAILS[answer.code]));
    } catch (error) {
      // The options' own functions threw (or a hook did): the service's bug, for its error handling.
      return failed(error, request);
    }
  };
  return Object.assign(guard, { ready: names.ready });
}
