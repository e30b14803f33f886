/**
 * Operators sign in as the instance (SPEC §6) through their own OpenID Connect provider, set by
 * `KEYWARD_OPERATOR_OIDC_*` rather than stored, so that no tenant can configure it. The provider
 * vouches for who the person is; the list of operator emails says who may act as the instance.
 * The session acts with the root key (what the root key may do), and every change it makes is
 * audited with the operator's email as its actor, so the root key itself never needs a browser.
 */
import { fail, ok, type Result } from '../../core/error-codes.js';
import type { Actor } from '../mutation.js';
import { rootKeyIdOf } from '../instance/root-key.js';
import { openSession } from '../sessions/sessions.service.js';
import type { SessionRow } from '../sessions/sessions.repository.js';
import type { SsoFlow } from './sso-flow.js';
import {
  authorizationRequest,
  configurationOf,
  identityFrom,
  refused,
  type SsoDeps,
  type StartInput,
} from './sso-identity.js';

const NOT_CONFIGURED =
  'operator sign-in is not configured on this server (KEYWARD_OPERATOR_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET, _EMAILS)';

/** What the sign-in page may offer. */
export function getSsoOptions(deps: SsoDeps): { operator: boolean } {
  return { operator: deps.operator !== null };
}

/** Where to send an operator: the operators' provider. */
export async function createSsoOperatorSignIn(
  deps: SsoDeps,
  input: StartInput,
): Promise<Result<{ url: string; flow: SsoFlow }>> {
  if (deps.operator === null) return fail('NOT_FOUND', NOT_CONFIGURED);
  const config = await configurationOf(deps, deps.operator);
  if (!config.ok) return config;
  return ok(await authorizationRequest(deps, config.value, null, input));
}

/** The operators' provider answered (state already checked): a verified operator email opens an instance session. */
export async function confirmOperatorSignIn(
  deps: SsoDeps,
  actor: Actor,
  callbackUrl: URL,
  flow: SsoFlow,
): Promise<Result<{ token: string; session: SessionRow }>> {
  if (deps.operator === null) return refused('provider', NOT_CONFIGURED);
  const config = await configurationOf(deps, deps.operator);
  if (!config.ok) return config;
  const identity = await identityFrom(config.value, callbackUrl, flow);
  if (!identity.ok) return identity;
  const { email } = identity.value;
  if (!deps.operator.emails.includes(email))
    return refused(
      'not_operator',
      `${email} is not an operator of this instance (KEYWARD_OPERATOR_OIDC_EMAILS): sign in with SSO by your work email instead`,
    );
  const rootKeyId = await rootKeyIdOf(deps.service.db);
  // Broken infrastructure: a started node always has its root key.
  if (rootKeyId === undefined) throw new Error('the instance has no root key');
  return openSession(deps.service, actor, deps.sessionTtlMs, {
    tenantId: null,
    userId: null,
    email,
    providerId: null,
    candidates: [],
    mfaPending: false,
    client: flow.client,
    rootKeyId,
  });
}
