/**
 * The audit log as MAC chains (SPEC §5): one per tenant, one (`instance`) for events of no
 * tenant. Each event carries its sequence in its chain and the MAC of the event before it, and
 * its own MAC (audit-mac.ts) covers both and every column. Each chain's head — last sequence, MAC
 * and event id, and where retention pruning left off — is kept apart under the same key, so
 * editing, deleting (first, middle or last) or reordering events, or moving the pruning point,
 * is found by walking the chain from the head's pruning point, without the pepper no less.
 */
import type { Db } from '../../storage/database.js';
import { lockForUpdate } from '../../storage/row-lock.js';
import {
  auditKeyOf,
  eventMac,
  headMac,
  sameMac,
  type AuditEventRow,
  type ChainHeadRow,
  type Unsealed,
  type UnsealedHead,
} from './audit-mac.js';

export type { AuditEventRow } from './audit-mac.js';

export const INSTANCE_CHAIN = 'instance';
/** The MAC a chain's first event links to. */
export const GENESIS_HASH = '0'.repeat(64);

export function chainOf(tenantId: string | null): string {
  return tenantId ?? INSTANCE_CHAIN;
}

/** Reads a chain's head, locked until `trx` (a transaction) ends: appends to one chain take turns. */
export async function readHeadForUpdate(trx: Db, chainId: string): Promise<ChainHeadRow | undefined> {
  return lockForUpdate(
    trx,
    trx.selectFrom('audit_chain_heads').selectAll().where('chain_id', '=', chainId),
  ).executeTakeFirst();
}

/** Writes the head with its MAC under `key`. */
export async function writeHead(trx: Db, key: Buffer, head: UnsealedHead): Promise<void> {
  const values = { ...head, head_mac: headMac(key, head) };
  await trx.updateTable('audit_chain_heads').set(values).where('chain_id', '=', head.chain_id).execute();
}

/** The chain's head, locked (see above), created sealed at the genesis MAC on first use. */
async function lockHead(trx: Db, chainId: string): Promise<ChainHeadRow> {
  const head = await readHeadForUpdate(trx, chainId);
  if (head !== undefined) return head;
  const genesis: UnsealedHead = {
    chain_id: chainId,
    last_seq: 0,
    last_hash: GENESIS_HASH,
    last_event_id: null,
    pruned_seq: 0,
    pruned_hash: GENESIS_HASH,
    legacy_bad_event_id: null,
  };
  await trx
    .insertInto('audit_chain_heads')
    .values({ ...genesis, head_mac: headMac(auditKeyOf(trx), genesis) })
    .onConflict((oc) => oc.column('chain_id').doNothing())
    .execute();
  const created = await readHeadForUpdate(trx, chainId);
  if (created === undefined) throw new Error(`audit chain head ${chainId} could not be created`);
  return created;
}

/** Appends an event to its chain; `trx` must be a transaction (the head stays locked until commit). */
export async function appendToChain(
  trx: Db,
  event: Omit<Unsealed, 'chain_id' | 'chain_seq' | 'prev_hash'>,
): Promise<void> {
  const key = auditKeyOf(trx);
  const chainId = chainOf(event.tenant_id);
  const { head_mac: _mac, ...head } = await lockHead(trx, chainId);
  const chained: Unsealed = {
    ...event,
    chain_id: chainId,
    chain_seq: Number(head.last_seq) + 1,
    prev_hash: head.last_hash,
  };
  const hash = eventMac(key, chained);
  await trx
    .insertInto('audit_events')
    .values({ ...chained, hash })
    .execute();
  await writeHead(trx, key, { ...head, last_seq: Number(chained.chain_seq), last_hash: hash, last_event_id: event.id });
}

export interface ChainCheck {
  readonly ok: boolean;
  readonly checked: number;
  readonly firstBadEventId?: string;
}

const BATCH = 1000;

/** Every event of a chain in order, in batches: for checking, and re-sealing. */
export async function* chainEvents(db: Db, chainId: string): AsyncGenerator<AuditEventRow> {
  let afterSeq = -1;
  let afterId = '';
  for (;;) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('chain_id', '=', chainId)
      .where((eb) =>
        eb.or([eb('chain_seq', '>', afterSeq), eb.and([eb('chain_seq', '=', afterSeq), eb('id', '>', afterId)])]),
      )
      .orderBy('chain_seq')
      .orderBy('id')
      .limit(BATCH)
      .execute();
    yield* rows;
    const last = rows[rows.length - 1];
    if (rows.length < BATCH || last === undefined) return;
    afterSeq = Number(last.chain_seq);
    afterId = last.id;
  }
}

/**
 * Walks one chain from its pruning point, under `key` (default: the one bound to `db`). The first
 * event out of place — a sequence gap (a deletion, or a deleted first event), a broken link (a
 * reorder), a MAC that no longer matches (an edit) — is named. A head whose own MAC fails (moved,
 * or rewritten to hide a deleted last event), or that the events end short of, names the head's
 * last event; an old chain already broken when it was sealed names the event it broke at.
 */
export async function verifyChain(db: Db, chainId: string, key: Buffer = auditKeyOf(db)): Promise<ChainCheck> {
  const head = await db.selectFrom('audit_chain_heads').selectAll().where('chain_id', '=', chainId).executeTakeFirst();
  if (head === undefined) return { ok: true, checked: 0 };
  const { head_mac: mac, ...unsealedHead } = head;
  const headNamed = (checked: number): ChainCheck => ({
    ok: false,
    checked,
    ...(head.last_event_id === null ? {} : { firstBadEventId: head.last_event_id }),
  });
  // The walk comes first, to name an edited event precisely; a forged head fails after it.
  let expectedSeq = Number(head.pruned_seq) + 1;
  let prevHash = head.pruned_hash;
  let checked = 0;
  for await (const row of chainEvents(db, chainId)) {
    checked++;
    const { hash, ...unsealed } = row;
    if (
      Number(row.chain_seq) !== expectedSeq ||
      row.prev_hash !== prevHash ||
      !sameMac(hash, eventMac(key, unsealed))
    ) {
      return { ok: false, checked, firstBadEventId: row.id };
    }
    prevHash = hash as string;
    expectedSeq++;
  }
  if (
    !sameMac(mac, headMac(key, unsealedHead)) ||
    Number(head.last_seq) !== expectedSeq - 1 ||
    head.last_hash !== prevHash
  )
    return headNamed(checked);
  if (head.legacy_bad_event_id !== null) return { ok: false, checked, firstBadEventId: head.legacy_bad_event_id };
  return { ok: true, checked };
}

/**
 * Retention: removes the chain's oldest events recorded before `cutoff`, from its start, and moves
 * the head's (sealed) pruning point past them, so what remains still verifies. Answers how many went.
 */
export async function pruneChain(db: Db, chainId: string, cutoff: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { head_mac: _mac, ...head } = await lockHead(trx, chainId);
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
    const result = await trx
      .deleteFrom('audit_events')
      .where('chain_id', '=', chainId)
      .where('chain_seq', '<=', throughSeq)
      .executeTakeFirst();
    await writeHead(trx, auditKeyOf(trx), { ...head, pruned_seq: throughSeq, pruned_hash: old.hash as string });
    return Number(result.numDeletedRows);
  });
}
