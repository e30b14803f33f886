/**
 * Upgrading a database whose audit chains were written before the MAC (plain SHA-256, migration
 * 0008): the first start checks each old chain and re-seals it under the MAC once, so the log
 * keeps verifying and grows on; an old chain that was already broken keeps being reported; and
 * nodes starting at once seal each chain exactly once.
 */
import { createHash } from 'node:crypto';
import { Migrator } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { newId } from '../../src/core/ids.js';
import { bindAuditKey, deriveAuditKey } from '../../src/modules/audit/audit-mac.js';
import { sealLegacyChains } from '../../src/modules/audit/audit-reseal.js';
import { verifyChain } from '../../src/modules/audit/audit-chain.js';
import { migrations } from '../../src/storage/migrations/index.js';
import { migrateToLatest } from '../../src/storage/open-storage.js';
import type { Db } from '../../src/storage/database.js';
import { testDatabases, type IsolatedDatabase, type TestDatabase } from '../support/databases.js';
import { startKeyward } from '../support/keyward.js';

const T0 = Date.UTC(2026, 2, 1);

/** Appends events to a chain exactly as Keyward did before the MAC. */
async function appendOld(db: Db, chainId: string, count: number): Promise<string[]> {
  const head = await db
    .selectFrom('audit_chain_heads')
    .select(['last_seq', 'last_hash'])
    .where('chain_id', '=', chainId)
    .executeTakeFirst();
  if (head === undefined) {
    await db
      .insertInto('audit_chain_heads')
      .values({
        chain_id: chainId,
        last_seq: 0,
        last_hash: '0'.repeat(64),
        last_event_id: null,
        pruned_seq: 0,
        pruned_hash: '0'.repeat(64),
      })
      .execute();
  }
  let seq = Number(head?.last_seq ?? 0);
  let prev = head?.last_hash ?? '0'.repeat(64);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    seq += 1;
    const at = T0 + seq * 1000;
    const id = newId('event', at);
    const tenantId = chainId === 'instance' ? null : chainId;
    const details = JSON.stringify({ n: seq });
    const fields = [
      chainId,
      seq,
      prev,
      id,
      tenantId,
      null,
      'key_old',
      'group.create',
      'group',
      `grp_${seq}`,
      'success',
      200,
      `req_${seq}`,
      '203.0.113.9',
      details,
      at,
    ];
    const hash = createHash('sha256').update(JSON.stringify(fields)).digest('hex');
    await db
      .insertInto('audit_events')
      .values({
        id,
        tenant_id: tenantId,
        environment_id: null,
        actor_key_id: 'key_old',
        action: 'group.create',
        target_type: 'group',
        target_id: `grp_${seq}`,
        outcome: 'success',
        status: 200,
        request_id: `req_${seq}`,
        source_ip: '203.0.113.9',
        details,
        at,
        chain_id: chainId,
        chain_seq: seq,
        prev_hash: prev,
        hash,
      })
      .execute();
    prev = hash;
    ids.push(id);
  }
  await db
    .updateTable('audit_chain_heads')
    .set({ last_seq: seq, last_hash: prev, last_event_id: ids[ids.length - 1] ?? null })
    .where('chain_id', '=', chainId)
    .execute();
  return ids;
}

describe.each(testDatabases())('upgrading the audit chains on $name', (testDb) => {
  let database: IsolatedDatabase;

  /** A database as the version before the MAC left it: migrated to 0008, with old chains. */
  beforeEach(async () => {
    database = await testDb.open();
    const migrator = new Migrator({
      db: database.storage.db,
      provider: { getMigrations: migrations },
      migrationTableSchema: database.schema,
    });
    const { error } = await migrator.migrateTo('0008-audit-chain');
    expect(error).toBeUndefined();
  });
  afterEach(async () => {
    await database.cleanup();
  });

  const onThisDatabase: () => TestDatabase = () => ({ name: testDb.name, open: async () => database });

  it('keeps old chains verifying after the first start, and new events chain on', async () => {
    const db = database.storage.db;
    await appendOld(db, 'instance', 3);
    await appendOld(db, 'ten_01old0000000000000000000', 4);
    await migrateToLatest(db, database.schema);
    const kw = await startKeyward(onThisDatabase(), { clock: manualClock(T0 + 86_400_000) });
    try {
      const before = await kw.root.get('/v1/audit/verify');
      expect(before.body).toMatchObject({ ok: true });
      expect(before.body.checked).toBeGreaterThanOrEqual(7);
      expect((await kw.root.post('/v1/tenants', { name: 'After' })).status).toBe(201);
      const after = await kw.root.get('/v1/audit/verify');
      // The root key's tenant.create: the operator's event in the new tenant's chain, and the full record in the instance chain.
      expect(after.body).toEqual({ ok: true, checked: before.body.checked + 2 });
    } finally {
      await kw.keyward.close();
    }
  });

  it('keeps reporting an old chain that was already broken when it was sealed', async () => {
    const db = database.storage.db;
    const ids = await appendOld(db, 'instance', 4);
    const edited = ids[1] as string;
    await db.updateTable('audit_events').set({ details: '{"n":"edited"}' }).where('id', '=', edited).execute();
    await migrateToLatest(db, database.schema);
    const kw = await startKeyward(onThisDatabase(), { clock: manualClock(T0 + 86_400_000) });
    try {
      expect((await kw.root.get('/v1/audit/verify')).body).toMatchObject({ ok: false, firstBadEventId: edited });
      await kw.root.post('/v1/tenants', { name: 'Later' });
      expect((await kw.root.get('/v1/audit/verify')).body).toMatchObject({ ok: false, firstBadEventId: edited });
    } finally {
      await kw.keyward.close();
    }
  });

  it('seals each old chain exactly once when nodes start at the same time', async () => {
    const db = database.storage.db;
    const chains = ['instance', 'ten_01aaa0000000000000000000', 'ten_01bbb0000000000000000000'];
    for (const chain of chains) await appendOld(db, chain, 3);
    await migrateToLatest(db, database.schema);
    const key = deriveAuditKey(Buffer.from('a pepper shared by every node, 32+ chars'));
    bindAuditKey(db, key);
    const reports = await Promise.all([
      sealLegacyChains(db, key),
      sealLegacyChains(db, key),
      sealLegacyChains(db, key),
    ]);
    expect(reports.reduce((sum, report) => sum + report.chains, 0)).toBe(chains.length);
    for (const chain of chains) expect(await verifyChain(db, chain)).toEqual({ ok: true, checked: 3 });
    expect((await sealLegacyChains(db, key)).chains).toBe(0);
  });
});
