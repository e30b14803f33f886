/** Settings of sign-in with SSO and of sessions (SPEC §6; docs/sso.md). */
import { ConfigError, integer, optional, type ConfigVariable, type Env } from './config-values.js';

export interface SsoSettings {
  /** Plain-http issuers are accepted (development; tests on loopback). Never in production. */
  readonly ssoAllowInsecureIssuers: boolean;
  /** How long a session lasts from sign-in. */
  readonly sessionTtlMs: number;
  /** Each request to an identity provider (discovery, keys, token) gives up after this long. */
  readonly ssoTimeoutMs: number;
  /** The address people reach Keyward at (`https://keyward.example.com`); unset: each request's own. */
  readonly publicUrl: string | undefined;
}

export const SSO_VARIABLES: readonly ConfigVariable[] = [
  {
    name: 'KEYWARD_PUBLIC_URL',
    description:
      'the address people reach Keyward at; the SSO callback is <this>/v1/sso/callback (register it at the provider)',
    default: "each request's own scheme and host",
  },
  {
    name: 'KEYWARD_SESSION_TTL_MS',
    description: 'how long a console or CLI session lasts after SSO sign-in (8 h)',
    default: '28800000',
  },
  {
    name: 'KEYWARD_SSO_TIMEOUT_MS',
    description: 'timeout of each request to an identity provider (discovery, JWKS, token)',
    default: '5000',
  },
  {
    name: 'KEYWARD_SSO_ALLOW_INSECURE_ISSUERS',
    description: 'true: accept plain-http OpenID Connect issuers (development only)',
    default: 'false',
  },
];

function trueFalse(env: Env, name: string): boolean {
  const raw = optional(env, name);
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function publicUrl(env: Env): string | undefined {
  const raw = optional(env, 'KEYWARD_PUBLIC_URL');
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`KEYWARD_PUBLIC_URL must be a URL, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError('KEYWARD_PUBLIC_URL must be an http(s) URL');
  return url.origin + url.pathname.replace(/\/+$/, '');
}

export function ssoSettings(env: Env): SsoSettings {
  return {
    ssoAllowInsecureIssuers: trueFalse(env, 'KEYWARD_SSO_ALLOW_INSECURE_ISSUERS'),
    sessionTtlMs: integer(env, 'KEYWARD_SESSION_TTL_MS', 8 * 3_600_000, 60_000, 7 * 86_400_000),
    ssoTimeoutMs: integer(env, 'KEYWARD_SSO_TIMEOUT_MS', 5000, 100, 60_000),
    publicUrl: publicUrl(env),
  };
}
