/** Tiers (seed 003): a tenant's tier names the rate limits and credits its new keys start with (KEYWARD_TIERS). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { seedTenant, startKeyward, type Seeded, type TestKeyward } from '../support/keyward.js';

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
});
