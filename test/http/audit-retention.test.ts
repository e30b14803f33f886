/**
 * Audit retention (SPEC §5; issue 11 items 10 and 3): `auditRetentionDays` is at least 30 days and
 * never below `KEYWARD_AUDIT_MIN_RETENTION_DAYS`; every change of it is also in the instance chain,
 * where the tenant cannot prune it; and the instance chain has a retention of its own, applied by
 * the same pruning, after which it still verifies.
 */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { ConfigError, loadConfig } from '../../src/http/config.js';
import { testDatabases } from '../support/databases.js';
import { seedTenant } from '../support/keyward.js';
import { keywardForSuite } from '../support/suite-keyward.js';
import { expectProblem } from '../support/problem.js';

const DAY = 86_400_000;

describe.each(testDatabases())('audit retention on $name', (db) => {
  const clock = manualClock(Date.UTC(2026, 5, 1));
  const kw = keywardForSuite(db, { clock, config: { auditMinRetentionDays: 90, instanceAuditRetentionDays: 400 } });

  it('refuses a tenant.manage key erasing its history with a one-day retention', async () => {
    const seeded = await seedTenant(kw, 'Eraser');
    const reply = await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { auditRetentionDays: 1 });
    expectProblem(reply, 400, 'VALIDATION');
    expect(reply.body.field).toBe('auditRetentionDays');
  });

  it('refuses a retention below KEYWARD_AUDIT_MIN_RETENTION_DAYS, at creation and on change', async () => {
    const created = await kw.root.post('/v1/tenants', { name: 'ShortMemory', auditRetentionDays: 60 });
    expectProblem(created, 400, 'VALIDATION');
    expect(created.body.field).toBe('auditRetentionDays');
    const seeded = await seedTenant(kw, 'Patched');
    const patched = await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { auditRetentionDays: 89 });
    expectProblem(patched, 400, 'VALIDATION');
    expect(patched.body.field).toBe('auditRetentionDays');
    expect((await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { auditRetentionDays: 90 })).status).toBe(200);
  });

  it('records every retention change in the instance chain, with the old and new value', async () => {
    const seeded = await seedTenant(kw, 'Recorded');
    expect((await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { auditRetentionDays: 120 })).status).toBe(200);
    expect((await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { auditRetentionDays: null })).status).toBe(200);
    const instance = await kw.root.get(`/v1/audit?action=tenant.auditRetention&targetId=${seeded.tenantId}`);
    expect(instance.status).toBe(200);
    // Both in the same clock millisecond: their order is the chain's.
    const inChainOrder = [...instance.body.items].sort((a, b) => a.chain.seq - b.chain.seq);
    expect(inChainOrder).toEqual([
      expect.objectContaining({
        tenantId: null,
        actorKeyId: seeded.adminKeyId,
        chain: expect.objectContaining({ id: 'instance' }),
        details: { tenantId: seeded.tenantId, auditRetentionDays: { from: null, to: 120 } },
      }),
      expect.objectContaining({
        tenantId: null,
        details: { tenantId: seeded.tenantId, auditRetentionDays: { from: 120, to: null } },
      }),
    ]);
  });

  it('prunes a tenant that set a shorter retention before the floor existed only at the floor', async () => {
    const seeded = await seedTenant(kw, 'Legacy');
    await kw.keyward.storage.db
      .updateTable('tenants')
      .set({ audit_retention_days: 1 })
      .where('id', '=', seeded.tenantId)
      .execute();
    clock.advance(2 * DAY);
    await seeded.admin.post('/v1/groups', { name: 'recent' });
    await kw.keyward.pruneAudit();
    const events = await seeded.admin.get('/v1/audit?action=tenant.create');
    expect(events.body.items).toHaveLength(1);
  });

  it('prunes the instance chain past its own retention, and it still verifies', async () => {
    const instanceEvents = async () =>
      (
        await kw.keyward.storage.db.selectFrom('audit_events').select('id').where('chain_id', '=', 'instance').execute()
      ).map((row) => row.id);
    const old = await instanceEvents();
    expect(old.length).toBeGreaterThan(0);
    clock.advance(401 * DAY);
    const seeded = await seedTenant(kw, 'Newcomer');
    expect((await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { auditRetentionDays: 100 })).status).toBe(200);
    await kw.keyward.pruneAudit();
    const left = await instanceEvents();
    for (const id of old) expect(left).not.toContain(id);
    expect(left.length).toBeGreaterThan(0);
    expect((await kw.root.get('/v1/audit/verify')).body).toMatchObject({ ok: true });
  });
});

describe('the retention settings', () => {
  it('refuse a minimum below 30 days and an instance retention below the minimum', () => {
    expect(() => loadConfig({ KEYWARD_AUDIT_MIN_RETENTION_DAYS: '7' })).toThrow(ConfigError);
    expect(() =>
      loadConfig({ KEYWARD_AUDIT_MIN_RETENTION_DAYS: '60', KEYWARD_INSTANCE_AUDIT_RETENTION_DAYS: '45' }),
    ).toThrow(/KEYWARD_INSTANCE_AUDIT_RETENTION_DAYS/);
    expect(loadConfig({ KEYWARD_INSTANCE_AUDIT_RETENTION_DAYS: '0' }).instanceAuditRetentionDays).toBe(0);
    expect(loadConfig({}).auditMinRetentionDays).toBe(30);
  });
});
