/**
 * Re-sealing audit chains under a MAC key: the chains of before the MAC (plain SHA-256, migration
 * 0008), once, at the first start after the upgrade; and every chain when the pepper is rotated.
 * A chain is checked under its old rules first; a chain that fails is still re-sealed (so it can
 * grow again) but its head keeps naming the event it was broken at, so sealing never launders a
 * tampered log. Each chain is re-sealed in one transaction that holds its head locked, so nodes
 * starting at once on PostgreSQL seal each chain exactly once and appends wait for it.
 */
import type { Db } from '../../storage/database.js';
import { chainEvents, readHeadForUpdate, verifyChain, writeHead, type ChainCheck } from './audit-chain.js';
import { eventMac, legacyEventHash, type ChainHeadRow } from './audit-mac.js';

/** The pre-MAC check of one chain: sequence, links and plain hashes, then the head. */
async function checkLegacyChain(trx: Db, head: ChainHeadRow): Promise<ChainCheck> {
  let expectedSeq = Number(head.pruned_seq) + 1;
  let prevHash = head.pruned_hash;
  let checked = 0;
  for await (const row of chainEvents(trx, head.chain_id)) {
    checked++;
    const { hash, ...unsealed } = row;
    if (Number(row.chain_seq) !== expectedSeq || row.prev_hash !== prevHash || legacyEventHash(unsealed) !== hash)
      return { ok: false, checked, firstBadEventId: row.id };
    prevHash = hash;
    expectedSeq++;
  }
  if (Number(head.last_seq) !== expectedSeq - 1 || head.last_hash !== prevHash) {
    return { ok: false, checked, ...(head.last_event_id === null ? {} : { firstBadEventId: head.last_event_id }) };
  }
  return { ok: true, checked };
}

/** Re-MACs every event of the chain in order under `key` and seals its head, recording `check`. */
async function resealChain(trx: Db, head: ChainHeadRow, check: ChainCheck, key: Buffer): Promise<void> {
  let prevHash = head.pruned_hash;
  let last: string | null = null;
  for await (const row of chainEvents(trx, head.chain_id)) {
    const { hash: _old, ...unsealed } = row;
    const hash = eventMac(key, { ...unsealed, prev_hash: prevHash });
    await trx.updateTable('audit_events').set({ prev_hash: prevHash, hash }).where('id', '=', row.id).execute();
    prevHash = hash;
    last = hash;
  }
  const { head_mac: _mac, ...rest } = head;
  const brokenAt = check.ok ? rest.legacy_bad_event_id : (check.firstBadEventId ?? rest.last_event_id ?? rest.chain_id);
  await writeHead(trx, key, { ...rest, last_hash: last ?? rest.last_hash, legacy_bad_event_id: brokenAt });
}

export interface ResealReport {
  readonly chains: number;
  /** Chains that failed their check before being sealed: each keeps naming its bad event. */
  readonly broken: readonly { readonly chainId: string; readonly firstBadEventId?: string }[];
}

/** Seals, once, every chain written before the MAC (head without a MAC). Safe to run on every start. */
export async function sealLegacyChains(db: Db, key: Buffer): Promise<ResealReport> {
  const unsealed = await db
    .selectFrom('audit_chain_heads')
    .select('chain_id')
    .where('head_mac', 'is', null)
    .orderBy('chain_id')
    .execute();
  const broken: { chainId: string; firstBadEventId?: string }[] = [];
  let chains = 0;
  for (const { chain_id: chainId } of unsealed) {
    await db.transaction().execute(async (trx) => {
      const head = await readHeadForUpdate(trx, chainId);
      // Another node sealed it while this one waited for the lock.
      if (head === undefined || head.head_mac !== null) return;
      const check = await checkLegacyChain(trx, head);
      await resealChain(trx, head, check, key);
      chains++;
      if (!check.ok)
        broken.push({
          chainId,
          ...(check.firstBadEventId === undefined ? {} : { firstBadEventId: check.firstBadEventId }),
        });
    });
  }
  return { chains, broken };
}

/**
 * Re-seals every chain from `oldKey` to `newKey` inside `trx` (pepper rotation): each is checked
 * under the old key first, and one that fails keeps naming its bad event under the new key.
 */
export async function resealAllChains(trx: Db, oldKey: Buffer, newKey: Buffer): Promise<ResealReport> {
  const heads = await trx.selectFrom('audit_chain_heads').select('chain_id').orderBy('chain_id').execute();
  const broken: { chainId: string; firstBadEventId?: string }[] = [];
  for (const { chain_id: chainId } of heads) {
    const head = await readHeadForUpdate(trx, chainId);
    if (head === undefined) continue;
    const check = await verifyChain(trx, chainId, oldKey);
    await resealChain(trx, head, check, newKey);
    if (!check.ok)
      broken.push({
        chainId,
        ...(check.firstBadEventId === undefined ? {} : { firstBadEventId: check.firstBadEventId }),
      });
  }
  return { chains: heads.length, broken };
}
