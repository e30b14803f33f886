/**
 * The tenant's analytics rollups (`usage_rollups`, migration 0023): one slice of a usage flush
 * added per tenant, environment, UTC hour and day, by verdict code, key and verify tag. Written in
 * the flush's transaction, off the verify path; read by analytics.repository.ts.
 */
import type { Db, UsageRollupsTable } from '../../storage/database.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Rows per statement: 7 parameters a row stays far below SQLite's and PostgreSQL's limits. */
const ROLLUP_CHUNK = 500;

/** The hour and tag counts of a slice, as the usage recorder hands them to the store. */
export interface HourCount {
  readonly key_id: string;
  /** The hour's start, ms. */
  readonly hour: number;
  /** The verdict code, or the tag for tag counts. */
  readonly group: string;
  readonly count: number;
}

type RollupRow = UsageRollupsTable;

/** The primary key's columns, in its order: rows are written sorted by it (see addRollups). */
const KEY_COLUMNS = ['tenant_id', 'dimension', 'granularity', 'bucket', 'environment_id', 'group_name'] as const;

const compareRows = (a: RollupRow, b: RollupRow): number => {
  for (const column of KEY_COLUMNS) {
    const x = a[column];
    const y = b[column];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};

/** Each key's tenant and environment ('' for none); keys no longer stored are left out. */
async function ownersOf(db: Db, keyIds: readonly string[]): Promise<Map<string, { tenant: string; env: string }>> {
  const owners = new Map<string, { tenant: string; env: string }>();
  if (keyIds.length === 0) return owners;
  const rows = await db
    .selectFrom('api_keys')
    .select(['id', 'tenant_id', 'environment_id'])
    .where('id', 'in', [...keyIds])
    .execute();
  for (const row of rows)
    if (row.tenant_id !== null) owners.set(row.id, { tenant: row.tenant_id, env: row.environment_id ?? '' });
  return owners;
}

/**
 * Adds a slice's hour counts (by code, and by key) and tag counts to the rollups, hourly and
 * daily. Rows are summed in memory first (500 keys of one tenant become a few rows by code) and
 * written in primary-key order: concurrent flushes on PostgreSQL lock the shared rows (a
 * tenant's code of the hour) in one order and cannot deadlock.
 */
export async function addRollups(db: Db, hours: readonly HourCount[], tags: readonly HourCount[]): Promise<void> {
  if (hours.length === 0 && tags.length === 0) return;
  const keyIds = new Set<string>();
  for (const row of hours) keyIds.add(row.key_id);
  for (const row of tags) keyIds.add(row.key_id);
  const owners = await ownersOf(db, [...keyIds]);
  const sums = new Map<string, RollupRow>();
  const add = (
    owner: { tenant: string; env: string },
    dimension: RollupRow['dimension'],
    hour: number,
    group: string,
    count: number,
  ): void => {
    for (const [granularity, bucket] of [
      ['hour', hour],
      ['day', Math.floor(hour / DAY_MS) * DAY_MS],
    ] as const) {
      const id = `${owner.tenant}\u0000${dimension}\u0000${granularity}\u0000${bucket}\u0000${owner.env}\u0000${group}`;
      const row = sums.get(id);
      if (row !== undefined) row.count += count;
      else
        sums.set(id, {
          tenant_id: owner.tenant,
          dimension,
          granularity,
          bucket,
          environment_id: owner.env,
          group_name: group,
          count,
        });
    }
  };
  for (const row of hours) {
    const owner = owners.get(row.key_id);
    if (owner === undefined) continue;
    const hour = Math.floor(row.hour / HOUR_MS) * HOUR_MS;
    add(owner, 'code', hour, row.group, row.count);
    add(owner, 'key', hour, row.key_id, row.count);
  }
  for (const row of tags) {
    const owner = owners.get(row.key_id);
    if (owner !== undefined) add(owner, 'tag', Math.floor(row.hour / HOUR_MS) * HOUR_MS, row.group, row.count);
  }
  const rows = [...sums.values()].sort(compareRows);
  for (let start = 0; start < rows.length; start += ROLLUP_CHUNK) {
    await db
      .insertInto('usage_rollups')
      .values(rows.slice(start, start + ROLLUP_CHUNK))
      .onConflict((oc) =>
        oc
          .columns([...KEY_COLUMNS])
          .doUpdateSet({ count: (eb) => eb('usage_rollups.count', '+', eb.ref('excluded.count')) }),
      )
      .execute();
  }
}
