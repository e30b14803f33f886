/**
 * The console talks to Keyward's /v1 API through `keyward/client`'s management client, the one
 * the CLI and users have: every route has its method there, once. This file only wraps it for a
 * browser tab: the signed-in key travels as a bearer token (never in a URL, no cookie, nothing
 * cached), a 401 saying the key itself stopped working ends the session, and signed in as root,
 * every list and creation of a tenant's things is scoped to the tenant picked, since the root
 * key belongs to none. A refusal is a `KeywardApiError` holding the problem (`code`, `detail`).
 */
import type { PageOf } from '../../src/api/common.js';
import type { ErrorCode } from '../../src/api/errors.js';
import type { MeObject } from '../../src/api/me.js';
import {
  type ClientOptions,
  createClient,
  KeywardApiError,
  type KeywardClient,
  type KeywardProblem,
} from '../../src/client/management.js';
import { CSRF_HEADER, csrfToken, SESSION_KEY } from './sso';

export type { VerificationsInput, VerificationsObject } from '../../src/api/analytics.js';
export type { AuditCheckObject, AuditEventObject, ListAuditInput } from '../../src/api/audit.js';
export type { PageOf } from '../../src/api/common.js';
export type { EnvironmentObject } from '../../src/api/environments.js';
export type { GroupObject } from '../../src/api/groups.js';
export type { CreatedKeyObject, CreateKeyInput, KeyObject, ListKeysInput, PatchKeyInput } from '../../src/api/keys.js';
export type { MeObject } from '../../src/api/me.js';
export type { ModelDescriptionObject } from '../../src/api/model.js';
export type { PolicyObject } from '../../src/api/policies.js';
export type { ListResourcesInput, ResourceObject } from '../../src/api/resources.js';
export type { PatchTenantInput, TenantObject } from '../../src/api/tenants.js';
export type { TierListObject, TierObject } from '../../src/api/tiers.js';
export type { KeyUsageObject } from '../../src/api/usage.js';
export type { UserObject } from '../../src/api/users.js';
export type { WebhookDeliveryObject, WebhookEndpointObject } from '../../src/api/webhooks.js';
export { WEBHOOK_EVENT_TYPES } from '../../src/api/webhook-event-types.js';
export type { CreatedWebhookKeyObject, WebhookKeyObject } from '../../src/api/webhook-keys.js';
export { KeywardApiError };

/** The console's client: keyward/client's, wrapped for the signed-in tab. */
export type Api = KeywardClient;

/** Why the session ended on its own, as the server said it. */
export interface KeyGone {
  readonly code: string;
  readonly detail: string;
}

/** Codes that say the key itself no longer works: the session is over. */
const KEY_GONE: ReadonlySet<string> = new Set<ErrorCode>([
  'SESSION_ENDED',
  'SESSION_INCOMPLETE',
  'SSO_REQUIRED',
  'UNAUTHENTICATED',
  'NOT_FOUND',
  'REVOKED',
  'EXPIRED',
  'DISABLED',
]);

/** No timeout of the console's own: a long audit chain check may take its time, as it always could. */
const NO_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/**
 * What a call carries: with a pasted key, the key and the mark of a console sign-in (a tenant
 * with requireSso refuses keys there, not in API calls); signed in with SSO, no key but the
 * session cookie, and on writes its CSRF token.
 */
function credentialsOf(key: string, init: RequestInit | undefined): RequestInit {
  // keyward/client hands its headers as a plain object, and the console's tests read them so.
  const { authorization, ...rest } = (init?.headers ?? {}) as Record<string, string>;
  if (key !== SESSION_KEY)
    return {
      ...init,
      headers: { ...rest, ...(authorization === undefined ? {} : { authorization }), 'x-keyward-console': 'key' },
      credentials: 'omit',
    };
  const write = (init?.method ?? 'GET') !== 'GET';
  return {
    ...init,
    headers: { ...rest, ...(write ? { [CSRF_HEADER]: csrfToken() ?? '' } : {}) },
    credentials: 'same-origin',
  };
}

/** The browser's fetch as the console uses it: nothing cached or sent besides the credential, and a dead one heard of. */
function tabFetch(key: string, onKeyGone: (gone: KeyGone) => void): NonNullable<ClientOptions['fetch']> {
  return async (input, init) => {
    // biome-ignore lint/style/noRestrictedGlobals: the console's one fetch, handed to keyward/client, which makes every call
    const response = await fetch(input, { ...credentialsOf(key, init), cache: 'no-store' });
    if (response.status === 401) {
      const problem = (await response
        .clone()
        .json()
        .catch(() => null)) as KeywardProblem | null;
      if (typeof problem?.code === 'string' && KEY_GONE.has(problem.code))
        onKeyGone({ code: problem.code, detail: problem.detail ?? 'the key no longer works' });
    }
    return response;
  };
}

/** The client's lists and creations of a tenant's things, each defaulting to one tenant. */
function inTenant(client: KeywardClient, tenantId: string): KeywardClient {
  const listed =
    <Q extends { tenantId?: string }, R>(list: (query?: Q) => Promise<R>) =>
    (query?: Q) =>
      // Every list query's members are optional: the tenant alone is a query of each.
      list({ tenantId, ...query } as Q);
  const created =
    <B extends { tenantId?: string }, R>(create: (body: B) => Promise<R>) =>
    (body: B) =>
      create({ tenantId, ...body });
  const { keys, policies, groups, users, environments, audit, webhooks, analytics } = client;
  return {
    ...client,
    keys: { ...keys, list: listed(keys.list) },
    policies: { ...policies, list: listed(policies.list), create: created(policies.create) },
    groups: { ...groups, list: listed(groups.list), create: created(groups.create) },
    users: { ...users, list: listed(users.list), create: created(users.create) },
    environments: { ...environments, list: listed(environments.list), create: created(environments.create) },
    audit: { list: listed(audit.list), verify: listed(audit.verify), export: listed(audit.export) },
    analytics: { verifications: listed(analytics.verifications) },
    webhooks: { ...webhooks, list: listed(webhooks.list), create: created(webhooks.create) },
  };
}

/**
 * The client for one key. `onKeyGone` hears of a 401 that means the key itself stopped working
 * (revoked, expired…), so the UI can end the session; `tenantId` is root's picked tenant.
 */
export function createApi(
  key: string,
  onKeyGone: (gone: KeyGone) => void = () => undefined,
  tenantId: string | null = null,
): Api {
  const client = createClient({
    baseUrl: window.location.origin,
    key,
    fetch: tabFetch(key, onKeyGone),
    timeoutMs: NO_TIMEOUT_MS,
  });
  return tenantId === null ? client : inTenant(client, tenantId);
}

/** A list's page from its cursor, as the client takes it (none: the first page). */
export function pageAt(cursor: string | null): { cursor?: string } {
  return cursor === null ? {} : { cursor };
}

/** Every page of a list, for pages that search, filter and sort on the client (at most `max` items). */
export async function listAll<T>(
  fetchPage: (page: { cursor?: string }) => Promise<PageOf<T>>,
  max = 1000,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: PageOf<T> = await fetchPage(pageAt(cursor));
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && items.length < max);
  return items;
}

/** The message to show for a failure: the problem's detail and code, or the error's text. */
export function describeError(error: unknown): string {
  if (error instanceof KeywardApiError) {
    const { problem, httpStatus } = error;
    return `${problem.detail || problem.title || 'the server answered without details'} (${problem.code ?? `HTTP_${httpStatus}`})`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Whether `me` holds a named permission (the root key holds them all). */
export function holds(me: MeObject, permission: string): boolean {
  return me.grants.root || me.grants.permissions.includes(permission);
}
