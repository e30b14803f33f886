/**
 * Sign-in with SSO (SPEC §6): an email finds its tenant's provider by domain; the person goes
 * there with an authorization code request (PKCE S256, state, nonce: openid-client), comes back
 * to the callback, and the ID token's verified email is matched to a user of the provider's
 * tenant (or a member is made, where the provider provisions). What the provider is trusted for
 * is only that: who the person is. What they may do stays Keyward's, through their own key.
 */
import * as oidc from 'openid-client';
import { fail, ok, type Result } from '../../core/error-codes.js';
import { newId } from '../../core/ids.js';
import type { ServiceDeps } from '../deps.js';
import type { Actor } from '../mutation.js';
import { mutate } from '../mutation.js';
import { stringList } from '../../storage/column-codec.js';
import { decodeFlag } from '../../storage/column-codec.js';
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
import type { OidcConfigurations, ProviderCredentials } from './oidc-configurations.js';
import { FLOW_TTL_MS, type SsoFlow } from './sso-flow.js';

export interface SsoDeps {
  readonly service: ServiceDeps;
  readonly oidc: OidcConfigurations;
  readonly sessionTtlMs: number;
}

/** `amr` values that say the provider checked a second factor (RFC 8176). */
const MFA_AMR: ReadonlySet<string> = new Set(['mfa', 'otp', 'hwk']);

type Reason =
  | 'no_flow'
  | 'state'
  | 'code'
  | 'nonce'
  | 'email_unverified'
  | 'email_domain'
  | 'no_user'
  | 'no_key'
  | 'mfa_not_enrolled'
  | 'provider';

export function refused(reason: Reason, detail: string): Result<never> {
  return fail('SSO_REFUSED', detail, { reason });
}

export function emailDomainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

function credentialsOf(deps: SsoDeps, row: IdentityProviderRow): ProviderCredentials {
  const secret = deps.service.secrets.open(row.client_secret, row.id);
  // Broken infrastructure, not an expected outcome: sealed under another pepper, or altered.
  if (secret === null) throw new Error(`the client secret of identity provider ${row.id} cannot be opened`);
  return { cacheKey: `${row.id}:${row.updated_at}`, issuer: row.issuer, clientId: row.client_id, clientSecret: secret };
}

async function configurationOf(deps: SsoDeps, credentials: ProviderCredentials): Promise<Result<oidc.Configuration>> {
  try {
    return ok(await deps.oidc.configurationOf(credentials));
  } catch (error) {
    return fail(
      'UNAVAILABLE',
      `the identity provider at ${credentials.issuer} could not be reached: ${messageOf(error)}`,
    );
  }
}

/** Whether an error, or one it wraps, is about the nonce (openid-client wraps oauth4webapi's claim check). */
function mentionsNonce(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const claim = (current as { cause?: { claim?: unknown } }).cause?.claim;
    if (/nonce/.test(current.message) || claim === 'nonce') return true;
    current = current.cause;
  }
  return false;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface StartInput {
  readonly email: string;
  readonly client: 'console' | 'cli';
  readonly cliRedirect?: string;
  readonly redirectUri: string;
}

/** Where to send the person, and the flow to keep in their browser. */
export async function createSsoSignIn(
  deps: SsoDeps,
  input: StartInput,
): Promise<Result<{ url: string; flow: SsoFlow }>> {
  const domain = emailDomainOf(input.email);
  const provider = await findIdentityProviderByDomain(deps.service.db, domain);
  if (provider === undefined)
    return fail('NOT_FOUND', `no identity provider signs in people of ${domain}: sign in with a key, or ask an admin`);
  const config = await configurationOf(deps, credentialsOf(deps, provider));
  if (!config.ok) return config;
  const flow: SsoFlow = {
    providerId: provider.id,
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    verifier: oidc.randomPKCECodeVerifier(),
    expiresAt: deps.service.clock.now() + FLOW_TTL_MS,
    client: input.client,
    ...(input.cliRedirect === undefined ? {} : { cliRedirect: input.cliRedirect }),
  };
  const url = oidc.buildAuthorizationUrl(config.value, {
    redirect_uri: input.redirectUri,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: 'S256',
    state: flow.state,
    nonce: flow.nonce,
    login_hint: input.email,
  });
  return ok({ url: url.href, flow });
}

interface Identity {
  readonly email: string;
  readonly mfaAsserted: boolean;
}

/** The code exchanged and the ID token checked (signature, issuer, audience, nonce), by openid-client. */
async function identityFrom(config: oidc.Configuration, callbackUrl: URL, flow: SsoFlow): Promise<Result<Identity>> {
  let claims: Record<string, unknown> | undefined;
  try {
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    // Providers may keep the email for the userinfo endpoint (OIDC Core 5.4): asked for the same subject.
    claims =
      idToken === undefined || typeof idToken['email'] === 'string'
        ? idToken
        : { ...(await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub)), ...idToken };
  } catch (error) {
    if (error instanceof oidc.ResponseBodyError && error.error === 'invalid_grant')
      return refused(
        'code',
        'the identity provider refused the sign-in code: it was already used or has expired; sign in again',
      );
    if (error instanceof oidc.AuthorizationResponseError)
      return refused('provider', `the identity provider answered with an error: ${error.error}`);
    if (mentionsNonce(error))
      return refused('nonce', 'the ID token was issued for another sign-in (its nonce does not match); sign in again');
    return refused('provider', `the identity provider's answer could not be checked: ${messageOf(error)}`);
  }
  if (claims === undefined) return refused('provider', 'the identity provider sent no ID token');
  if (typeof claims['email'] !== 'string' || claims['email'] === '')
    return refused('email_unverified', 'the identity provider did not say your email (the email scope is needed)');
  if (claims['email_verified'] !== true)
    return refused(
      'email_unverified',
      `the identity provider does not say that ${claims['email']} is verified; verify it there first`,
    );
  const amr: unknown[] = Array.isArray(claims['amr']) ? claims['amr'] : [];
  return ok({
    email: claims['email'].trim().toLowerCase(),
    mfaAsserted: amr.some((method) => typeof method === 'string' && MFA_AMR.has(method)),
  });
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
  if (flow === null)
    return refused(
      'no_flow',
      'no sign-in is in progress in this browser (or it took longer than 10 minutes); start again from the console',
    );
  if (callbackUrl.searchParams.get('state') !== flow.state)
    return refused('state', 'the answer is for another sign-in (its state does not match this browser); start again');
  const providerError = callbackUrl.searchParams.get('error');
  if (providerError !== null) return refused('provider', `the identity provider refused the sign-in: ${providerError}`);
  if (flow.providerId === null) return refused('provider', 'operator sign-in is not configured on this server');
  const provider = await findIdentityProvider(deps.service.db, flow.providerId);
  if (provider === undefined) return refused('provider', 'the identity provider was removed meanwhile; start again');
  const config = await configurationOf(deps, credentialsOf(deps, provider));
  if (!config.ok) return config;
  const identity = await identityFrom(config.value, callbackUrl, flow);
  if (!identity.ok) return identity;
  const { email } = identity.value;
  const domains = stringList.decode(provider.email_domains, 'identity_providers.email_domains');
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
    (tenant !== undefined && decodeFlag(tenant.mfa_required, 'tenants.mfa_required') && !identity.value.mfaAsserted) ||
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
    client: flow.client,
  });
}
