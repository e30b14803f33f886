/**
 * The columns of a new key row at their "nothing set" values: no grants, groups, limits, credits,
 * allowlist, metadata, expiry, rotation or revocation. Whatever makes a key (the root key at
 * first start, `POST /v1/keys`, test fixtures) starts from these, so a column a migration adds
 * gets its starting value in one place.
 */
import { NO_GRANTS } from '../../core/grants/grant-set.js';
import { NO_CREDITS } from './key-credits.js';
import { grantColumns } from './key-grants.js';
import type { KeyRow } from './keys.repository.js';

type BlankColumns = Omit<
  KeyRow,
  | 'id'
  | 'tenant_id'
  | 'environment_id'
  | 'user_id'
  | 'kind'
  | 'name'
  | 'key_hash'
  | 'hint'
  | 'prefix'
  | 'admin'
  | 'enabled'
  | 'created_at'
  | 'updated_at'
>;

export const BLANK_KEY_COLUMNS: Readonly<BlankColumns> = Object.freeze({
  ...grantColumns(NO_GRANTS),
  group_ids: [],
  ratelimits: [],
  expiry_days: null,
  previous_key_hash: null,
  previous_valid_until: null,
  rotated_at: null,
  metadata: {},
  ip_allowlist: null,
  ...NO_CREDITS,
  expires_at: null,
  revoked_at: null,
  created_by_key_id: null,
});
