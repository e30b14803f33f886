/**
 * The change log: every committed change appends one row (entity, id, operation) in the same
 * transaction, so any node can follow the log by sequence and drop what it has cached.
 */
import type { ChangeEntity } from '../core/entities.js';
import type { Db } from './database.js';

export interface Change {
  readonly entity: ChangeEntity;
  readonly entityId: string;
  readonly tenantId: string | null;
  /**
   * The environment of what changed: a key's, an environment's own id; null for what has none (a
   * tenant-wide object, the root key) and for rows written before it was recorded. A replica of
   * one environment is told a key's change only when the key is of its environment (change-hub.ts).
   */
  readonly environmentId: string | null;
  readonly op: 'create' | 'update' | 'delete';
}

export interface ChangeRow extends Change {
  readonly seq: number;
  /** When it was committed (ms since the epoch, by the committing node's clock). */
  readonly at: number;
}

export async function appendChange(db: Db, change: Change, at: number): Promise<void> {
  await db
    .insertInto('change_log')
    .values({
      entity: change.entity,
      entity_id: change.entityId,
      tenant_id: change.tenantId,
      environment_id: change.environmentId,
      op: change.op,
      at,
    })
    .execute();
}

function toChangeRow(row: {
  seq: number;
  entity: string;
  entity_id: string;
  tenant_id: string | null;
  environment_id: string | null;
  op: string;
  at: number | string;
}): ChangeRow {
  return {
    seq: row.seq,
    at: Number(row.at),
    entity: row.entity as Change['entity'],
    entityId: row.entity_id,
    tenantId: row.tenant_id,
    environmentId: row.environment_id,
    op: row.op as Change['op'],
  };
}

export async function changesAfter(db: Db, seq: number, limit: number): Promise<ChangeRow[]> {
  const rows = await db
    .selectFrom('change_log')
    .selectAll()
    .where('seq', '>', seq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toChangeRow);
}

/** The changes with these sequence numbers that exist now (holes the follower skipped over). */
export async function changesAt(db: Db, seqs: readonly number[]): Promise<ChangeRow[]> {
  if (seqs.length === 0) return [];
  const rows = await db
    .selectFrom('change_log')
    .selectAll()
    .where('seq', 'in', seqs.slice(0, 1000))
    .orderBy('seq')
    .execute();
  return rows.map(toChangeRow);
}

export async function lastChangeSeq(db: Db): Promise<number> {
  const row = await db
    .selectFrom('change_log')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}
