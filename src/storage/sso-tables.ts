/** People's sign-in as stored (issue 25): tenants' identity providers, their email domains, sessions. */

/** A tenant's OpenID Connect provider (migration 0019). */
export interface IdentityProvidersTable {
  id: string;
  tenant_id: string;
  name: string;
  issuer: string;
  client_id: string;
  /** Sealed (AES-256-GCM) and bound to the provider id; never answered. */
  client_secret: string;
  /** JSON list of lowercase email domains, as identity_provider_domains holds them. */
  email_domains: string;
  /** `none` or `member`: whether a person without a user becomes a member. */
  provisioning: string;
  created_at: number;
  updated_at: number;
}

/** One email domain, one provider across the instance (the primary key says so). */
export interface IdentityProviderDomainsTable {
  domain: string;
  provider_id: string;
}

/** A person's sign-in (migration 0019): acting with one of their keys once complete. */
export interface SessionsTable {
  id: string;
  /** SHA-256 (hex) of the session token; the token itself is never stored. */
  token_hash: string;
  /** Null for an instance operator's session. */
  tenant_id: string | null;
  user_id: string | null;
  email: string;
  /** The identity provider the person came through (null: the operators' provider). */
  provider_id: string | null;
  /** The key the session acts with; null until the person chose one. */
  key_id: string | null;
  /** JSON ids of the keys the person may choose from. */
  candidate_key_ids: string;
  /** 0/1: the tenant requires MFA and the provider did not assert it: a TOTP code is due. */
  mfa_pending: number;
  /** `console` or `cli`: where the sign-in started. */
  client: string;
  source_ip: string | null;
  created_at: number;
  expires_at: number;
}
