/**
 * The relying party's view of each identity provider, by `openid-client`: discovery (and the
 * JWKS the configuration fetches when it first checks an ID token) read once and kept for an
 * hour per provider version, so a sign-in costs the provider's token call and nothing more.
 * Every request to a provider has a timeout. Plain-http issuers are let through only when
 * `KEYWARD_SSO_ALLOW_INSECURE_ISSUERS` is set (openid-client refuses them otherwise).
 */
import * as oidc from 'openid-client';

export interface ProviderCredentials {
  /** Changes when the provider's row does, so an edit is never answered from the old configuration. */
  readonly cacheKey: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface OidcSettings {
  readonly allowInsecureIssuers: boolean;
  /** Each request to a provider (discovery, JWKS, token) gives up after this long. */
  readonly timeoutMs: number;
}

export interface OidcConfigurations {
  configurationOf(provider: ProviderCredentials): Promise<oidc.Configuration>;
}

const DISCOVERY_TTL_MS = 60 * 60_000;
const MAX_ENTRIES = 1000;

export function oidcConfigurations(settings: OidcSettings, now: () => number): OidcConfigurations {
  const cache = new Map<string, { readonly config: Promise<oidc.Configuration>; readonly until: number }>();
  const discover = async (provider: ProviderCredentials): Promise<oidc.Configuration> => {
    const url = new URL(provider.issuer);
    const insecure = url.protocol === 'http:';
    if (insecure && !settings.allowInsecureIssuers)
      throw new Error('the issuer is plain http and KEYWARD_SSO_ALLOW_INSECURE_ISSUERS is not set');
    return oidc.discovery(url, provider.clientId, undefined, oidc.ClientSecretPost(provider.clientSecret), {
      timeout: Math.max(1, Math.ceil(settings.timeoutMs / 1000)),
      ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
  };
  return {
    configurationOf(provider) {
      const at = now();
      const cached = cache.get(provider.cacheKey);
      if (cached !== undefined && cached.until > at) return cached.config;
      if (cache.size >= MAX_ENTRIES) cache.clear();
      const config = discover(provider);
      cache.set(provider.cacheKey, { config, until: at + DISCOVERY_TTL_MS });
      // A failed discovery is not kept: the next sign-in asks the provider again.
      config.catch(() => cache.delete(provider.cacheKey));
      return config;
    },
  };
}
