/**
 * Issue 22 item 8: one name per operation. Every `/v1` route's operationId is its audit action's
 * verb then nouns (`key.update` → `updateKey`; `read` is `get`, `list` takes the plural), and its
 * handler calls the service of that name. Stored audit actions are never renamed, so the
 * operationIds and services follow them; those that do not are listed here with their reason
 * (docs/adr/0002-routes-live-in-http.md). A route's action is the one its refusals are filed under;
 * `PATCH /v1/keys/{id}` (`key.update`) is the one route whose successes record other actions, named
 * for what they did (`key.disabled`, `key.grants_changed`…: docs/audit-actions.md), so its name
 * still follows `key.update`.
 */
import type { RouteOptions } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { sqliteOnly } from '../support/databases.js';
import { startKeyward } from '../support/keyward.js';

interface NamedRoute {
  readonly key: string;
  readonly action: string | undefined;
  readonly operationId: string | undefined;
  readonly handler: string;
}

/** Operations whose name the rule does not give, and the name they keep. */
const EXCEPTIONS: Readonly<Record<string, string>> = {
  // The action names no noun; `verifyKey` is what client generators already call.
  'POST /v1/verify': 'verifyKey',
  // `verifyMeMfa` says less than the name it has.
  'POST /v1/me/mfa/verify': 'verifyMfaCode',
};

/** Handlers that call no service: they answer from the app's own state. */
const NO_SERVICE = new Set(['POST /v1/verify', 'GET /v1/model']);

/** The plural of the last noun of a `list` action, where adding `s` is not it. */
const PLURALS: Readonly<Record<string, string>> = {
  audit: 'AuditEvents',
  policy: 'Policies',
  webhookDelivery: 'WebhookDeliveries',
};

const capital = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** The operation name an audit action gives: `group.member.add` → `addGroupMember`. */
function nameOf(action: string): string {
  const words = action.split('.');
  const verb = words.pop() as string;
  if (verb === 'list') {
    const last = words.pop() as string;
    return `list${words.map(capital).join('')}${PLURALS[last] ?? `${capital(last)}s`}`;
  }
  return `${verb === 'read' ? 'get' : verb}${words.map(capital).join('')}`;
}

describe('operation names', () => {
  const routes: NamedRoute[] = [];
  beforeAll(async () => {
    const [sqlite] = sqliteOnly();
    if (sqlite === undefined) throw new Error('SQLite is always a test database');
    const kw = await startKeyward(sqlite, {
      onRoute: (route: RouteOptions) => {
        if (!route.url.startsWith('/v1/') || route.method === 'HEAD') return;
        routes.push({
          key: `${String(route.method)} ${route.url}`,
          action: route.config?.action,
          operationId: (route.schema as { operationId?: string } | undefined)?.operationId,
          handler: String(route.handler),
        });
      },
    });
    await kw.close();
  });

  it('gives the rule its examples', () => {
    expect(nameOf('key.update')).toBe('updateKey');
    expect(nameOf('key.read')).toBe('getKey');
    expect(nameOf('key.list')).toBe('listKeys');
    expect(nameOf('policy.list')).toBe('listPolicies');
    expect(nameOf('group.member.add')).toBe('addGroupMember');
    expect(nameOf('key.usage.read')).toBe('getKeyUsage');
    expect(nameOf('user.mfa.enrol')).toBe('enrolUserMfa');
  });

  it("names every /v1 route's operation after its audit action", () => {
    expect(routes.length).toBeGreaterThan(40);
    const misnamed = routes
      .filter(
        (route) => route.action === undefined || route.operationId !== (EXCEPTIONS[route.key] ?? nameOf(route.action)),
      )
      .map((route) => `${route.key}: action ${route.action}, operationId ${route.operationId}`);
    expect(misnamed).toEqual([]);
  });

  // The handler's source, as the test runner compiled it: a call `name(` or, imported, `name)(`.
  it('has each route call the service of its operation', () => {
    const elsewhere = routes
      .filter(
        (route) => !NO_SERVICE.has(route.key) && !new RegExp(`\\b${route.operationId}\\)?\\(`).test(route.handler),
      )
      .map((route) => `${route.key} (${route.operationId}): ${route.handler}`);
    expect(elsewhere).toEqual([]);
  });

  it('lists no exception the rule now covers', () => {
    for (const [key, name] of Object.entries(EXCEPTIONS)) {
      const route = routes.find((candidate) => candidate.key === key);
      expect(route?.operationId, key).toBe(name);
      expect(nameOf(route?.action ?? ''), key).not.toBe(name);
    }
  });
});
