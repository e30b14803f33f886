/**
 * What sign-in takes from an identity provider, whichever kind (a tenant's or the operators'):
 * its configuration (discovery, cached), and the ID token of the callback checked by openid-client
 * (code exchanged with the PKCE verifier, state, nonce, signature, issuer, audience) down to a
 * verified email and whether the provider asserted a second factor (`amr`).
 */
import * as oidc from 'openid-client';
import { fail, ok, type Result } from '../../core/error-codes.js';
import type { ServiceDeps } from '../deps.js';
import type { OidcConfigurations, ProviderCredentials } from './oidc-configurations.js';
import { FLOW_TTL_MS, type SsoFlow } from './sso-flow.js';

/** The operators' provider (`KEYWARD_OPERATOR_OIDC_*`): they sign in as the instance. */
export interface OperatorProvider extends ProviderCredentials {
  /** Lowercase emails of the operators. */
  readonly emails: readonly string[];
}

export interface SsoDeps {
  readonly service: ServiceDeps;
  readonly oidc: OidcConfigurations;
  readonly sessionTtlMs: number;
  /** Null: operator sign-in is not configured. */
  readonly operator: OperatorProvider | null;
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
  | 'not_operator'
  | 'no_user'
  | 'no_key'
  | 'mfa_not_enrolled'
  | 'provider';

export function refused(reason: Reason, detail: string): Result<never> {
  return fail('SSO_REFUSED', detail, { reason });
}

export async function configurationOf(
  deps: SsoDeps,
  credentials: ProviderCredentials,
): Promise<Result<oidc.Configuration>> {
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

/** The callback's own checks, before any provider is asked: a flow in this browser, its state, no error. */
export function checkCallback(callbackUrl: URL, flow: SsoFlow | null): Result<SsoFlow> {
  if (flow === null)
    return refused(
      'no_flow',
      'no sign-in is in progress in this browser (or it took longer than 10 minutes); start again from the console',
    );
  if (callbackUrl.searchParams.get('state') !== flow.state)
    return refused('state', 'the answer is for another sign-in (its state does not match this browser); start again');
  const providerError = callbackUrl.searchParams.get('error');
  if (providerError !== null) return refused('provider', `the identity provider refused the sign-in: ${providerError}`);
  return ok(flow);
}

export interface Identity {
  readonly email: string;
  readonly mfaAsserted: boolean;
}

/** The code exchanged and the ID token checked (signature, issuer, audience, nonce), by openid-client. */
export async function identityFrom(
  config: oidc.Configuration,
  callbackUrl: URL,
  flow: SsoFlow,
): Promise<Result<Identity>> {
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

export interface StartInput {
  /** The person's email, a hint for the provider's login page; the operators' sign-in may have none. */
  readonly email?: string;
  readonly client: 'console' | 'cli';
  /** The CLI's loopback address the finished sign-in is handed to (`keyward login --sso`). */
  readonly cliRedirect?: string;
  /** The CLI's PKCE challenge (S256): only the CLI that holds the verifier can take the session. */
  readonly cliChallenge?: string;
  readonly redirectUri: string;
}

/** The authorization request (code, PKCE S256, state, nonce) and the flow that checks its answer. */
export async function authorizationRequest(
  deps: SsoDeps,
  config: oidc.Configuration,
  providerId: string | null,
  input: StartInput,
): Promise<{ url: string; flow: SsoFlow }> {
  const flow: SsoFlow = {
    providerId,
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    verifier: oidc.randomPKCECodeVerifier(),
    expiresAt: deps.service.clock.now() + FLOW_TTL_MS,
    client: input.client,
    ...(input.cliRedirect === undefined ? {} : { cliRedirect: input.cliRedirect }),
    ...(input.cliChallenge === undefined ? {} : { cliChallenge: input.cliChallenge }),
  };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: input.redirectUri,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: 'S256',
    state: flow.state,
    nonce: flow.nonce,
    ...(input.email === undefined ? {} : { login_hint: input.email }),
  });
  return { url: url.href, flow };
}
