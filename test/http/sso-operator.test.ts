/**
 * Issue 25 item 4: operators sign in as the instance through their own provider
 * (KEYWARD_OPERATOR_OIDC_*), here a real oidc-provider on loopback. The session does what the root
 * key may, each change audited with the operator's email; an email not among the operators is
 * refused and says so; the settings are all four or none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/http/config.js';
import { sqliteOnly } from '../support/databases.js';
import { startKeyward } from '../support/keyward.js';
import { browser } from '../support/oidc.js';
import { buildOperatorWorld, OPERATOR, type OperatorWorld } from '../support/operator-world.js';

const [sqlite] = sqliteOnly();
type Browser = ReturnType<typeof browser>;

/** Through the operators' sign-in and the provider's login form as `login`: Keyward's answer to its callback. */
async function operatorSignIn(world: OperatorWorld, tab: Browser, login: string) {
  const page = await tab.follow(`${world.base}/v1/sso/operator`);
  expect(page.status, page.text).toBe(200);
  const submitted = await tab.logIn(page, login);
  const notYetKeyward = (url: string) => !url.startsWith(`${world.base}/v1/sso/callback`);
  const last = submitted.location === null ? submitted : await tab.follow(submitted.location, notYetKeyward);
  return tab.request(new URL(last.location ?? last.url));
}

async function call(world: OperatorWorld, tab: Browser, method: string, path: string, body?: unknown) {
  const csrf = tab.cookies(world.base).get('keyward_csrf') ?? '';
  const response = await tab.request(new URL(path, world.base), {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(method === 'GET' ? {} : { 'x-keyward-csrf': csrf }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: response.text === '' ? undefined : JSON.parse(response.text) };
}

describe('operators signing in as the instance', () => {
  let world: OperatorWorld;
  beforeAll(async () => {
    if (sqlite === undefined) throw new Error('SQLite is always there');
    world = await buildOperatorWorld(sqlite);
  });
  afterAll(async () => {
    await world?.close();
  });

  it('tells the sign-in page that operators may sign in here', async () => {
    expect((await world.kw.client().get('/v1/sso/options')).body).toEqual({ operator: true });
  });

  it("signs an operator in through the provider's login page: the session sees every tenant, as the root key", async () => {
    const tab = browser();
    const landed = await operatorSignIn(world, tab, 'ops');
    expect(landed.status, landed.text).toBe(303);
    expect(landed.location).toBe(`${world.base}/ui/`);
    const me = await call(world, tab, 'GET', '/v1/me');
    expect(me.status, JSON.stringify(me.body)).toBe(200);
    expect(me.body.grants.root).toBe(true);
    const tenants = await call(world, tab, 'GET', '/v1/tenants');
    expect(tenants.body.items.map((tenant: { id: string }) => tenant.id)).toContain(world.acme.tenantId);
    const sessions = await call(world, tab, 'GET', '/v1/sessions');
    expect(sessions.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ email: OPERATOR, tenantId: null, userId: null, current: true }),
      ]),
    );
  });

  it("records what an operator's session changes with the operator's email, in the instance's log only", async () => {
    const tab = browser();
    expect((await operatorSignIn(world, tab, 'ops')).status).toBe(303);
    const made = await call(world, tab, 'POST', '/v1/tenants', { name: 'Made by ops' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const renamed = await call(world, tab, 'PATCH', `/v1/tenants/${world.acme.tenantId}`, { name: 'Acme Inc' });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    const audit = await world.kw.root.get('/v1/audit?order=desc&limit=100');
    const byAction = (action: string, tenantId: string | null) =>
      audit.body.items.find(
        (event: { action: string; tenantId: string | null }) => event.action === action && event.tenantId === tenantId,
      );
    expect(byAction('tenant.create', null)?.actor).toMatchObject({ type: 'key', email: OPERATOR });
    expect(byAction('tenant.update', null)?.actor).toMatchObject({ type: 'key', email: OPERATOR });
    // The tenant's own log names the operator, neither the root key nor who they are.
    const inTenant = byAction('tenant.update', world.acme.tenantId);
    expect(inTenant?.actor).toEqual({ type: 'operator' });
    expect(JSON.stringify(inTenant)).not.toContain(OPERATOR);
  });

  it('refuses an email the provider vouches for that is not among the operators, saying so', async () => {
    const json = await operatorSignIn(world, browser(), 'mallory');
    expect(json.status, json.text).toBe(401);
    const problem = JSON.parse(json.text);
    expect(problem).toMatchObject({ code: 'SSO_REFUSED', reason: 'not_operator' });
    expect(problem.detail).toContain('mallory@keyward-ops.example is not an operator of this instance');
    const page = await operatorSignIn(world, browser('text/html'), 'mallory');
    expect(page.location).toBe(`${world.base}/ui/?sso_error=SSO_REFUSED&reason=not_operator`);
  });

  it('does not let a tenant person in through the operators’ sign-in', async () => {
    const refused = await operatorSignIn(world, browser(), 'bob');
    expect(JSON.parse(refused.text)).toMatchObject({ code: 'SSO_REFUSED', reason: 'not_operator' });
  });
});

describe('operator sign-in settings', () => {
  it('is off unless configured: the page offers nothing and the start says how to turn it on', async () => {
    if (sqlite === undefined) throw new Error('SQLite is always there');
    const kw = await startKeyward(sqlite);
    try {
      expect((await kw.client().get('/v1/sso/options')).body).toEqual({ operator: false });
      const start = await kw.client().get('/v1/sso/operator');
      expect(start.status).toBe(404);
      expect(start.body.detail).toContain('KEYWARD_OPERATOR_OIDC_ISSUER');
    } finally {
      await kw.close();
    }
  });

  it('takes all four variables or none, with verified-looking emails', () => {
    const all = {
      KEYWARD_OPERATOR_OIDC_ISSUER: 'https://login.example.com',
      KEYWARD_OPERATOR_OIDC_CLIENT_ID: 'keyward',
      KEYWARD_OPERATOR_OIDC_CLIENT_SECRET: 's3cret',
      KEYWARD_OPERATOR_OIDC_EMAILS: ' Ops@Example.com, sre@example.com ',
    };
    expect(loadConfig(all).operatorOidc).toMatchObject({ emails: ['ops@example.com', 'sre@example.com'] });
    expect(loadConfig({}).operatorOidc).toBeNull();
    const { KEYWARD_OPERATOR_OIDC_EMAILS: _emails, ...three } = all;
    expect(() => loadConfig(three)).toThrow(ConfigError);
    expect(() => loadConfig(three)).toThrow(/missing: KEYWARD_OPERATOR_OIDC_EMAILS/);
    expect(() => loadConfig({ ...all, KEYWARD_OPERATOR_OIDC_ISSUER: 'http://login.example.com' })).toThrow(/https/);
    expect(() => loadConfig({ ...all, KEYWARD_OPERATOR_OIDC_EMAILS: 'not-an-email' })).toThrow(/emails/);
  });
});
