/**
 * Sign-in with SSO (SPEC §6): an email finds its tenant's provider by domain; the person goes
 * there with an authorization code request (PKCE S256, state, nonce: openid-client), comes back
 * to the callback, and the ID token's verified email is matched to a user of the provider's
 * tenant (or a member is made, where the provider provisions). What the provider is trusted for
 * is only that: who the person is. What they may do stays Keyward's, through their own key.
 */
import { fail, ok, type Result } from '../../core/error-codes.js';
import { newId } from '../../core/ids.js';
import type { Actor } from '../mutation.js';
import { mutate } from '../mutation.js';
import { findTenant } from '../tenants/tenants.repository.js';
import { findUserByEmail, insertUser, type UserRow } from '../users/users.repository.js';
import { findUserMfa } from '../mfa/mfa.repository.js';
import {
  findIdentityProvider,
  findIdentityProviderByDomain,
  type IdentityProviderRow,
} from '../identity-providers/identity-providers.repository.js';
import { candidateKeys } from '../sessions/acting-key.js';
import { openSession } from '../sessions/sessions.service.js';
import type { SessionRow } from '../sessions/sessions.repository.js';
import type { ProviderCredentials } from './oidc-configurations.js';
import {
  authorizationRequest,
  checkCallback,
  configurationOf,
  identityFrom,
  refused,
  type SsoDeps,
  type StartInput,
} from './sso-identity.js';
import type { SsoFlow } from './sso-flow.js';
import { confirmOperatorSignIn } from './operator-sign-in.js';

export function emailDomainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

function credentialsOf(deps: SsoDeps, row: IdentityProviderRow): ProviderCredentials {
  const secret = deps.service.secrets.open(row.client_secret, row.id);
  // Broken infrastructure, not an expected outcome: sealed under another pepper, or altered.
  if (secret === null) throw new Error(`the client secret of identity provider ${row.id} cannot be opened`);
  return { cacheKey: `${row.id}:${row.updated_at}`, issuer: row.issuer, clientId: row.client_id, clientSecret: secret };
}

/** Where to send the person, and the flow to keep in their browser. */
export async function createSsoSignIn(
  deps: SsoDeps,
  input: StartInput & { readonly email: string },
): Promise<Result<{ url: string; flow: SsoFlow }>> {
  const domain = emailDomainOf(input.email);
  const provider = await findIdentityProviderByDomain(deps.service.db, domain);
  if (provider === undefined)
    return fail('NOT_FOUND', `no identity provider signs in people of ${domain}: sign in with a key, or ask an admin`);
  const config = await configurationOf(deps, credentialsOf(deps, provider));
  if (!config.ok) return config;
  return ok(await authorizationRequest(deps, config.value, provider.id, input));
}

/** The user the email names in the provider's tenant, made a member where the provider provisions. */
async function personOf(
  deps: SsoDeps,
  actor: Actor,
  provider: IdentityProviderRow,
  email: string,
): Promise<Result<UserRow>> {
  const existing = await findUserByEmail(deps.service.db, provider.tenant_id, email);
  if (existing !== undefined) return ok(existing);
  if (provider.provisioning !== 'member')
    return refused('no_user', `no user has the email ${email} in this tenant; ask an admin to add you`);
  return mutate(deps.service, actor, async ({ trx, now, record }) => {
    const raced = await findUserByEmail(trx, provider.tenant_id, email);
    if (raced !== undefined) return ok(raced);
    const row: UserRow = {
      id: newId('user', now),
      tenant_id: provider.tenant_id,
      name: email.slice(0, email.indexOf('@')),
      email,
      role: 'member',
      external_id: null,
      created_at: now,
      updated_at: now,
    };
    await insertUser(trx, row);
    await record({
      action: 'user.create',
      tenantId: row.tenant_id,
      environmentId: null,
      target: { type: 'user', id: row.id },
      op: 'create',
      details: { role: row.role, provisionedBy: provider.id },
    });
    return ok(row);
  });
}

/** The callback: the provider's answer checked, the person found, a session opened. */
export async function confirmSsoSignIn(
  deps: SsoDeps,
  actor: Actor,
  callbackUrl: URL,
  flow: SsoFlow | null,
): Promise<Result<{ token: string; session: SessionRow }>> {
  const checked = checkCallback(callbackUrl, flow);
  if (!checked.ok) return checked;
  if (checked.value.providerId === null) return confirmOperatorSignIn(deps, actor, callbackUrl, checked.value);
  const provider = await findIdentityProvider(deps.service.db, checked.value.providerId);
  if (provider === undefined) return refused('provider', 'the identity provider was removed meanwhile; start again');
  const config = await configurationOf(deps, credentialsOf(deps, provider));
  if (!config.ok) return config;
  const identity = await identityFrom(config.value, callbackUrl, checked.value);
  if (!identity.ok) return identity;
  const { email } = identity.value;
  const domains = provider.email_domains;
  if (!domains.includes(emailDomainOf(email)))
    return refused(
      'email_domain',
      `${email} is outside the domains this identity provider signs in (${domains.join(', ')})`,
    );
  const person = await personOf(deps, actor, provider, email);
  if (!person.ok) return person;
  const user = person.value;
  const now = deps.service.clock.now();
  const candidates = await candidateKeys(deps.service, user.id, now);
  if (candidates.length === 0)
    return refused('no_key', `${email} has no live key holding applications.use to act with; ask an admin for one`);
  const tenant = await findTenant(deps.service.db, user.tenant_id);
  const mfaRequired =
    (tenant?.mfa_required && !identity.value.mfaAsserted) ||
    (candidates.length === 1 && candidates[0]?.mfaDue === true);
  if (mfaRequired && (await findUserMfa(deps.service.db, user.id))?.confirmed_at == null)
    return refused(
      'mfa_not_enrolled',
      'this tenant requires MFA: your identity provider did not assert it and you have no one-time code set up; ask an admin',
    );
  return openSession(deps.service, actor, deps.sessionTtlMs, {
    tenantId: user.tenant_id,
    userId: user.id,
    email,
    providerId: provider.id,
    candidates,
    mfaPending: mfaRequired,
    client: checked.value.client,
  });
}
