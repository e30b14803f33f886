/**
 * The audit log as hash chains (SPEC §5): one per tenant, one (`instance`) for events of no
 * tenant. Each event carries its sequence in its chain and the hash of the event before it, and
 * its own hash covers both and every column. Each chain's head — last sequence, hash and event
 * id, and where retention pruning left off — is kept apart, so editing, deleting (first, middle
 * or last) or reordering events is found by walking the chain from the head's pruning point.
 */
import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { AuditEventsTable, Db } from '../../storage/database.js';
import { isPostgres } from '../../storage/dialect.js';

export const INSTANCE_CHAIN = 'instance';
/** The hash a chain's first event links to. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditEventRow = Selectable<AuditEventsTable>;
type Unchained = Omit<AuditEventRow, 'hash'>;

export function chainOf(tenantId: string | null): string {
  return tenantId ?? INSTANCE_CHAIN;
}

/** SHA-256 over every column but the hash itself, in a fixed order, as JSON. */
export function eventHash(event: Unchained): string {
  const fields = [
    event.chain_id,
    event.chain_seq,
    event.prev_hash,
    event.id,
    event.tenant_id,
    event.environment_id,
    event.actor_key_id,
    event.action,
    event.target_type,
    event.target_id,
    event.outcome,
    event.status,
    event.request_id,
    event.source_ip,
    event.details,
    event.at,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/**
 * The chain's head, locked for this transaction on PostgreSQL (SQLite has one writer), created
 * at the genesis hash on first use.
 */
async function lockHead(trx: Db, chainId: string): Promise<{ last_seq: number; last_hash: string }> {
  const select = () => {
    const query = trx.selectFrom('audit_chain_heads').select(['last_seq', 'last_hash']).where('chain_id', '=', chainId);
    return (isPostgres(trx) ? query.forUpdate() : query).executeTakeFirst();
  };
  const head = await select();
  if (head !== undefined) return { last_seq: Number(head.last_seq), last_hash: head.last_hash };
  await trx
    .insertInto('audit_chain_heads')
    .values({ chain_id: chainId, last_seq: 0, last_hash: GENESIS_HASH, last_event_id: null, pruned_seq: 0, pruned_hash: GENESIS_HASH })
    .onConflict((oc) => oc.column('chain_id').doNothing())
    .execute();
  const created = await select();
  if (created === undefined) throw new Error(`audit chain head ${chainId} could not be created`);
  return { last_seq: Number(created.last_seq), last_hash: created.last_hash };
}

/** Appends an event to its chain; `trx` must be a transaction (the head stays locked until commit). */
export async function appendToChain(trx: Db, event: Omit<Unchained, 'chain_id' | 'chain_seq' | 'prev_hash'>): Promise<void> {
  const chainId = chainOf(event.tenant_id);
  const head = await lockHead(trx, chainId);
  const chained: Unchained = { ...event, chain_id: chainId, chain_seq: head.last_seq + 1, prev_hash: head.last_hash };
  const hash = eventHash(chained);
  await trx.insertInto('audit_events').values({ ...chained, hash }).execute();
  await trx.updateTable('audit_chain_heads').set({ last_seq: chained.chain_seq as number, last_hash: hash, last_event_id: event.id }).where('chain_id', '=', chainId).execute();
}

export interface ChainCheck {
  readonly ok: boolean;
  readonly checked: number;
  readonly firstBadEventId?: string;
}

const BATCH = 1000;

/**
 * Walks one chain from its pruning point. The first event out of place — a sequence gap (a
 * deletion, or a deleted first event), a broken link (a reorder), a hash that no longer matches
 * (an edit) — is named; if the events end before the head says, the head's last event (deleted)
 * is named.
 */
export async function verifyChain(db: Db, chainId: string): Promise<ChainCheck> {
  const head = await db.selectFrom('audit_chain_heads').selectAll().where('chain_id', '=', chainId).executeTakeFirst();
  let expectedSeq = Number(head?.pruned_seq ?? 0) + 1;
  let prevHash = head?.pruned_hash ?? GENESIS_HASH;
  let checked = 0;
  let afterSeq = -1;
  let afterId = '';
  for (;;) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('chain_id', '=', chainId)
      .where((eb) => eb.or([eb('chain_seq', '>', afterSeq), eb.and([eb('chain_seq', '=', afterSeq), eb('id', '>', afterId)])]))
      .orderBy('chain_seq')
      .orderBy('id')
      .limit(BATCH)
      .execute();
    for (const row of rows) {
      checked++;
      const { hash, ...unchained } = row;
      if (Number(row.chain_seq) !== expectedSeq || row.prev_hash !== prevHash || eventHash(unchained) !== hash) {
        return { ok: false, checked, firstBadEventId: row.id };
      }
      prevHash = hash as string;
      expectedSeq++;
    }
    const last = rows[rows.length - 1];
    if (rows.length < BATCH || last === undefined) break;
    afterSeq = Number(last.chain_seq);
    afterId = last.id;
  }
  if (head !== undefined && (Number(head.last_seq) !== expectedSeq - 1 || head.last_hash !== prevHash)) {
    return { ok: false, checked, ...(head.last_event_id === null ? {} : { firstBadEventId: head.last_event_id }) };
  }
  return { ok: true, checked };
}

/**
 * Retention: removes the chain's oldest events recorded before `cutoff`, from its start, and moves
 * the head's pruning point past them, so what remains still verifies. Answers how many went.
 */
export async function pruneChain(db: Db, chainId: string, cutoff: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await lockHead(trx, chainId);
    const old = await trx
      .selectFrom('audit_events')
      .select(['id', 'chain_seq', 'hash'])
      .where('chain_id', '=', chainId)
      .where('at', '<', cutoff)
      .orderBy('chain_seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (old === undefined) return 0;
    const throughSeq = Number(old.chain_seq);
    const result = await trx.deleteFrom('audit_events').where('chain_id', '=', chainId).where('chain_seq', '<=', throughSeq).executeTakeFirst();
    await trx.updateTable('audit_chain_heads').set({ pruned_seq: throughSeq, pruned_hash: old.hash as string }).where('chain_id', '=', chainId).execute();
    return Number(result.numDeletedRows);
  });
}
