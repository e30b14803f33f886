/**
 * Sign-in with SSO against a real OpenID Connect provider (oidc-provider, in the test process on
 * loopback): a person signs in through its login form and acts with their own key through a
 * session cookie; each way the provider's answer can be wrong is refused with its reason; a
 * session ends with its key, from /v1/sessions, and writes need the CSRF token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretBox } from '../../src/core/secret-box.js';
import { sealFlow } from '../../src/modules/sso/sso-flow.js';
import * as oidc from 'openid-client';
import { sqliteOnly } from '../support/databases.js';
import { browser } from '../support/oidc.js';
import { expectProblem, created } from '../support/problem.js';
import type { Reply } from '../support/keyward.js';
import { codeAt, STEP_MS } from '../support/totp.js';
import { ACCOUNTS, buildSsoWorld, DOMAIN, PEPPER, userKey, type SsoWorld } from '../support/sso-world.js';

const [sqlite] = sqliteOnly();

type Browser = ReturnType<typeof browser>;

/** Through the provider's login form as `login`, up to (not into) Keyward's callback: its URL. */
async function toCallback(world: SsoWorld, tab: Browser, login: string, email = ACCOUNTS[login]?.email ?? login) {
  const page = await tab.follow(`${world.base}/v1/sso/start?email=${encodeURIComponent(email)}`);
  expect(page.status, page.text).toBe(200);
  const submitted = await tab.logIn(page, login);
  const isCallback = (url: string) => !url.startsWith(`${world.base}/v1/sso/callback`);
  const last = submitted.location === null ? submitted : await tab.follow(submitted.location, isCallback);
  const callback = last.location ?? last.url;
  expect(callback.startsWith(`${world.base}/v1/sso/callback?`), callback).toBe(true);
  return callback;
}

function asReply(response: { status: number; text: string }): Reply {
  return { status: response.status, headers: {}, body: response.text === '' ? undefined : JSON.parse(response.text) };
}

/** Keyward's answer to a request carrying the tab's cookies (and the CSRF header for writes). */
async function withSession(world: SsoWorld, tab: Browser, method: string, path: string, body?: unknown) {
  const cookies = tab.cookies(world.base);
  const response = await tab.request(new URL(path, world.base), {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(method === 'GET' ? {} : { 'x-keyward-csrf': cookies.get('keyward_csrf') ?? '' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: response.text === '' ? undefined : JSON.parse(response.text) };
}

async function currentSessionId(world: SsoWorld, tab: Browser): Promise<string> {
  const listed = await withSession(world, tab, 'GET', '/v1/sessions');
  const current = listed.body.items.find((item: { current: boolean }) => item.current);
  expect(current, JSON.stringify(listed.body)).toBeDefined();
  return current.id as string;
}

async function signIn(world: SsoWorld, login: string): Promise<Browser> {
  const tab = browser();
  const callback = await toCallback(world, tab, login);
  const landed = await tab.request(new URL(callback));
  expect(landed.status, landed.text).toBe(303);
  expect(landed.location).toBe(`${world.base}/ui/`);
  return tab;
}

function expectRefused(response: { status: number; text: string }, reason: string) {
  const reply = asReply(response);
  expect(reply.status, response.text).toBe(401);
  expect(reply.body, response.text).toMatchObject({ code: 'SSO_REFUSED', reason });
  expect(typeof reply.body.detail).toBe('string');
}

describe('sign-in with SSO', () => {
  let world: SsoWorld;
  beforeAll(async () => {
    if (sqlite === undefined) throw new Error('SQLite is always there');
    world = await buildSsoWorld(sqlite);
  });
  afterAll(async () => {
    await world?.close();
  });

  it('keeps the client secret sealed: never answered, and not in the database in clear', async () => {
    const read = await world.acme.admin.get(`/v1/identity-providers/${world.identityProviderId}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ clientSecretSet: true, emailDomains: [DOMAIN], provisioning: 'none' });
    expect(JSON.stringify(read.body)).not.toContain(world.provider.clientSecret);
    const row = await world.kw.keyward.storage.db
      .selectFrom('identity_providers')
      .select('client_secret')
      .where('id', '=', world.identityProviderId)
      .executeTakeFirstOrThrow();
    expect(row.client_secret).not.toContain(world.provider.clientSecret);
  });

  it('refuses a domain another provider already signs in, with 409', async () => {
    const other = await world.kw.root.post('/v1/tenants', { name: 'Other' });
    const taken = await world.kw.root.post('/v1/identity-providers', {
      tenantId: other.body.id,
      name: 'Squatter',
      issuer: 'https://login.example.org',
      clientId: 'x',
      clientSecret: 'y',
      emailDomains: [DOMAIN.toUpperCase()],
    });
    expectProblem(taken, 409, 'CONFLICT');
    expect(taken.body.detail).toContain(DOMAIN);
  });

  it("signs a person in through the provider's login page; the session acts with their own key", async () => {
    const tab = await signIn(world, 'bob');
    const cookie = tab.cookies(world.base);
    expect(cookie.get('keyward_session')).toBeDefined();
    const me = await withSession(world, tab, 'GET', '/v1/me');
    expect(me.status, JSON.stringify(me.body)).toBe(200);
    expect(me.body.key.id).toBe(world.bob.keyId);
    const sessions = await withSession(world, tab, 'GET', '/v1/sessions');
    expect(sessions.body.items).toEqual([
      expect.objectContaining({ userId: world.bob.userId, keyId: world.bob.keyId, current: true, complete: true }),
    ]);
  });

  it('answers unknown email domains with 404 and no redirect', async () => {
    const response = await browser().request(new URL(`${world.base}/v1/sso/start?email=x@nowhere.example`));
    expect(asReply(response).body).toMatchObject({ code: 'NOT_FOUND' });
    expect(response.status).toBe(404);
  });

  it('refuses an answer whose state is not this browser’s', async () => {
    const tab = browser();
    const callback = new URL(await toCallback(world, tab, 'bob'));
    callback.searchParams.set('state', 'not-the-state');
    expectRefused(await tab.request(callback), 'state');
  });

  it('refuses a callback in a browser with no sign-in in progress (a planted link)', async () => {
    const callback = await toCallback(world, browser(), 'bob');
    expectRefused(await browser().request(new URL(callback)), 'no_flow');
  });

  it('refuses a replayed code: the provider will not exchange it twice', async () => {
    const tab = browser();
    const callback = await toCallback(world, tab, 'bob');
    const flow = tab.cookies(world.base).get('keyward_sso_flow') as string;
    expect((await tab.request(new URL(callback))).status).toBe(303);
    tab.cookies(world.base).set('keyward_sso_flow', flow);
    expectRefused(await tab.request(new URL(callback)), 'code');
  });

  it('refuses an ID token made for another nonce', async () => {
    // The test plays both sides: its own authorization request (nonce A), then a flow naming nonce B.
    const config = await oidc.discovery(new URL(world.provider.issuer), world.provider.clientId, undefined, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${world.base}/v1/sso/callback`,
      scope: 'openid email',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce: 'nonce-of-the-request',
    });
    const tab = browser();
    const page = await tab.follow(url.href);
    const submitted = await tab.logIn(page, 'bob');
    const last = await tab.follow(submitted.location as string, (next) => !next.startsWith(world.base));
    const callback = last.location as string;
    const flow = sealFlow(secretBox(Buffer.from(PEPPER, 'utf8')), {
      providerId: world.identityProviderId,
      state,
      nonce: 'another-nonce',
      verifier,
      expiresAt: Date.now() + 60_000,
      client: 'console',
    });
    tab.cookies(world.base).set('keyward_sso_flow', flow);
    expectRefused(await tab.request(new URL(callback)), 'nonce');
  });

  it('refuses an email the provider does not say is verified', async () => {
    const tab = browser();
    expectRefused(await tab.request(new URL(await toCallback(world, tab, 'carol'))), 'email_unverified');
  });

  it("refuses an email outside the provider's domains", async () => {
    const tab = browser();
    const callback = await toCallback(world, tab, 'dave', `dave@${DOMAIN}`);
    expectRefused(await tab.request(new URL(callback)), 'email_domain');
  });

  it('refuses a person with no user where the provider does not provision', async () => {
    const tab = browser();
    expectRefused(await tab.request(new URL(await toCallback(world, tab, 'erin'))), 'no_user');
  });

  it('sends a refused browser back to the console, which says why', async () => {
    const tab = browser('text/html');
    const callback = await toCallback(world, tab, 'carol');
    const refused = await tab.request(new URL(callback));
    expect(refused.status).toBe(303);
    expect(refused.location).toBe(`${world.base}/ui/?sso_error=SSO_REFUSED&reason=email_unverified`);
  });

  it('asks for the CSRF token on a write made with the session cookie', async () => {
    const tab = await signIn(world, 'bob');
    const id = await currentSessionId(world, tab);
    const forged = await tab.request(new URL(`/v1/sessions/${id}`, world.base), { method: 'DELETE' });
    expect(asReply(forged).body).toMatchObject({ code: 'FORBIDDEN' });
    expect(forged.status).toBe(403);
    const ended = await withSession(world, tab, 'DELETE', `/v1/sessions/${id}`);
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    // Signed out: the session is gone and so are its cookies.
    expect(tab.cookies(world.base).has('keyward_session')).toBe(false);
    const listed = await world.acme.admin.get(`/v1/sessions?userId=${world.bob.userId}`);
    expect(listed.body.items.map((item: { id: string }) => item.id)).not.toContain(id);
  });

  it("lets users.manage end a person's session from /v1/sessions", async () => {
    const tab = await signIn(world, 'bob');
    const listed = await world.acme.admin.get(`/v1/sessions?userId=${world.bob.userId}`);
    const current = await currentSessionId(world, tab);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(current);
    expect((await world.acme.admin.delete(`/v1/sessions/${current}`)).status).toBe(200);
    expect(await withSession(world, tab, 'GET', '/v1/me')).toMatchObject({
      status: 401,
      body: { code: 'SESSION_ENDED' },
    });
    const audit = await world.acme.admin.get(`/v1/audit?tenantId=${world.acme.tenantId}`);
    const actions = audit.body.items.map((event: { action: string }) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['session.create', 'session.end']));
  });

  it('ends the session on the next request once its key is revoked', async () => {
    const user = created(await world.acme.admin.post('/v1/users', { name: 'Frank', email: `frank@${DOMAIN}` }));
    const key = await userKey(world.acme, user.id, 'frank laptop');
    const tab = await signIn(world, `frank@${DOMAIN}`);
    expect((await withSession(world, tab, 'GET', '/v1/me')).status).toBe(200);
    expect((await world.acme.admin.post(`/v1/keys/${key.id}/revoke`)).status).toBe(200);
    expect(await withSession(world, tab, 'GET', '/v1/me')).toMatchObject({ status: 401, body: { code: 'REVOKED' } });
    expect(await withSession(world, tab, 'GET', '/v1/me')).toMatchObject({
      status: 401,
      body: { code: 'SESSION_ENDED' },
    });
  });

  it('lets a person with several keys choose the one the session acts with', async () => {
    const user = created(await world.acme.admin.post('/v1/users', { name: 'Gus', email: `gus@${DOMAIN}` }));
    const first = await userKey(world.acme, user.id, 'gus one');
    const second = await userKey(world.acme, user.id, 'gus two');
    const tab = await signIn(world, `gus@${DOMAIN}`);
    expect(await withSession(world, tab, 'GET', '/v1/me')).toMatchObject({
      status: 401,
      body: { code: 'SESSION_INCOMPLETE' },
    });
    const pending = await withSession(world, tab, 'GET', '/v1/sso/pending');
    expect(pending.body.keys.map((key: { id: string }) => key.id)).toEqual([first.id, second.id]);
    const chosen = await withSession(world, tab, 'POST', '/v1/sso/complete', { keyId: second.id });
    expect(chosen.status, JSON.stringify(chosen.body)).toBe(200);
    expect((await withSession(world, tab, 'GET', '/v1/me')).body.key.id).toBe(second.id);
  });

  it('makes a member of a person the provider vouches for where it provisions; they still need a key to act', async () => {
    const provider = `/v1/identity-providers/${world.identityProviderId}`;
    expect((await world.acme.admin.patch(provider, { provisioning: 'member' })).status).toBe(200);
    try {
      const tab = browser();
      expectRefused(await tab.request(new URL(await toCallback(world, tab, 'erin'))), 'no_key');
      const users = await world.acme.admin.get(`/v1/users?tenantId=${world.acme.tenantId}&limit=100`);
      expect(users.body.items).toEqual(
        expect.arrayContaining([expect.objectContaining({ email: `erin@${DOMAIN}`, role: 'member' })]),
      );
    } finally {
      await world.acme.admin.patch(provider, { provisioning: 'none' });
    }
  });

  it('ends the session when its user is deleted', async () => {
    const user = created(await world.acme.admin.post('/v1/users', { name: 'Ivy', email: `ivy@${DOMAIN}` }));
    await userKey(world.acme, user.id, 'ivy laptop');
    const tab = await signIn(world, `ivy@${DOMAIN}`);
    expect((await withSession(world, tab, 'GET', '/v1/me')).status).toBe(200);
    expect((await world.acme.admin.delete(`/v1/users/${user.id}`)).status).toBe(200);
    expect(await withSession(world, tab, 'GET', '/v1/me')).toMatchObject({
      status: 401,
      body: { code: 'SESSION_ENDED' },
    });
  });

  it("asks for the person's one-time code after SSO where the tenant requires MFA, with the CSRF token", async () => {
    const tenant = `/v1/tenants/${world.acme.tenantId}`;
    const user = created(await world.acme.admin.post('/v1/users', { name: 'Hank', email: `hank@${DOMAIN}` }));
    await userKey(world.acme, user.id, 'hank laptop');
    const enrolment = created(await world.acme.admin.post(`/v1/users/${user.id}/mfa`));
    const confirmed = await world.acme.admin.post(`/v1/users/${user.id}/mfa/confirm`, {
      code: codeAt(enrolment.secret, Date.now()),
    });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect((await world.acme.admin.patch(tenant, { mfaRequired: true })).status).toBe(200);
    try {
      const tab = await signIn(world, `hank@${DOMAIN}`);
      expect(await withSession(world, tab, 'GET', '/v1/me')).toMatchObject({
        status: 401,
        body: { code: 'SESSION_INCOMPLETE' },
      });
      expect((await withSession(world, tab, 'GET', '/v1/sso/pending')).body).toMatchObject({
        mfaRequired: true,
        keyChosen: true,
      });
      // The code spent at confirmation is not taken again; the next step's is.
      const code = codeAt(enrolment.secret, Date.now() + STEP_MS);
      const forged = await tab.request(new URL('/v1/sso/complete', world.base), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      });
      expect(asReply(forged).body).toMatchObject({ code: 'FORBIDDEN' });
      const wrong = await withSession(world, tab, 'POST', '/v1/sso/complete', { code: '000000' });
      expect(wrong).toMatchObject({ status: 401, body: { code: 'MFA_INVALID' } });
      const passed = await withSession(world, tab, 'POST', '/v1/sso/complete', { code });
      expect(passed.status, JSON.stringify(passed.body)).toBe(200);
      expect((await withSession(world, tab, 'GET', '/v1/me')).body.key.userId).toBe(user.id);
    } finally {
      await world.acme.admin.patch(tenant, { mfaRequired: false });
    }
  });

  it('with requireSso, refuses a key signing in to the console but not API calls', async () => {
    const tenant = `/v1/tenants/${world.acme.tenantId}`;
    expect((await world.acme.admin.patch(tenant, { requireSso: true })).body.requireSso).toBe(true);
    try {
      const console = await world.kw
        .client(world.bob.key)
        .raw({ method: 'GET', path: '/v1/me', headers: { 'x-keyward-console': 'key' } });
      expectProblem(console, 403, 'SSO_REQUIRED');
      expect((await world.kw.client(world.bob.key).get('/v1/me')).status).toBe(200);
      const tab = await signIn(world, 'bob');
      expect((await withSession(world, tab, 'GET', '/v1/me')).status).toBe(200);
    } finally {
      await world.acme.admin.patch(tenant, { requireSso: false });
    }
  });
});
