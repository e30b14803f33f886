/** Tiers (seed 003): a tenant's tier names the rate limits its new keys start with (KEYWARD_TIERS). */
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
    writeFileSync(tiersFile, 'tiers:\n  pro:\n    ratelimits:\n      - { name: per-second, limit: 50, durationMs: 1000 }\n  free: {}\n');
    kw = await startKeyward(db, { config: { tiersFile } });
    seeded = await seedTenant(kw, 'Tiered');
    expect((await kw.root.patch(`/v1/tenants/${seeded.tenantId}`, { tier: 'pro' })).status).toBe(200);
  });
  afterAll(async () => {
    await kw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives a new key its tenant tier's rate limits", async () => {
    const key = await seeded.admin.post('/v1/keys', { name: 'pro key', kind: 'application' });
    expect(key.status).toBe(201);
    expect(key.body.ratelimits).toEqual(PRO);
    expect(await kw.client().post('/v1/verify', { key: key.body.key })).toMatchObject({ body: { code: 'VALID', ratelimits: [{ name: 'per-second', limit: 50, remaining: 49 }] } });
  });

  it('keeps the rate limits a key is created with, none included', async () => {
    const key = await seeded.admin.post('/v1/keys', { name: 'own', kind: 'application', ratelimits: [] });
    expect(key.body.ratelimits).toEqual([]);
  });
});
