/**
 * What the operator and CLI sign-in tests run against: Keyward on loopback with operator sign-in
 * configured (`operatorOidc`, as KEYWARD_OPERATOR_OIDC_* set it) and the tenant world of sso-world.ts
 * beside it. One provider answers both: the operators' client and the tenant's are the same client
 * here, and which way a sign-in went is the flow's, not the provider's.
 */
import type { TestDatabase } from './databases.js';
import { deadPort } from './ports.js';
import { startKeyward, seedTenant, type Seeded, type TestKeyward } from './keyward.js';
import { startProvider, type TestAccount, type TestProvider } from './oidc.js';
import { created } from './problem.js';
import { ACCOUNTS, DOMAIN, PEPPER, userKey } from './sso-world.js';

export const OPERATOR = 'ops@keyward-ops.example';

export const OPERATOR_ACCOUNTS: Readonly<Record<string, TestAccount>> = {
  ...ACCOUNTS,
  ops: { email: OPERATOR, verified: true },
  mallory: { email: 'mallory@keyward-ops.example', verified: true },
  'hank-mfa': { email: `hank@${DOMAIN}`, verified: true, amr: ['pwd', 'mfa'] },
  'hank-pwd': { email: `hank@${DOMAIN}`, verified: true, amr: ['pwd'] },
};

export interface OperatorWorld {
  readonly kw: TestKeyward;
  readonly base: string;
  readonly provider: TestProvider;
  readonly acme: Seeded;
  readonly bob: { readonly userId: string; readonly keyId: string };
  close(): Promise<void>;
}

export async function buildOperatorWorld(db: TestDatabase): Promise<OperatorWorld> {
  // The provider must know Keyward's callback and Keyward the provider's issuer: the port is chosen first.
  const port = await deadPort();
  const provider = await startProvider([`http://127.0.0.1:${port}/v1/sso/callback`], OPERATOR_ACCOUNTS);
  const kw = await startKeyward(db, {
    config: {
      pepper: PEPPER,
      ssoAllowInsecureIssuers: true,
      operatorOidc: {
        issuer: provider.issuer,
        clientId: provider.clientId,
        clientSecret: provider.clientSecret,
        emails: [OPERATOR],
      },
    },
  });
  const base = await kw.keyward.app.listen({ host: '127.0.0.1', port });
  const acme = await seedTenant(kw, 'Acme');
  created(
    await acme.admin.post('/v1/identity-providers', {
      name: 'Acme login',
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      emailDomains: [DOMAIN],
    }),
  );
  const bob = created(await acme.admin.post('/v1/users', { name: 'Bob', email: `bob@${DOMAIN}` }));
  const bobKey = await userKey(acme, bob.id, 'bob laptop');
  return {
    kw,
    base,
    provider,
    acme,
    bob: { userId: bob.id, keyId: bobKey.id },
    close: async () => {
      await provider.close();
      await kw.close();
    },
  };
}
