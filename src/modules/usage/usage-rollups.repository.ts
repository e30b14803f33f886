/**
 * The tenant's analytics rollups (`usage_rollups`, migration 0023): one slice of a usage flush
 * added per tenant, environment, UTC hour and day, by verdict code, key and verify tag. Written in
 * the flush's transaction, off the verify path; read by analytics.repository.ts.
 */
import { HOUR_MS } from '../../core/clock.js';
import type { UsageRollupsTable } from '../../storage/database.js';
import { reusableInsert } from '../../storage/reusable-insert.js';

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

/** Adds rows to the rollups (in the order given: see rollupRows). */
export const addRollupRows = reusableInsert<RollupRow>([...KEY_COLUMNS, 'count'], ROLLUP_CHUNK, (db, rows) =>
  db
    .insertInto('usage_rollups')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns([...KEY_COLUMNS])
        .doUpdateSet({ count: (eb) => eb('usage_rollups.count', '+', eb.ref('excluded.count')) }),
    ),
);

/** Where a key's rows go: its tenant and environment. */
interface Scope {
  readonly tenant: string;
  readonly env: string;
}

/** One dimension and granularity of a slice's rows, and the row it added to last. */
interface Series {
  readonly dimension: RollupRow['dimension'];
  readonly granularity: RollupRow['granularity'];
  readonly span: number;
  /** Rows of a code or tag are shared by a tenant's keys, found again by name; a key's own are not. */
  readonly shared: boolean;
  last: RollupRow | undefined;
}

/**
 * The rows of one slice, summed by primary key. Most verifies of a tenant's keys in one hour
 * share its code rows: a key adding to the row the key before it added to finds it without a
 * lookup. A key's own rows need none at all: its counts come together (rows in key order, then by
 * hour), so a row it does not find last is new.
 */
function rollupSums() {
  const rows: RollupRow[] = [];
  const shared = new Map<string, RollupRow>();
  const series = (dimension: RollupRow['dimension'], shared: boolean): [Series, Series] => [
    { dimension, granularity: 'hour', span: HOUR_MS, shared, last: undefined },
    { dimension, granularity: 'day', span: DAY_MS, shared, last: undefined },
  ];
  const bySeries = { code: series('code', true), key: series('key', false), tag: series('tag', true) };

  const addTo = (into: Series, scope: Scope, at: number, group: string, count: number): void => {
    const bucket = Math.floor(at / into.span) * into.span;
    const last = into.last;
    if (
      last !== undefined &&
      last.bucket === bucket &&
      last.group_name === group &&
      last.tenant_id === scope.tenant &&
      last.environment_id === scope.env
    ) {
      last.count += count;
      return;
    }
    const id = into.shared
      ? `${scope.tenant}\u0000${scope.env}\u0000${into.dimension}\u0000${into.granularity}\u0000${bucket}\u0000${group}`
      : undefined;
    let row = id === undefined ? undefined : shared.get(id);
    if (row !== undefined) row.count += count;
    else {
      row = {
        tenant_id: scope.tenant,
        dimension: into.dimension,
        granularity: into.granularity,
        bucket,
        environment_id: scope.env,
        group_name: group,
        count,
      };
      rows.push(row);
      if (id !== undefined) shared.set(id, row);
    }
    into.last = row;
  };

  /** Adds `count` to the hour's and the day's row of `group`. */
  const add = (scope: Scope, dimension: RollupRow['dimension'], at: number, group: string, count: number): void => {
    const [hour, day] = bySeries[dimension];
    addTo(hour, scope, at, group, count);
    addTo(day, scope, at, group, count);
  };
  return { add, rows: () => rows.sort(compareRows) };
}

/**
 * A slice's hour counts (by code, and by key) and tag counts as rollup rows, hourly and daily,
 * under each key's owner. Rows are summed in memory first (a slice's keys of one tenant become a few
 * rows by code) and come in primary-key order: concurrent flushes on PostgreSQL lock the shared
 * rows (a tenant's code of the hour) in one order and cannot deadlock.
 */
export function rollupRows(
  hours: readonly CodeCount[],
  tags: readonly TagCount[],
  owners: ReadonlyMap<string, KeyOwner>,
): RollupRow[] {
  if (hours.length === 0 && tags.length === 0) return [];
  // Rows come grouped by key: each key's owner is looked up once.
  let lastKey: string | undefined;
  let lastScope: Scope | undefined;
  const scopeOf = (keyId: string): Scope | undefined => {
    if (keyId === lastKey) return lastScope;
    const owner = owners.get(keyId);
    const tenant = owner?.tenantId ?? null;
    const env = owner?.environmentId ?? '';
    lastKey = keyId;
    lastScope = tenant === null ? undefined : { tenant, env };
    return lastScope;
  };
  const sums = rollupSums();
  for (const row of hours) {
    const scope = scopeOf(row.key_id);
    if (scope === undefined) continue;
    sums.add(scope, 'code', row.hour, row.code, row.count);
    sums.add(scope, 'key', row.hour, row.key_id, row.count);
  }
  for (const row of tags) {
    const scope = scopeOf(row.key_id);
    if (scope !== undefined) sums.add(scope, 'tag', row.hour, row.tag, row.count);
  }
  return sums.rows();
}
