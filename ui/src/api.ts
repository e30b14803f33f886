/**
 * Talks to Keyward's /v1 API as the signed-in key: every request carries it as a bearer
 * token, never in a URL. A refusal comes back as an `ApiError` holding the problem's `detail`
 * and `code` (RFC 9457 bodies), or a made-up one when the server did not answer at all.
 * Signed in as root, `tenantId` names the tenant picked first; every list and creation is
 * scoped to it, since the root key belongs to none.
 */
import type { AuditCheckObject, AuditEventObject } from '../../src/api/audit.js';
import type { PageOf } from '../../src/api/common.js';
import type { CreateEnvironmentInput, EnvironmentObject, PatchEnvironmentInput } from '../../src/api/environments.js';
import type { GroupObject } from '../../src/api/groups.js';
import type { CreatedKeyObject, CreateKeyInput, KeyObject, PatchKeyInput, RotateKeyInput } from '../../src/api/keys.js';
import type { MeObject } from '../../src/api/me.js';
import type { MfaEnrolmentObject, MfaStatusObject, MfaVerifiedObject } from '../../src/api/mfa.js';
import type { ModelDescriptionObject } from '../../src/api/model.js';
import type { CreatePolicyInput, PatchPolicyInput, PolicyObject } from '../../src/api/policies.js';
import type { CreateResourceInput, PatchResourceInput, ResourceObject } from '../../src/api/resources.js';
import type { PatchTenantInput, TenantObject } from '../../src/api/tenants.js';
import type { KeyUsageObject } from '../../src/api/usage.js';
import type { CreateUserInput, PatchUserInput, UserObject } from '../../src/api/users.js';

export type {
  AuditCheckObject,
  AuditEventObject,
  CreatedKeyObject,
  CreateKeyInput,
  EnvironmentObject,
  GroupObject,
  KeyObject,
  KeyUsageObject,
  MeObject,
  ModelDescriptionObject,
  PageOf,
  PatchKeyInput,
  PatchTenantInput,
  PolicyObject,
  ResourceObject,
  TenantObject,
  UserObject,
};

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

export interface AuditFilter {
  readonly action: string;
  readonly outcome: '' | 'success' | 'denied';
  readonly actorKeyId: string;
  readonly targetId: string;
  /** datetime-local values, or '' for no bound. */
  readonly from: string;
  readonly to: string;
}

/** A list's query: string values, '' or null meaning "not asked". */
export type Query = Record<string, string | null | undefined>;

export interface Api {
  me(): Promise<MeObject>;
  model(): Promise<ModelDescriptionObject>;
  mfaStatus(userId: string): Promise<MfaStatusObject>;
  verifyMfa(code: string): Promise<MfaVerifiedObject>;
  enrolMfa(userId: string): Promise<MfaEnrolmentObject>;
  confirmMfa(userId: string, code: string): Promise<MfaStatusObject>;
  resetMfa(userId: string): Promise<void>;

  listKeys(query: Query, cursor: string | null): Promise<PageOf<KeyObject>>;
  getKey(id: string): Promise<KeyObject>;
  createKey(input: CreateKeyInput): Promise<CreatedKeyObject>;
  patchKey(id: string, input: PatchKeyInput): Promise<KeyObject>;
  revokeKey(id: string): Promise<KeyObject>;
  rotateKey(id: string, input: RotateKeyInput): Promise<CreatedKeyObject>;
  keyUsage(id: string): Promise<KeyUsageObject>;

  listPolicies(cursor: string | null): Promise<PageOf<PolicyObject>>;
  createPolicy(input: CreatePolicyInput): Promise<PolicyObject>;
  patchPolicy(id: string, input: PatchPolicyInput): Promise<PolicyObject>;
  listGroups(cursor: string | null): Promise<PageOf<GroupObject>>;
  createGroup(name: string): Promise<GroupObject>;
  addMember(groupId: string, member: { keyId: string } | { userId: string }): Promise<GroupObject>;
  removeMember(groupId: string, memberId: string): Promise<GroupObject>;
  listUsers(cursor: string | null): Promise<PageOf<UserObject>>;
  createUser(input: CreateUserInput): Promise<UserObject>;
  patchUser(id: string, input: PatchUserInput): Promise<UserObject>;
  listEnvironments(cursor: string | null): Promise<PageOf<EnvironmentObject>>;
  createEnvironment(input: CreateEnvironmentInput): Promise<EnvironmentObject>;
  patchEnvironment(id: string, input: PatchEnvironmentInput): Promise<EnvironmentObject>;
  listResources(query: Query, cursor: string | null): Promise<PageOf<ResourceObject>>;
  createResource(input: CreateResourceInput): Promise<ResourceObject>;
  patchResource(id: string, input: PatchResourceInput): Promise<ResourceObject>;
  listTenants(cursor: string | null): Promise<PageOf<TenantObject>>;
  getTenant(id: string): Promise<TenantObject>;
  patchTenant(id: string, input: PatchTenantInput): Promise<TenantObject>;

  listAudit(filter: AuditFilter, cursor: string | null): Promise<PageOf<AuditEventObject>>;
  verifyAudit(): Promise<AuditCheckObject>;
}

const PAGE_SIZE = '50';

function query(params: Query): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== '') search.set(name, value);
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** A datetime-local value as the API's ISO time, or null for none. */
function isoOf(local: string): string | null {
  if (local === '') return null;
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

const at = (path: string, id: string) => `${path}/${encodeURIComponent(id)}`;

/**
 * An API client for one key. `onKeyGone` hears of a 401 that means the key itself stopped
 * working (revoked, expired…), so the UI can end the session.
 */
export function createApi(key: string, onKeyGone: (problem: Problem) => void = () => undefined, tenantId: string | null = null): Api {
  const send = async <T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> => {
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
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  };
  const tenant = { tenantId };
  const owned = <T extends object>(input: T): T => (tenantId === null ? input : { tenantId, ...input });
  const list = <T>(path: string, params: Query, cursor: string | null) => send<PageOf<T>>('GET', `${path}${query({ ...tenant, limit: PAGE_SIZE, ...params, cursor })}`);
  return {
    me: () => send('GET', '/v1/me'),
    model: () => send('GET', '/v1/model'),
    mfaStatus: (userId) => send('GET', `${at('/v1/users', userId)}/mfa`),
    verifyMfa: (code) => send('POST', '/v1/me/mfa/verify', { code }),
    enrolMfa: (userId) => send('POST', `${at('/v1/users', userId)}/mfa`, {}),
    confirmMfa: (userId, code) => send('POST', `${at('/v1/users', userId)}/mfa/confirm`, { code }),
    resetMfa: (userId) => send('DELETE', `${at('/v1/users', userId)}/mfa`),

    listKeys: (params, cursor) => list('/v1/keys', params, cursor),
    getKey: (id) => send('GET', at('/v1/keys', id)),
    createKey: (input) => send('POST', '/v1/keys', input),
    patchKey: (id, input) => send('PATCH', at('/v1/keys', id), input),
    revokeKey: (id) => send('POST', `${at('/v1/keys', id)}/revoke`),
    rotateKey: (id, input) => send('POST', `${at('/v1/keys', id)}/rotate`, input),
    keyUsage: (id) => send('GET', `${at('/v1/keys', id)}/usage`),

    listPolicies: (cursor) => list('/v1/policies', {}, cursor),
    createPolicy: (input) => send('POST', '/v1/policies', owned(input)),
    patchPolicy: (id, input) => send('PATCH', at('/v1/policies', id), input),
    listGroups: (cursor) => list('/v1/groups', {}, cursor),
    createGroup: (name) => send('POST', '/v1/groups', owned({ name })),
    addMember: (groupId, member) => send('POST', `${at('/v1/groups', groupId)}/members`, member),
    removeMember: (groupId, memberId) => send('DELETE', `${at('/v1/groups', groupId)}/members/${encodeURIComponent(memberId)}`),
    listUsers: (cursor) => list('/v1/users', {}, cursor),
    createUser: (input) => send('POST', '/v1/users', owned(input)),
    patchUser: (id, input) => send('PATCH', at('/v1/users', id), input),
    listEnvironments: (cursor) => list('/v1/environments', {}, cursor),
    createEnvironment: (input) => send('POST', '/v1/environments', owned(input)),
    patchEnvironment: (id, input) => send('PATCH', at('/v1/environments', id), input),
    // Resources are listed by what the key may discover; they take no tenantId.
    listResources: (params, cursor) => send('GET', `/v1/resources${query({ limit: PAGE_SIZE, ...params, cursor })}`),
    createResource: (input) => send('POST', '/v1/resources', input),
    patchResource: (id, input) => send('PATCH', at('/v1/resources', id), input),
    listTenants: (cursor) => send('GET', `/v1/tenants${query({ limit: PAGE_SIZE, cursor })}`),
    getTenant: (id) => send('GET', at('/v1/tenants', id)),
    patchTenant: (id, input) => send('PATCH', at('/v1/tenants', id), input),

    listAudit: (filter, cursor) =>
      send(
        'GET',
        `/v1/audit${query({
          ...tenant,
          order: 'desc',
          limit: PAGE_SIZE,
          action: filter.action.trim(),
          outcome: filter.outcome,
          actorKeyId: filter.actorKeyId.trim(),
          targetId: filter.targetId.trim(),
          from: isoOf(filter.from),
          to: isoOf(filter.to),
          cursor,
        })}`,
      ),
    verifyAudit: () => send('GET', `/v1/audit/verify${query(tenant)}`),
  };
}

/** Every page of a list, for pages that search, filter and sort on the client (at most `max` items). */
export async function listAll<T>(fetchPage: (cursor: string | null) => Promise<PageOf<T>>, max = 1000): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: PageOf<T> = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && items.length < max);
  return items;
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
