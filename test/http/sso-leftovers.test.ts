/**
 * Issue 25 leftovers. MFA after SSO: where the tenant requires MFA, a provider asserting a second
 * factor (`amr: ["mfa"]`) is taken at its word and no one-time code is asked; without it, the
 * person's code is. And who may configure identity providers is declared on the routes alone:
 * `tenant.manage`, or `authConfig.manage` on an admin key (which acts tenant-wide).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteOnly } from '../support/databases.js';
import { browser } from '../support/oidc.js';
import { buildOperatorWorld, type OperatorWorld } from '../support/operator-world.js';
import { created, expectProblem } from '../support/problem.js';
import { DOMAIN, userKey } from '../support/sso-world.js';
import { codeAt } from '../support/totp.js';

const [sqlite] = sqliteOnly();

describe('MFA after SSO, and who configures identity providers', () => {
  let world: OperatorWorld;
  beforeAll(async () => {
    if (sqlite === undefined) throw new Error('SQLite is always there');
    world = await buildOperatorWorld(sqlite);
    // Hank has a key and confirmed MFA; his tenant requires MFA.
    const hank = created(await world.acme.admin.post('/v1/users', { name: 'Hank', email: `hank@${DOMAIN}` }));
    await userKey(world.acme, hank.id, 'hank laptop');
    const enrolment = created(await world.acme.admin.post(`/v1/users/${hank.id}/mfa`));
    const confirmed = await world.acme.admin.post(`/v1/users/${hank.id}/mfa/confirm`, {
      code: codeAt(enrolment.secret, Date.now()),
    });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect((await world.acme.admin.patch(`/v1/tenants/${world.acme.tenantId}`, { mfaRequired: true })).status).toBe(
      200,
    );
  });
  afterAll(async () => {
    await world?.close();
  });

  /** Hank through the provider's login form as `login` (whose `amr` the provider asserts); the session's state. */
  async function signInAs(login: string) {
    const tab = browser();
    const page = await tab.follow(`${world.base}/v1/sso/start?email=hank@${DOMAIN}`);
    const submitted = await tab.logIn(page, login);
    const landed = await tab.follow(submitted.location as string);
    expect(landed.url, landed.text).toBe(`${world.base}/ui/`);
    const me = await tab.request(new URL('/v1/me', world.base));
    const pending = await tab.request(new URL('/v1/sso/pending', world.base));
    return { me: { status: me.status, body: JSON.parse(me.text) }, pending: JSON.parse(pending.text) };
  }

  it('asks no one-time code when the provider asserts MFA (amr: mfa)', async () => {
    const { me, pending } = await signInAs('hank-mfa');
    expect(pending).toMatchObject({ mfaRequired: false, keyChosen: true });
    expect(me.status, JSON.stringify(me.body)).toBe(200);
    expect(me.body.key.name).toBe('hank laptop');
  });

  it('asks the one-time code when the provider does not assert MFA (amr: pwd)', async () => {
    const { me, pending } = await signInAs('hank-pwd');
    expect(pending).toMatchObject({ mfaRequired: true });
    expect(me).toMatchObject({ status: 401, body: { code: 'SESSION_INCOMPLETE' } });
  });

  it('lets authConfig.manage configure identity providers only on an admin key, as the route declares', async () => {
    const provider = (name: string) => ({
      name,
      issuer: 'https://login.example.org',
      clientId: 'keyward',
      clientSecret: 'secret',
      emailDomains: [`${name}.example`],
    });
    const plain = created(
      await world.acme.admin.post('/v1/keys', {
        name: 'auth settings',
        kind: 'application',
        permissions: ['authConfig.manage'],
      }),
    );
    const refused = await world.kw.client(plain.key).post('/v1/identity-providers', provider('plain'));
    expectProblem(refused, 403, 'FORBIDDEN');
    expect(refused.body.needed).toBe('tenant.manage or authConfig.manage on an admin key');
    const admin = created(
      await world.acme.admin.post('/v1/keys', {
        name: 'auth admin',
        kind: 'user',
        userId: world.acme.adminUserId,
        admin: true,
        permissions: ['authConfig.manage'],
      }),
    );
    expect((await world.kw.client(admin.key).post('/v1/identity-providers', provider('admin'))).status).toBe(201);
  });
});
