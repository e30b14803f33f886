/** Tiers (seed 003): a tenant's tier names the rate limits and credits its new keys start with (KEYWARD_TIERS). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { seedTenant, startKeyward, type Seeded, type TestKeyward } from '../support/keyward.js';
import { created, expectProblem } from '../support/problem.js';

const PRO = [{ name: 'per-second', limit: 50, durationMs: 1000 }];

describe.each(testDatabases())('tiers on $name', (db) => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-tiers-'));
  const tiersFile = join(dir, 'tiers.yaml');
  let kw: TestKeyward;
  let seeded: Seeded;
  beforeAll(async () => {
    writeFileSync(
      tiersFile,
      'tiers:\n  pro:\n    ratelimits:\n      - { name: per-second, limit: 50, durationMs: 1000 }\n    credits: { remaining: 2, refill: { amount: 2, interval: month } }\n  free: {}\n',
    );
    kw = await startKeyward(db, { config: { tiersFile } });
    seeded = await seedTenant(kw, 'Tiered');
    expect((await kw.root.patch(`/v1/tenants/${seeded.tenantId}`, { tier: 'pro' })).status).toBe(200);
  });
  afterAll(async () => {
    await kw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives a new key its tenant tier's rate limits and credits, which verify then spends", async () => {
    const key = await seeded.admin.post('/v1/keys', { name: 'pro key', kind: 'application' });
    expect(key.status).toBe(201);
    expect(key.body.ratelimits).toEqual(PRO);
    expect(key.body.credits).toEqual({ remaining: 2, refill: { amount: 2, interval: 'month' } });
    const verify = () => kw.client().post('/v1/verify', { key: key.body.key });
    expect(await verify()).toMatchObject({
      body: {
        code: 'VALID',
        credits: { remaining: 1 },
        ratelimits: [{ name: 'per-second', limit: 50, remaining: 49 }],
      },
    });
    expect(await verify()).toMatchObject({ body: { code: 'VALID', credits: { remaining: 0 } } });
    expect(await verify()).toMatchObject({ body: { valid: false, code: 'USAGE_EXCEEDED' } });
  });

  it('keeps the rate limits and credits a key is created with, none included', async () => {
    const none = await seeded.admin.post('/v1/keys', {
      name: 'own',
      kind: 'application',
      ratelimits: [],
      credits: null,
    });
    expect(none.body).toMatchObject({ ratelimits: [], credits: null });
    const own = await seeded.admin.post('/v1/keys', {
      name: 'own credits',
      kind: 'application',
      credits: { remaining: 7 },
    });
    expect(own.body).toMatchObject({ ratelimits: PRO, credits: { remaining: 7 } });
  });

  it('gives a tenant on a tier without defaults keys with neither', async () => {
    const other = await seedTenant(kw, 'Free');
    expect((await kw.root.patch(`/v1/tenants/${other.tenantId}`, { tier: 'free' })).status).toBe(200);
    const key = await other.admin.post('/v1/keys', { name: 'free key', kind: 'application' });
    expect(key.body).toMatchObject({ ratelimits: [], credits: null });
  });

  describe('seed 000, Manage Tenant: "Change tier settings"', () => {
    const keyHolding = async (permissions: string[]) =>
      created(
        await seeded.admin.post('/v1/keys', {
          name: permissions.join('+'),
          kind: 'user',
          userId: seeded.adminUserId,
          admin: true,
          permissions,
        }),
      );

    it('tells a tenant.manage key what each tier gives: its rate limits and credits', async () => {
      const manager = kw.client((await keyHolding(['tenant.manage'])).key);
      const reply = await manager.get('/v1/tiers');
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        items: [
          { name: 'free', ratelimits: [], credits: null },
          { name: 'pro', ratelimits: PRO, credits: { remaining: 2, refill: { amount: 2, interval: 'month' } } },
        ],
        nextCursor: null,
        defaultTier: 'free',
      });
    });

    it("a tenant.manage key moves its tenant to another tier, whose defaults the tenant's next key gets", async () => {
      const other = await seedTenant(kw, 'Upgrading');
      const manager = created(
        await other.admin.post('/v1/keys', {
          name: 'tm',
          kind: 'user',
          userId: other.adminUserId,
          admin: true,
          permissions: ['tenant.manage'],
        }),
      );
      const before = await other.admin.post('/v1/keys', { name: 'before', kind: 'application' });
      expect(before.body).toMatchObject({ ratelimits: [], credits: null });
      const moved = await kw.client(manager.key).patch(`/v1/tenants/${other.tenantId}`, { tier: 'pro' });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect(moved.body.tier).toBe('pro');
      const after = await other.admin.post('/v1/keys', { name: 'after', kind: 'application' });
      expect(after.body).toMatchObject({ ratelimits: PRO, credits: { remaining: 2 } });
      // A tier is a default for new keys: the key made before keeps what it had.
      expect((await other.admin.get(`/v1/keys/${before.body.id}`)).body).toMatchObject({
        ratelimits: [],
        credits: null,
      });
    });

    it('refuses the tiers and a tier change to a key without tenant.manage, naming it', async () => {
      const usersOnly = kw.client((await keyHolding(['users.manage'])).key);
      const list = await usersOnly.get('/v1/tiers');
      expectProblem(list, 403, 'FORBIDDEN');
      expect(list.body.needed).toBe('tenant.manage');
      expectProblem(await usersOnly.patch(`/v1/tenants/${seeded.tenantId}`, { tier: 'free' }), 403, 'FORBIDDEN');
      expect((await seeded.admin.get(`/v1/tenants/${seeded.tenantId}`)).body.tier).toBe('pro');
    });
  });
});
