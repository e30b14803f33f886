/**
 * Every code Keyward answers with, its default HTTP status and meaning: the single table that
 * the problem+json mapping, the OpenAPI document and `docs/errors.md` are all derived from.
 * A test fails when `docs/errors.md` drifts from it.
 */
export const ERROR_CODES = {
  VALID: { status: 200, title: 'The key is valid and holds what was asked.' },
  UNAUTHENTICATED: { status: 401, title: 'No bearer key, or not of the key format.' },
  NOT_FOUND: {
    status: 404,
    title: 'Unknown key (401 on a bearer key), or a target the caller cannot discover.',
  },
  REVOKED: { status: 401, title: 'The key was revoked.' },
  EXPIRED: { status: 401, title: 'The key has expired.' },
  DISABLED: { status: 401, title: 'The key is disabled.' },
  FORBIDDEN: { status: 403, title: 'The key does not hold what this needs.' },
  MFA_REQUIRED: { status: 401, title: 'A one-time code from the user is needed.' },
  MFA_INVALID: { status: 401, title: 'The one-time code is wrong or was already used.' },
  VALIDATION: { status: 400, title: 'The request body, query or path is invalid.' },
  CONFLICT: { status: 409, title: 'The change conflicts with the current state.' },
  RATE_LIMITED: { status: 429, title: 'Too many requests from this source.' },
  USAGE_EXCEEDED: { status: 429, title: 'The key has used up its credits.' },
  UNAVAILABLE: { status: 503, title: 'The node cannot serve this now.' },
  SSO_REFUSED: {
    status: 401,
    title: "The identity provider's answer was refused; `reason` says why.",
  },
  SSO_REQUIRED: { status: 403, title: "This tenant's people sign in to the console with SSO." },
  SESSION_ENDED: { status: 401, title: 'The session is unknown, expired or ended.' },
  SESSION_INCOMPLETE: { status: 401, title: 'The session waits for a key choice or a one-time code.' },
  INTERNAL: { status: 500, title: 'An unexpected error; the request id finds it in the log.' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Every code a verify answer can carry: the key check's verdicts and the usage controls' (SPEC §3, §4). */
export const ANSWER_CODES = [
  'VALID',
  'NOT_FOUND',
  'REVOKED',
  'EXPIRED',
  'DISABLED',
  'FORBIDDEN',
  'MFA_REQUIRED',
  'RATE_LIMITED',
  'USAGE_EXCEEDED',
] as const;

/** The verdict codes a key check can answer with: every answer's but a rate limit's. */
export type VerdictCode = Exclude<(typeof ANSWER_CODES)[number], 'RATE_LIMITED'>;

/** An expected failure, carried as a value from services to the one HTTP mapping. */
export interface Problem {
  readonly code: ErrorCode;
  readonly detail: string;
  /** Overrides the code's default status (a bad bearer key is 401 whatever its code). */
  readonly status?: number;
  /** Extra members for the problem body, e.g. what was missing. Never a secret. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: Problem };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: ErrorCode, detail: string, extra?: Problem['extra']): Result<T> {
  return extra === undefined
    ? { ok: false, problem: { code, detail } }
    : { ok: false, problem: { code, detail, extra } };
}
