/**
 * The audit chains are MAC chains (SPEC §5; issue 11 item 2): someone who can write the database
 * but lacks the pepper rewrites it the way the plain SHA-256 chain allowed (an event edited and
 * every later hash and the head recomputed; the first events dropped and the pruning point moved;
 * the last event deleted and the head fixed), and `/v1/audit/verify` finds each.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import type { Db } from '../../src/storage/database.js';
import { testDatabases } from '../support/databases.js';
import { seedTenant, type Seeded } from '../support/keyward.js';
import { keywardForSuite } from '../support/suite-keyward.js';

type EventRow = Awaited<ReturnType<typeof readChain>>[number];

async function readChain(db: Db, chainId: string) {
  return db.selectFrom('audit_events').selectAll().where('chain_id', '=', chainId).orderBy('chain_seq').execute();
}

/** The plain hash an attacker who read the code, but has no pepper, computes for an event. */
function plainHash(row: EventRow): string {
  const { hash: _hash, ...rest } = row;
  const fields = [
    rest.chain_id,
    rest.chain_seq,
    rest.prev_hash,
    rest.id,
    rest.tenant_id,
    rest.environment_id,
    rest.actor_key_id,
    rest.action,
    rest.target_type,
    rest.target_id,
    rest.outcome,
    rest.status,
    rest.request_id,
    rest.source_ip,
    rest.details,
    rest.at,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** Re-links and re-hashes the chain from `fromIndex` on, as the attacker would, and points the head at its end. */
async function rehashFrom(db: Db, chainId: string, fromIndex: number): Promise<void> {
  const rows = await readChain(db, chainId);
  let prev =
    fromIndex === 0
      ? (
          await db
            .selectFrom('audit_chain_heads')
            .select('pruned_hash')
            .where('chain_id', '=', chainId)
            .executeTakeFirstOrThrow()
        ).pruned_hash
      : (rows[fromIndex - 1]?.hash as string);
  for (const row of rows.slice(fromIndex)) {
    const hash = plainHash({ ...row, prev_hash: prev });
    await db.updateTable('audit_events').set({ prev_hash: prev, hash }).where('id', '=', row.id).execute();
    prev = hash;
  }
  const last = rows[rows.length - 1];
  if (last !== undefined)
    await db
      .updateTable('audit_chain_heads')
      .set({ last_seq: Number(last.chain_seq), last_hash: prev, last_event_id: last.id })
      .where('chain_id', '=', chainId)
      .execute();
}

describe.each(testDatabases())('the audit MAC chain on $name', (db) => {
  let storage: Db;
  let tenants = 0;
  const clock = manualClock(Date.UTC(2026, 5, 1));
  const kw = keywardForSuite(db, { clock });
  beforeAll(async () => {
    storage = kw.keyward.storage.db;
  });

  async function busyTenant(): Promise<{ seeded: Seeded; eventIds: string[] }> {
    tenants += 1;
    const seeded = await seedTenant(kw, `Sealed${tenants}`);
    for (let i = 0; i < 4; i++) {
      clock.advance(1000);
      expect((await seeded.admin.post('/v1/groups', { name: `g${i}` })).status).toBe(201);
    }
    return { seeded, eventIds: (await readChain(storage, seeded.tenantId)).map((row) => row.id) };
  }

  const check = async (seeded: Seeded) => {
    const reply = await seeded.admin.get('/v1/audit/verify');
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body as { ok: boolean; checked: number; firstBadEventId?: string };
  };

  it('verifies an untouched chain, whose events carry a MAC, not the plain hash', async () => {
    const { seeded, eventIds } = await busyTenant();
    expect(await check(seeded)).toEqual({ ok: true, checked: eventIds.length });
    const [first] = await readChain(storage, seeded.tenantId);
    expect(first?.hash).not.toBe(first === undefined ? '' : plainHash(first));
  });

  it('finds an event edited with every later hash and the head recomputed', async () => {
    const { seeded, eventIds } = await busyTenant();
    const edited = eventIds[2] as string;
    await storage
      .updateTable('audit_events')
      .set({ details: '{"name":"innocent"}' })
      .where('id', '=', edited)
      .execute();
    await rehashFrom(storage, seeded.tenantId, 2);
    expect(await check(seeded)).toMatchObject({ ok: false, firstBadEventId: edited });
  });

  it('finds the first events dropped and the pruning point moved past them', async () => {
    const { seeded } = await busyTenant();
    const rows = await readChain(storage, seeded.tenantId);
    const dropped = rows.slice(0, 2);
    const lastDropped = dropped[1] as EventRow;
    await storage
      .deleteFrom('audit_events')
      .where(
        'id',
        'in',
        dropped.map((row) => row.id),
      )
      .execute();
    await storage
      .updateTable('audit_chain_heads')
      .set({ pruned_seq: Number(lastDropped.chain_seq), pruned_hash: lastDropped.hash as string })
      .where('chain_id', '=', seeded.tenantId)
      .execute();
    expect((await check(seeded)).ok).toBe(false);
  });

  it('finds the last event deleted and the head fixed to the one before', async () => {
    const { seeded } = await busyTenant();
    const rows = await readChain(storage, seeded.tenantId);
    const [last, before] = [rows[rows.length - 1] as EventRow, rows[rows.length - 2] as EventRow];
    await storage.deleteFrom('audit_events').where('id', '=', last.id).execute();
    await storage
      .updateTable('audit_chain_heads')
      .set({ last_seq: Number(before.chain_seq), last_hash: before.hash as string, last_event_id: before.id })
      .where('chain_id', '=', seeded.tenantId)
      .execute();
    expect((await check(seeded)).ok).toBe(false);
  });

  it('finds a head whose MAC was blanked, as if its chain were still an unsealed old one', async () => {
    const { seeded } = await busyTenant();
    await storage
      .updateTable('audit_chain_heads')
      .set({ head_mac: null })
      .where('chain_id', '=', seeded.tenantId)
      .execute();
    expect((await check(seeded)).ok).toBe(false);
  });

  it('keeps a pruned chain verifiable, and finds its pruning point moved back', async () => {
    const { seeded } = await busyTenant();
    const patched = await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { auditRetentionDays: 30 });
    expect(patched.status).toBe(200);
    clock.advance(31 * 86_400_000);
    await seeded.admin.post('/v1/groups', { name: 'recent' });
    expect(await kw.keyward.pruneAudit()).toBeGreaterThan(0);
    expect((await check(seeded)).ok).toBe(true);
    await storage
      .updateTable('audit_chain_heads')
      .set({ pruned_seq: 0 })
      .where('chain_id', '=', seeded.tenantId)
      .execute();
    expect((await check(seeded)).ok).toBe(false);
  });
});
