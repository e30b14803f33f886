/**
 * What the SSO tests sign in against: Keyward listening on loopback (plain http, where its
 * cookies are not `Secure`; session-cookies.ts), a real OpenID Connect provider beside it, a
 * tenant whose identity provider answers for `acme.example`, and a person of it, Bob, with one
 * user key holding `applications.use`.
 */
import { defaultModel } from '../../src/core/model/load-model.js';
import type { TestDatabase } from './databases.js';
import { everyGrant, seedTenant, startKeyward, type Seeded, type TestKeyward } from './keyward.js';
import { created } from './problem.js';
import { startProvider, type TestAccount, type TestProvider } from './oidc.js';

export const PEPPER = 'sso-test-pepper-0123456789abcdefghijklmnop';
export const DOMAIN = 'acme.example';

export const ACCOUNTS: Readonly<Record<string, TestAccount>> = {
  bob: { email: `bob@${DOMAIN}`, verified: true },
  carol: { email: `carol@${DOMAIN}`, verified: false },
  dave: { email: 'dave@elsewhere.example', verified: true },
  erin: { email: `erin@${DOMAIN}`, verified: true },
};

export interface SsoWorld {
  readonly kw: TestKeyward;
  readonly base: string;
  readonly provider: TestProvider;
  readonly acme: Seeded;
  readonly identityProviderId: string;
  readonly bob: { readonly userId: string; readonly keyId: string; readonly key: string };
  close(): Promise<void>;
}

/** A user key of `userId` holding every environment grant (applications.use among them). */
export async function userKey(acme: Seeded, userId: string, name: string): Promise<{ id: string; key: string }> {
  const all = everyGrant(defaultModel());
  const model = defaultModel();
  const body = created(
    await acme.admin.post('/v1/keys', {
      name,
      kind: 'user',
      userId,
      permissions: all.permissions.filter((id) => model.permissions.get(id)?.scope !== 'tenant'),
      scopes: all.scopes,
    }),
  );
  return { id: body.id, key: body.key };
}

export async function buildSsoWorld(db: TestDatabase): Promise<SsoWorld> {
  const kw = await startKeyward(db, { config: { pepper: PEPPER, ssoAllowInsecureIssuers: true } });
  const base = await kw.keyward.app.listen({ host: '127.0.0.1', port: 0 });
  const provider = await startProvider([`${base}/v1/sso/callback`], ACCOUNTS);
  const acme = await seedTenant(kw, 'Acme');
  const identityProvider = created(
    await acme.admin.post('/v1/identity-providers', {
      name: 'Acme login',
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      emailDomains: [DOMAIN],
      provisioning: 'none',
    }),
  );
  const bobUser = created(await acme.admin.post('/v1/users', { name: 'Bob', email: `bob@${DOMAIN}` }));
  const bobKey = await userKey(acme, bobUser.id, 'bob laptop');
  return {
    kw,
    base,
    provider,
    acme,
    identityProviderId: identityProvider.id,
    bob: { userId: bobUser.id, keyId: bobKey.id, key: bobKey.key },
    close: async () => {
      await provider.close();
      await kw.close();
    },
  };
}
