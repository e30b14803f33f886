/**
 * The tenant's analytics rollups (`usage_rollups`, migration 0023): one slice of a usage flush
 * added per tenant, environment, UTC hour and day, by verdict code, key and verify tag. Written in
 * the flush's transaction, off the verify path; read by analytics.repository.ts.
 */
import type { Db, UsageRollupsTable } from '../../storage/database.js';
import { reusableInsert } from '../../storage/reusable-insert.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Rows per statement: 7 parameters a row stays far below SQLite's and PostgreSQL's limits. */
const ROLLUP_CHUNK = 500;

/** A key's tenant and environment, as verify knew the key: its rollups are added to them. */
export interface KeyOwner {
  /** Null for the root key, which belongs to no tenant and has no rollups. */
  readonly tenantId: string | null;
  /** Null for a tenant-level key (stored as '' in the rollups). */
  readonly environmentId: string | null;
}

/** A slice's count of one key in one hour (its start, ms) by verdict code. */
interface CodeCount {
  readonly key_id: string;
  readonly hour: number;
  readonly code: string;
  readonly count: number;
}

/** A slice's count of one key in one hour by verify tag. */
interface TagCount {
  readonly key_id: string;
  readonly hour: number;
  readonly tag: string;
  readonly count: number;
}

type RollupRow = UsageRollupsTable;

/** The primary key's columns, in its order: rows are written sorted by it (see addRollups). */
const KEY_COLUMNS = ['tenant_id', 'dimension', 'granularity', 'bucket', 'environment_id', 'group_name'] as const;

/** Orders two values of one column (text or number). */
const order = (x: string | number, y: string | number): number => (x === y ? 0 : x < y ? -1 : 1);

/** Primary-key order (KEY_COLUMNS), written out: a flush sorts some thousand rows a slice. */
const compareRows = (a: RollupRow, b: RollupRow): number =>
  order(a.tenant_id, b.tenant_id) ||
  order(a.dimension, b.dimension) ||
  order(a.granularity, b.granularity) ||
  order(a.bucket, b.bucket) ||
  order(a.environment_id, b.environment_id) ||
  order(a.group_name, b.group_name);

const addRows = reusableInsert<RollupRow>([...KEY_COLUMNS, 'count'], ROLLUP_CHUNK, (db, rows) =>
  db
    .insertInto('usage_rollups')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns([...KEY_COLUMNS])
        .doUpdateSet({ count: (eb) => eb('usage_rollups.count', '+', eb.ref('excluded.count')) }),
    ),
);

/** Where a key's rows go: its tenant and environment, and their part of a summed row's name. */
interface Scope {
  readonly tenant: string;
  readonly env: string;
  readonly name: string;
}

/** The rows of one slice, summed by primary key. */
function rollupSums() {
  const sums = new Map<string, RollupRow>();
  /** Adds `count` to the hour's and the day's row of `group`; `name`: the row's name but for them. */
  const add = (
    scope: Scope,
    dimension: RollupRow['dimension'],
    at: number,
    group: string,
    name: string,
    count: number,
  ) => {
    for (const granularity of ['hour', 'day'] as const) {
      const span = granularity === 'hour' ? HOUR_MS : DAY_MS;
      const bucket = Math.floor(at / span) * span;
      const id = `${name}\u0000${granularity}\u0000${bucket}\u0000${group}`;
      const row = sums.get(id);
      if (row !== undefined) row.count += count;
      else
        sums.set(id, {
          tenant_id: scope.tenant,
          dimension,
          granularity,
          bucket,
          environment_id: scope.env,
          group_name: group,
          count,
        });
    }
  };
  return { add, rows: () => [...sums.values()].sort(compareRows) };
}

/**
 * Adds a slice's hour counts (by code, and by key) and tag counts to the rollups, hourly and
 * daily, under each key's owner. Rows are summed in memory first (500 keys of one tenant become a
 * few rows by code) and written in primary-key order: concurrent flushes on PostgreSQL lock the
 * shared rows (a tenant's code of the hour) in one order and cannot deadlock.
 */
export async function addRollups(
  db: Db,
  hours: readonly CodeCount[],
  tags: readonly TagCount[],
  owners: ReadonlyMap<string, KeyOwner>,
): Promise<void> {
  if (hours.length === 0 && tags.length === 0) return;
  // Rows come grouped by key: each key's owner is looked up once.
  let lastKey: string | undefined;
  let lastScope: Scope | undefined;
  const scopeOf = (keyId: string): Scope | undefined => {
    if (keyId === lastKey) return lastScope;
    const owner = owners.get(keyId);
    const tenant = owner?.tenantId ?? null;
    const env = owner?.environmentId ?? '';
    lastKey = keyId;
    lastScope = tenant === null ? undefined : { tenant, env, name: `${tenant}\u0000${env}` };
    return lastScope;
  };
  const sums = rollupSums();
  for (const row of hours) {
    const scope = scopeOf(row.key_id);
    if (scope === undefined) continue;
    sums.add(scope, 'code', row.hour, row.code, `${scope.name}\u0000code`, row.count);
    // A key has one owner: its own rows need no tenant in their name.
    sums.add(scope, 'key', row.hour, row.key_id, '\u0000key', row.count);
  }
  for (const row of tags) {
    const scope = scopeOf(row.key_id);
    if (scope !== undefined) sums.add(scope, 'tag', row.hour, row.tag, `${scope.name}\u0000tag`, row.count);
  }
  await addRows(db, sums.rows());
}
