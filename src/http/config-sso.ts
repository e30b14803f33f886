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
  /** The operators' own provider (`KEYWARD_OPERATOR_OIDC_*`): who may sign in as the instance; null: none. */
  readonly operatorOidc: OperatorOidc | null;
}

export interface OperatorOidc {
  readonly issuer: string;
  readonly clientId: string;
  /** Never logged nor answered: config is not printed, and the console learns only that sign-in exists. */
  readonly clientSecret: string;
  /** Lowercase; an operator is one of these, as the provider verified it. */
  readonly emails: readonly string[];
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
  {
    name: 'KEYWARD_OPERATOR_OIDC_ISSUER',
    description:
      "the operators' OpenID Connect issuer: they sign in to the console as the instance (what the root key may do) through it",
    default: 'unset (no operator sign-in; the root key is for the CLI, automation and break-glass)',
  },
  {
    name: 'KEYWARD_OPERATOR_OIDC_CLIENT_ID',
    description: "Keyward's client id at the operators' provider (redirect URI: <public URL>/v1/sso/callback)",
    default: 'unset',
  },
  {
    name: 'KEYWARD_OPERATOR_OIDC_CLIENT_SECRET',
    description: "Keyward's client secret at the operators' provider",
    default: 'unset',
  },
  {
    name: 'KEYWARD_OPERATOR_OIDC_EMAILS',
    description: 'comma-separated emails of the operators; the provider must say each is verified',
    default: 'unset',
  },
];

const OPERATOR_VARIABLES = [
  'KEYWARD_OPERATOR_OIDC_ISSUER',
  'KEYWARD_OPERATOR_OIDC_CLIENT_ID',
  'KEYWARD_OPERATOR_OIDC_CLIENT_SECRET',
  'KEYWARD_OPERATOR_OIDC_EMAILS',
] as const;

const EMAIL = /^[^\s@,]+@[^\s@,]+$/;

/** All four operator variables or none: half a configuration fails the start rather than sign no one in. */
function operatorOidc(env: Env, allowInsecure: boolean): OperatorOidc | null {
  const [issuer, clientId, clientSecret, emails] = OPERATOR_VARIABLES.map((name) => optional(env, name));
  const given = OPERATOR_VARIABLES.filter((name) => optional(env, name) !== undefined);
  if (given.length === 0) return null;
  if (issuer === undefined || clientId === undefined || clientSecret === undefined || emails === undefined)
    throw new ConfigError(
      `operator sign-in needs all of ${OPERATOR_VARIABLES.join(', ')}; missing: ${OPERATOR_VARIABLES.filter((name) => !given.includes(name)).join(', ')}`,
    );
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError(`KEYWARD_OPERATOR_OIDC_ISSUER must be a URL, got "${issuer}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowInsecure))
    throw new ConfigError(
      'KEYWARD_OPERATOR_OIDC_ISSUER must be https (plain http only with KEYWARD_SSO_ALLOW_INSECURE_ISSUERS=true)',
    );
  const list = [...new Set(emails.split(',').map((email) => email.trim().toLowerCase()))].filter((e) => e !== '');
  const bad = list.find((email) => !EMAIL.test(email));
  if (list.length === 0 || bad !== undefined)
    throw new ConfigError(`KEYWARD_OPERATOR_OIDC_EMAILS must be comma-separated emails, got "${bad ?? emails}"`);
  return { issuer, clientId, clientSecret, emails: list };
}

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
  const ssoAllowInsecureIssuers = trueFalse(env, 'KEYWARD_SSO_ALLOW_INSECURE_ISSUERS');
  return {
    ssoAllowInsecureIssuers,
    sessionTtlMs: integer(env, 'KEYWARD_SESSION_TTL_MS', 8 * 3_600_000, 60_000, 7 * 86_400_000),
    ssoTimeoutMs: integer(env, 'KEYWARD_SSO_TIMEOUT_MS', 5000, 100, 60_000),
    publicUrl: publicUrl(env),
    operatorOidc: operatorOidc(env, ssoAllowInsecureIssuers),
  };
}
