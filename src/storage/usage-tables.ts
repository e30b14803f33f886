/** Key usage as stored (per key, per day and code, per hour and tag) and the prefixes of imported keys. */

export interface KeyUsageTable {
  key_id: string;
  last_used_at: number;
  last_used_ip: string | null;
}

export interface KeyUsageDaysTable {
  key_id: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  code: string;
  count: number;
}

/** A registered prefix of imported keys (issue 29): verify looks such a string up by its SHA-256. */
export interface KeyImportPrefixesTable {
  prefix: string;
  created_at: number;
}

/** Verifies of one key with one tag in one UTC hour (issue 29). */
export interface KeyUsageTagsTable {
  key_id: string;
  /** The start of the UTC hour, ms since the epoch. */
  hour: number;
  tag: string;
  count: number;
}

/**
 * A tenant's verifies in one UTC hour or day, by verdict code, key or verify tag (issue 26):
 * what analytics reads, written by the usage recorder's flushes beside the per-key counts.
 */
export interface UsageRollupsTable {
  tenant_id: string;
  dimension: 'code' | 'key' | 'tag';
  granularity: 'hour' | 'day';
  /** The bucket's start, ms since the epoch. */
  bucket: number;
  /** '' for a key with no environment. */
  environment_id: string;
  /** The verdict code, the key id or the tag (`k=v`). */
  group_name: string;
  count: number;
}
