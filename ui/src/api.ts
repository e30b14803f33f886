/**
 * Talks to Keyward's /v1 API as the signed-in key: every request carries it as a bearer
 * token, never in a URL. A refusal comes back as an `ApiError` holding the problem's `detail`
 * and `code` (RFC 9457 bodies), or a made-up one when the server did not answer at all.
 */
import type { AuditCheckObject, AuditEventObject } from '../../src/api/audit.js';
import type { PageOf } from '../../src/api/common.js';
import type { CreatedKeyObject, CreateKeyInput, KeyObject, RotateKeyInput } from '../../src/api/keys.js';
import type { MeObject } from '../../src/api/me.js';
import type { MfaStatusObject, MfaVerifiedObject } from '../../src/api/mfa.js';

export type { AuditCheckObject, AuditEventObject, CreatedKeyObject, CreateKeyInput, KeyObject, MeObject, PageOf };

export interface Problem {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.detail} (${problem.code})`);
    this.name = 'ApiError';
  }
}

/** Codes that say the key itself no longer works: the session is over. */
const KEY_GONE = new Set(['UNAUTHENTICATED', 'NOT_FOUND', 'REVOKED', 'EXPIRED', 'DISABLED']);

export function keyIsGone(problem: Problem): boolean {
  return problem.status === 401 && KEY_GONE.has(problem.code);
}

async function problemOf(response: Response): Promise<Problem> {
  try {
    const body = (await response.json()) as Partial<Problem>;
    return { status: response.status, code: body.code ?? `HTTP_${response.status}`, detail: body.detail ?? response.statusText };
  } catch {
    return { status: response.status, code: `HTTP_${response.status}`, detail: response.statusText || 'the server answered without details' };
  }
}

export interface Api {
  me(): Promise<MeObject>;
  mfaStatus(userId: string): Promise<MfaStatusObject>;
  verifyMfa(code: string): Promise<MfaVerifiedObject>;
  listKeys(cursor: string | null): Promise<PageOf<KeyObject>>;
  createKey(input: CreateKeyInput): Promise<CreatedKeyObject>;
  revokeKey(id: string): Promise<KeyObject>;
  rotateKey(id: string, input: RotateKeyInput): Promise<CreatedKeyObject>;
  listAudit(filter: AuditFilter, cursor: string | null): Promise<PageOf<AuditEventObject>>;
  verifyAudit(): Promise<AuditCheckObject>;
}

export interface AuditFilter {
  readonly action: string;
  readonly outcome: '' | 'success' | 'denied';
}

const PAGE_SIZE = '25';

function query(params: Record<string, string | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== null && value !== '') search.set(name, value);
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * An API client for one key. `onKeyGone` hears of a 401 that means the key itself stopped
 * working (revoked, expired…), so the UI can end the session.
 */
export function createApi(key: string, onKeyGone: (problem: Problem) => void = () => undefined): Api {
  const send = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: { authorization: `Bearer ${key}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (error) {
      throw new ApiError({ status: 0, code: 'UNREACHABLE', detail: `Keyward did not answer (${error instanceof Error ? error.message : String(error)})` });
    }
    if (!response.ok) {
      const problem = await problemOf(response);
      if (keyIsGone(problem)) onKeyGone(problem);
      throw new ApiError(problem);
    }
    return (await response.json()) as T;
  };
  return {
    me: () => send('GET', '/v1/me'),
    mfaStatus: (userId) => send('GET', `/v1/users/${encodeURIComponent(userId)}/mfa`),
    verifyMfa: (code) => send('POST', '/v1/me/mfa/verify', { code }),
    listKeys: (cursor) => send('GET', `/v1/keys${query({ limit: PAGE_SIZE, cursor })}`),
    createKey: (input) => send('POST', '/v1/keys', input),
    revokeKey: (id) => send('POST', `/v1/keys/${encodeURIComponent(id)}/revoke`),
    rotateKey: (id, input) => send('POST', `/v1/keys/${encodeURIComponent(id)}/rotate`, input),
    listAudit: (filter, cursor) => send('GET', `/v1/audit${query({ limit: PAGE_SIZE, action: filter.action.trim(), outcome: filter.outcome, cursor })}`),
    verifyAudit: () => send('GET', '/v1/audit/verify'),
  };
}

/** The message to show for a failure: the problem's detail and code, or the error's text. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.problem.detail} (${error.problem.code})`;
  return error instanceof Error ? error.message : String(error);
}

/** Whether `me` holds a named permission (the root key holds them all). */
export function holds(me: MeObject, permission: string): boolean {
  return me.grants.root || me.grants.permissions.includes(permission);
}
