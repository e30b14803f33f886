/**
 * Pruning of hourly analytics rollups (modules/usage/rollup-retention.ts), which every node runs:
 * two nodes' passes over the same old rows at once. Each removes a batch at a time, so their
 * statements interleave over the rows (on PostgreSQL each batch skips the rows the other's
 * holds); every old row is gone once both are done, none is counted twice, neither pass fails,
 * and the hours inside the retention stay. The first version, matching the batch's rows on the
 * key's columns, failed here in a CI run: on the world's new table, without statistics,
 * PostgreSQL ran the batch's subquery once per candidate row, past the statement timeout.
 */
import { sql } from 'kysely';
import { pruneHourlyRollups, ROLLUP_PRUNE_BATCH } from '../../../src/modules/usage/rollup-retention.js';
import type { UsageRollupsTable } from '../../../src/storage/database.js';
import type { Reply } from '../../support/keyward.js';
import type { RaceWorld } from '../concurrency-world.js';
import { race, type AnyRace } from './race.js';

const HOUR_MS = 3_600_000;
const RETENTION_DAYS = 31;
/** Old rows a trial writes: several batches, so the two passes' statements interleave. */
const OLD_ROWS = ROLLUP_PRUNE_BATCH * 2 + ROLLUP_PRUNE_BATCH / 2;
/** Rows inside the retention, which stay. */
const RECENT_ROWS = 10;

const hourOf = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;

/** Hourly rows by key of the world's tenant: OLD_ROWS over ten hours 40 days back, RECENT_ROWS this hour. */
async function oldAndRecentRows(world: RaceWorld): Promise<string> {
  const old = hourOf(Date.now() - 40 * 24 * HOUR_MS);
  const group = world.unique('rollup');
  const row = (bucket: number, index: number): UsageRollupsTable => ({
    tenant_id: world.tenantId,
    dimension: 'key',
    granularity: 'hour',
    bucket,
    environment_id: world.environmentId,
    group_name: `${group}-${index}`,
    count: 1,
  });
  const rows = [
    ...Array.from({ length: OLD_ROWS }, (_, index) => row(old + (index % 10) * HOUR_MS, index)),
    ...Array.from({ length: RECENT_ROWS }, (_, index) => row(hourOf(Date.now()), OLD_ROWS + index)),
  ];
  for (let from = 0; from < rows.length; from += 500)
    await world.db
      .insertInto('usage_rollups')
      .values(rows.slice(from, from + 500))
      .execute();
  return group;
}

async function prune(world: RaceWorld): Promise<Reply> {
  const removed = await pruneHourlyRollups(world.db, Date.now(), RETENTION_DAYS);
  return { status: 200, headers: {}, body: { removed } };
}

export const ROLLUP_RACES: readonly AnyRace[] = [
  race({
    name: 'hourly analytics rollups pruned by two nodes at once',
    setup: oldAndRecentRows,
    a: (_node, _group, world) => prune(world),
    b: (_node, _group, world) => prune(world),
    observe: async (world, group, answers) => {
      const left = await world.db
        .selectFrom('usage_rollups')
        .select(sql<number>`count(*)`.as('n'))
        .where('tenant_id', '=', world.tenantId)
        .where('group_name', 'like', `${group}-%`)
        .executeTakeFirstOrThrow();
      const removed = answers.reduce((sum, answer) => sum + Number(answer.body?.removed), 0);
      return { left: Number(left.n), removed };
    },
    serial: () => [
      { order: 'a, b', a: 200, b: 200, end: { left: RECENT_ROWS, removed: OLD_ROWS } },
      { order: 'b, a', a: 200, b: 200, end: { left: RECENT_ROWS, removed: OLD_ROWS } },
    ],
  }),
];
