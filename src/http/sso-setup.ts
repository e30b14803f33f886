/**
 * People's sign-in (issue 25) as a node wires it: the CSRF tokens of cookie sessions, the session
 * authenticator the auth hook asks before bearer keys, and what the SSO routes need.
 */
import type { Clock } from '../core/clock.js';
import type { ServiceDeps } from '../modules/deps.js';
import { csrfTokens, type CsrfTokens } from '../modules/sessions/session-tokens.js';
import { oidcConfigurations } from '../modules/sso/oidc-configurations.js';
import type { SsoDeps } from '../modules/sso/sso-identity.js';
import type { Config } from './config.js';
import { sessionAuthenticator, type SessionAuthenticator } from './session-auth.js';

export interface SsoSetup {
  readonly csrf: CsrfTokens;
  readonly sessions: SessionAuthenticator;
  readonly routes: SsoDeps;
}

export function setUpSso(config: Config, deps: ServiceDeps, pepper: Buffer, clock: Clock): SsoSetup {
  const csrf = csrfTokens(pepper);
  const oidc = oidcConfigurations(
    { allowInsecureIssuers: config.ssoAllowInsecureIssuers, timeoutMs: config.ssoTimeoutMs },
    () => clock.now(),
  );
  return {
    csrf,
    sessions: sessionAuthenticator(deps, csrf),
    routes: {
      service: deps,
      sessionTtlMs: config.sessionTtlMs,
      oidc,
      operator: config.operatorOidc === null ? null : { cacheKey: 'operator', ...config.operatorOidc },
    },
  };
}
