/**
 * The Kysely schema: one set of tables and queries for SQLite and PostgreSQL. Times are
 * integer milliseconds, flags are 0/1 integers and structured values are JSON text, so the two
 * dialects store and return exactly the same values.
 */
import type { Kysely, Transaction } from 'kysely';
import type { AuditChainHeadsTable, AuditEventsTable, ChangeLogTable, PepperPendingKeysTable } from './audit-tables.js';
import type { WebhookKeysTable } from './webhook-keys-table.js';
import type { CreditLeasesTable } from './credit-lease-table.js';
import type {
  KeyImportPrefixesTable,
  KeyUsageDaysTable,
  KeyUsageTable,
  KeyUsageTagsTable,
  UsageRollupsTable,
} from './usage-tables.js';
import type { WebhookCreditAlertsTable, WebhookDeliveriesTable, WebhookEndpointsTable } from './webhook-tables.js';
import type { IdentityProviderDomainsTable, IdentityProvidersTable, SessionsTable } from './sso-tables.js';

export type { AuditChainHeadsTable, AuditEventsTable, ChangeLogTable, PepperPendingKeysTable } from './audit-tables.js';
export type { WebhookKeysTable } from './webhook-keys-table.js';
export type {
  KeyImportPrefixesTable,
  KeyUsageDaysTable,
  KeyUsageTable,
  KeyUsageTagsTable,
  UsageRollupsTable,
} from './usage-tables.js';
export type { WebhookCreditAlertsTable, WebhookDeliveriesTable, WebhookEndpointsTable } from './webhook-tables.js';
export type { IdentityProviderDomainsTable, IdentityProvidersTable, SessionsTable } from './sso-tables.js';

export interface InstanceSettingsTable {
  name: string;
  value: string;
}

export interface TenantsTable {
  id: string;
  name: string;
  tier: string;
  mfa_required: number;
  rotation_window_days: number | null;
  default_key_expiry_days: number | null;
  max_key_expiry_days: number | null;
  /** The maximum for application keys (null: none); max_key_expiry_days is for user keys. */
  max_application_key_expiry_days: number | null;
  /** A user key needs its user to have passed a TOTP check within this many days (null: never asked). */
  mfa_reverify_days: number | null;
  /** Audit events older than this many days are pruned; null keeps them forever. */
  audit_retention_days: number | null;
  /** IANA time zone credits refill in (null: UTC). */
  time_zone: string | null;
  /** 0/1: the console accepts only SSO sessions from the tenant's people (migration 0019). */
  require_sso: number;
  /**
   * The name as the unique index compares it (tenant-name-key.ts, migration 0024); null only for
   * a tenant named like an older one before names were unique.
   */
  name_key: string | null;
  created_at: number;
  updated_at: number;
}

export interface EnvironmentsTable {
  id: string;
  tenant_id: string;
  name: string;
  key_prefix: string;
  mfa_required: number | null;
  rotation_window_days: number | null;
  default_key_expiry_days: number | null;
  max_key_expiry_days: number | null;
  max_application_key_expiry_days: number | null;
  mfa_reverify_days: number | null;
  /** JSON list of CIDRs every key of the environment must be used from; null: any address. */
  ip_allowlist: string | null;
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  tenant_id: string;
  name: string;
  email: string;
  role: string;
  /** The platform's own id for the person, unique per tenant (issue 29); null: none given. */
  external_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface ApiKeysTable {
  id: string;
  /** Null only for the root key. */
  tenant_id: string | null;
  environment_id: string | null;
  user_id: string | null;
  kind: string;
  name: string;
  /** HMAC-SHA-256 of the whole key under the server pepper, hex. The key itself is never stored. */
  key_hash: string;
  hint: string;
  prefix: string;
  admin: number;
  enabled: number;
  /** Direct grants, JSON: named permissions, scopes (a preset's included), levels; and the preset's name. */
  permissions: string;
  scopes: string;
  levels: string;
  preset: string | null;
  /** JSON ids of the groups the key belongs to; kept with group_members in one transaction. */
  group_ids: string;
  /** JSON `[{name, limit, durationMs}]`: the key's own rate limits (migration 0014). */
  ratelimits: string;
  /** The lifetime it was created with, in days (null: never expires); a rotation restarts it. */
  expiry_days: number | null;
  /** The secret it had before its last rotation, accepted until `previous_valid_until`. */
  previous_key_hash: string | null;
  previous_valid_until: number | null;
  rotated_at: number | null;
  metadata: string;
  /** JSON list of CIDRs the key must be used from; null: any address. */
  ip_allowlist: string | null;
  /** Usage credits left (null: the key has no credits and is not metered). */
  credits_remaining: number | null;
  /** Where set, the balance is reset to this amount at each `credits_refill_interval` (day|month). */
  credits_refill_amount: number | null;
  credits_refill_interval: string | null;
  /** The label (YYYY-MM-DD or YYYY-MM, tenant time zone then) of the period the balance belongs to. */
  credits_period: string | null;
  /** When that period ends (epoch ms; migration 0015): a refill is due once the caller's period starts at or after it. */
  credits_period_end: number | null;
  expires_at: number | null;
  revoked_at: number | null;
  created_by_key_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface UserMfaTable {
  user_id: string;
  /** The TOTP seed, sealed (AES-256-GCM) and bound to the user id. */
  secret: string;
  confirmed_at: number | null;
  /** The last TOTP time step accepted: a code is accepted once. */
  last_step: number | null;
  failed_count: number;
  failed_window_started_at: number | null;
  /** When the user last passed a TOTP check (mfaReverifyDays counts from it); null: never. */
  passed_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface PoliciesTable {
  id: string;
  tenant_id: string;
  /** Null: tenant-wide. */
  environment_id: string | null;
  name: string;
  permissions: string;
  scopes: string;
  levels: string;
  /** JSON `[{name, limit, durationMs}]`: one bucket per limit, shared by every linked key (defaults to '[]'). */
  ratelimits: string;
  created_by_key_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface KeyPoliciesTable {
  key_id: string;
  policy_id: string;
}

export interface GroupsTable {
  id: string;
  tenant_id: string;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface GroupMembersTable {
  group_id: string;
  key_id: string;
  created_at: number;
}

/** A user in a sharing group: each of its keys, present and future, is a member through it. */
export interface GroupUserMembersTable {
  group_id: string;
  user_id: string;
  created_at: number;
}

export interface ResourcesTable {
  id: string;
  tenant_id: string;
  environment_id: string;
  type: string;
  name: string;
  external_id: string | null;
  parent_id: string | null;
  visibility: string;
  /** Sealed for `secret` types, clear for `variable` types, null otherwise. */
  value: string | null;
  metadata: string;
  created_by_key_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface ResourceRolesTable {
  resource_id: string;
  /** A key or group id. */
  principal_id: string;
  role: string;
  created_at: number;
}

export interface Database {
  instance_settings: InstanceSettingsTable;
  tenants: TenantsTable;
  environments: EnvironmentsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  resources: ResourcesTable;
  resource_roles: ResourceRolesTable;
  policies: PoliciesTable;
  key_policies: KeyPoliciesTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  group_user_members: GroupUserMembersTable;
  user_mfa: UserMfaTable;
  audit_events: AuditEventsTable;
  change_log: ChangeLogTable;
  audit_chain_heads: AuditChainHeadsTable;
  pepper_pending_keys: PepperPendingKeysTable;
  key_usage: KeyUsageTable;
  key_usage_days: KeyUsageDaysTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_credit_alerts: WebhookCreditAlertsTable;
  webhook_keys: WebhookKeysTable;
  key_import_prefixes: KeyImportPrefixesTable;
  key_usage_tags: KeyUsageTagsTable;
  identity_providers: IdentityProvidersTable;
  identity_provider_domains: IdentityProviderDomainsTable;
  sessions: SessionsTable;
  credit_leases: CreditLeasesTable;
  usage_rollups: UsageRollupsTable;
}

/**
 * Every table of `Database` by name, at run time (the migrations test holds the migrations to the same
 * set): a record over its keys, so a table added to the type and not here fails to compile, in this file.
 */
const TABLES: Record<keyof Database, true> = {
  instance_settings: true,
  tenants: true,
  environments: true,
  users: true,
  api_keys: true,
  resources: true,
  resource_roles: true,
  policies: true,
  key_policies: true,
  groups: true,
  group_members: true,
  group_user_members: true,
  user_mfa: true,
  audit_events: true,
  change_log: true,
  audit_chain_heads: true,
  pepper_pending_keys: true,
  key_usage: true,
  key_usage_days: true,
  webhook_endpoints: true,
  webhook_deliveries: true,
  webhook_credit_alerts: true,
  webhook_keys: true,
  key_import_prefixes: true,
  key_usage_tags: true,
  identity_providers: true,
  identity_provider_domains: true,
  sessions: true,
  credit_leases: true,
  usage_rollups: true,
};
export const SCHEMA_TABLES = Object.keys(TABLES) as readonly (keyof Database)[];

/** A database handle or an open transaction: repositories take either, first. */
export type Db = Kysely<Database> | Transaction<Database>;
