/**
 * The management API's client (`createClient` in `keyward/client`): one typed method per route of
 * `/v1`, calling with a key as bearer. Request and response types are the API schemas' own
 * (src/api, type-only imports), so they cannot drift from the server. A refused call throws
 * `KeywardApiError` carrying the problem (`code`, `detail`, `requestId`); no answer at all throws
 * it with `httpStatus` 0 and the code `UNREACHABLE`.
 */
import { KeywardApiError, type KeywardProblem } from './api-error.js';
import {
  type Collection,
  COLLECTION_PATHS,
  type KeywardClient,
  type PlainCollections,
  type Query,
} from './keyward-client.js';
import type { PageOf } from '../api/common.js';
import type { CreateGroupInput, GroupObject, ListGroupsInput } from '../api/groups.js';
import type { CreateKeyInput, KeyObject, ListKeysInput, PatchKeyInput } from '../api/keys.js';
import type { CreateUserInput, ListUsersInput, PatchUserInput, UserObject } from '../api/users.js';
import type { CreateEndpointInput, PatchEndpointInput, WebhookEndpointObject } from '../api/webhooks.js';

export type * from './keyward-client.js';

export { KeywardApiError, type KeywardProblem } from './api-error.js';

export interface ClientOptions {
  /** Where Keyward listens, e.g. `http://127.0.0.1:7600`. */
  readonly baseUrl: string;
  /** The key every call is made with. */
  readonly key: string;
  /** Defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Per request. Default 15000. */
  readonly timeoutMs?: number;
}

function queryString(query: Query | undefined): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export function createClient(options: ClientOptions): KeywardClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;

  /** The answer's status and text; an unreachable server is a KeywardApiError with status 0. */
  async function send(
    method: string,
    path: string,
    body: unknown,
    query: Query | undefined,
  ): Promise<{ response: Response; text: string }> {
    let response: Response;
    let text: string;
    try {
      response = await doFetch(`${base}${path}${queryString(query)}`, {
        method,
        headers: {
          authorization: `Bearer ${options.key}`,
          accept: 'application/json, application/problem+json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new KeywardApiError(0, {
        code: 'UNREACHABLE',
        detail: `Keyward could not be reached at ${base}: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
    return { response, text };
  }

  function failure(response: Response, text: string, parsed: unknown): KeywardApiError {
    const problem =
      typeof parsed === 'object' && parsed !== null
        ? (parsed as KeywardProblem)
        : { status: response.status, detail: text.slice(0, 200) };
    return new KeywardApiError(response.status, problem);
  }

  function parsedOf(text: string): unknown {
    try {
      return text === '' ? undefined : JSON.parse(text);
    } catch {
      return undefined;
    }
  }

  async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const { response, text } = await send(method, path, body, query);
    const parsed = parsedOf(text);
    if (response.ok) return parsed as T;
    throw failure(response, text, parsed);
  }

  /** A file the server answers (an audit export): its text as sent. */
  async function download(path: string, query?: Query): Promise<string> {
    const { response, text } = await send('GET', path, undefined, query);
    if (response.ok) return text;
    throw failure(response, text, parsedOf(text));
  }

  const at = (path: string, id: string): string => `${path}/${encodeURIComponent(id)}`;
  function collection<T, Create, Patch, List>(path: string): Collection<T, Create, Patch, List> {
    return {
      list: (query) => request<PageOf<T>>('GET', path, undefined, query as Query | undefined),
      get: (id) => request<T>('GET', at(path, id)),
      create: (body) => request<T>('POST', path, body),
      update: (id, body) => request<T>('PATCH', at(path, id), body),
      delete: (id, query) => request<T>('DELETE', at(path, id), undefined, query),
    };
  }

  /** Every plain collection at its path; its types are the interface's (the wire is the same for each). */
  function plainCollections(): PlainCollections {
    const made: Record<string, Collection<unknown, unknown, unknown, unknown>> = {};
    for (const [name, path] of Object.entries(COLLECTION_PATHS)) made[name] = collection(path);
    return made as unknown as PlainCollections;
  }

  const users = collection<UserObject, CreateUserInput, PatchUserInput, ListUsersInput>('/v1/users');
  const keys = collection<KeyObject, CreateKeyInput, PatchKeyInput, ListKeysInput>('/v1/keys');
  const groups = collection<GroupObject, CreateGroupInput, { name: string }, ListGroupsInput>('/v1/groups');
  const hooks = '/v1/webhook-endpoints';
  const endpoints = collection<WebhookEndpointObject, CreateEndpointInput, PatchEndpointInput, { tenantId?: string }>(
    hooks,
  );
  return {
    request,
    me: () => request('GET', '/v1/me'),
    verifyMfa: (code) => request('POST', '/v1/me/mfa/verify', { code }),
    model: () => request('GET', '/v1/model'),
    verify: (body) => request('POST', '/v1/verify', body),
    tenants: collection('/v1/tenants'),
    tiers: { list: () => request('GET', '/v1/tiers') },
    ...plainCollections(),
    users: {
      ...users,
      mfaStatus: (id) => request('GET', `${at('/v1/users', id)}/mfa`),
      mfaEnrol: (id) => request('POST', `${at('/v1/users', id)}/mfa`),
      mfaConfirm: (id, code) => request('POST', `${at('/v1/users', id)}/mfa/confirm`, { code }),
      mfaReset: (id) => request('DELETE', `${at('/v1/users', id)}/mfa`),
    },
    keys: {
      list: keys.list,
      get: keys.get,
      update: keys.update,
      create: (body) => request('POST', '/v1/keys', body),
      rotate: (id, body) => request('POST', `${at('/v1/keys', id)}/rotate`, body ?? {}),
      revoke: (id) => request('POST', `${at('/v1/keys', id)}/revoke`),
      usage: (id, query) => request('GET', `${at('/v1/keys', id)}/usage`, undefined, query),
      importKey: (body) => request('POST', '/v1/keys/import', body),
      importKeyBatch: (body) => request('POST', '/v1/keys/import/batch', body),
    },
    groups: {
      ...groups,
      addMember: (id, member) => request('POST', `${at('/v1/groups', id)}/members`, member),
      removeMember: (id, keyId) => request('DELETE', `${at('/v1/groups', id)}/members/${encodeURIComponent(keyId)}`),
    },
    analytics: {
      verifications: (query) => request('GET', '/v1/analytics/verifications', undefined, query),
    },
    audit: {
      list: (query) => request('GET', '/v1/audit', undefined, query),
      verify: (query) => request('GET', '/v1/audit/verify', undefined, query),
      export: (query) => download('/v1/audit/export', query),
    },
    webhooks: {
      list: endpoints.list,
      get: endpoints.get,
      update: endpoints.update,
      delete: endpoints.delete,
      create: (body) => request('POST', hooks, body),
      rotateSecret: (id, body) => request('POST', `${at(hooks, id)}/rotate-secret`, body ?? {}),
      deliveries: (id, query) => request('GET', `${at(hooks, id)}/deliveries`, undefined, query),
      redeliver: (id, deliveryId) =>
        request('POST', `${at(hooks, id)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`, {}),
      test: (id) => request('POST', `${at(hooks, id)}/test`, {}),
    },
    webhookKeys: {
      list: (query) => request('GET', '/v1/webhook-keys', undefined, query as Query | undefined),
      get: (id) => request('GET', at('/v1/webhook-keys', id)),
      create: (body) => request('POST', '/v1/webhook-keys', body),
      rotate: (id, body) => request('POST', `${at('/v1/webhook-keys', id)}/rotate`, body ?? {}),
      verify: (id, body) => request('POST', `${at('/v1/webhook-keys', id)}/verify`, body),
      delete: (id) => request('DELETE', at('/v1/webhook-keys', id)),
    },
    sessions: {
      list: (query) => request('GET', '/v1/sessions', undefined, query as Query | undefined),
      get: (id) => request('GET', at('/v1/sessions', id)),
      delete: (id) => request('DELETE', at('/v1/sessions', id)),
    },
    sso: {
      createToken: (body) => request('POST', '/v1/sso/token', body),
      getSignIn: () => request('GET', '/v1/sso/pending'),
      updateSignIn: (body) => request('POST', '/v1/sso/complete', body),
    },
  };
}
