/**
 * Which problem answers an operation can give, derived from what its route declares (its
 * requirement, its method, whether it takes input), written into the documented schema as one
 * response per status with `application/problem+json` content. Deriving them here keeps the
 * routes' own `4xx`/`5xx` serialization schemas untouched and a new route documented like the rest.
 */
import type { FastifySchema, RouteOptions } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from '../problem.js';

const PROBLEM_STATUSES: Readonly<Record<number, string>> = {
  400: 'The body, query or path is invalid (`VALIDATION`, naming the field).',
  401: 'No bearer key, or not a usable one (`UNAUTHENTICATED`, `NOT_FOUND`, `REVOKED`, `EXPIRED`, `DISABLED`, `MFA_REQUIRED`, `MFA_INVALID`).',
  403: 'The key does not hold what this needs (`FORBIDDEN`, naming it).',
  404: 'The target does not exist or the key may not discover it (`NOT_FOUND`).',
  409: 'The change conflicts with the current state (`CONFLICT`).',
  429: 'Too many failed attempts from this source (`RATE_LIMITED`, with `Retry-After`).',
  503: 'The node cannot serve this now: storage does not answer, or it cannot vouch for its caches (`UNAVAILABLE`).',
};

const WRITES: ReadonlySet<string> = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

interface Declared {
  readonly requires?: Readonly<Record<string, unknown>>;
}

/** The statuses a route's declarations make possible, besides its success. */
export function problemStatuses(
  route: Pick<RouteOptions, 'url' | 'method'>,
  schema: FastifySchema,
  declared: Declared,
): number[] {
  const requires = declared.requires;
  const keyed = requires !== undefined && !('public' in requires);
  const takesInput = schema.body !== undefined || schema.querystring !== undefined || schema.params !== undefined;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const writes = methods.some((method) => WRITES.has(method));
  const statuses: number[] = [];
  if (takesInput) statuses.push(400);
  if (keyed) statuses.push(401);
  if (keyed && !('anyKey' in requires)) statuses.push(403);
  if (keyed && (schema.params !== undefined || schema.body !== undefined)) statuses.push(404);
  if (keyed && writes) statuses.push(409);
  // Failed authentications (management) and unknown keys (verify) are throttled per source.
  if (route.url.startsWith('/v1/')) statuses.push(429, 503);
  return statuses;
}

function problemResponse(status: number, description?: unknown): Record<string, unknown> {
  return {
    description: typeof description === 'string' ? description : (PROBLEM_STATUSES[status] ?? 'A problem'),
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: 'Problem#' } } },
  };
}

/**
 * The schema as documented: the route's `4xx`/`5xx` catch-alls replaced by one response per
 * status it can give (statuses the route documents itself are kept), and no security
 * requirement where no key is needed.
 */
export function documentedSchema(schema: FastifySchema | undefined, route: RouteOptions): FastifySchema {
  if (schema === undefined) return { hide: true };
  if (schema.hide === true) return schema;
  const declared = (route.config ?? {}) as Declared;
  const response: Record<string, unknown> = {};
  for (const [status, own] of Object.entries((schema.response ?? {}) as Record<string, { description?: unknown }>)) {
    if (/^[45]xx$/i.test(status)) continue;
    // A problem status the route documents itself (readiness's 503) keeps its words, in problem+json.
    response[status] = Number(status) >= 400 ? problemResponse(Number(status), own.description) : own;
  }
  for (const status of problemStatuses(route, schema, declared)) response[status] ??= problemResponse(status);
  const requires = declared.requires;
  const public_ = requires === undefined || 'public' in requires;
  return { ...schema, response, ...(public_ ? { security: [] } : {}) };
}
