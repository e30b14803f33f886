/**
 * Two nodes sharing PostgreSQL (SPEC §6): a revocation on one reaches the other through
 * LISTEN/NOTIFY, within a second, although the other polls the change log only once a minute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Keyward } from '../../src/http/app.js';
import { loadConfig } from '../../src/http/config.js';
import { testDatabases } from '../support/databases.js';
import { seedTenant } from '../support/keyward.js';
import { keywardForSuite } from '../support/suite-keyward.js';

const postgres = testDatabases().filter((db) => db.name === 'postgres');

describe.each(postgres)('change notifications on $name', (db) => {
  let second: Keyward;
  const first = keywardForSuite(db);
  beforeAll(async () => {
    const { dataDir, databaseUrl, schema, storage } = first.database;
    // The second node: the same database and pepper, its own caches, woken only by NOTIFY.
    second = await buildApp({
      config: loadConfig(
        {},
        {
          dataDir,
          databaseUrl,
          databaseSchema: schema,
          logLevel: 'silent',
          changePollMs: 60_000,
          maxStalenessMs: 86_400_000,
        },
      ),
      storage,
    });
  });
  afterAll(async () => {
    await second?.close();
  });

  async function codeOnSecond(key: string): Promise<string> {
    const reply = await second.app.inject({ method: 'POST', url: '/v1/verify', payload: { key } });
    return (reply.json() as { code: string }).code;
  }

  it('reaches the other node within a second of the revocation', async () => {
    const seeded = await seedTenant(first, 'Notified');
    const key = await seeded.admin.post('/v1/keys', { name: 'k', kind: 'application' });
    // The second node caches the key; a lookup that raced one of the seeding's notifications is
    // not cached (by design), so ask until it is: from then on only a change can undo it.
    for (let tries = 0; second.cache.size === 0 && tries < 50; tries++) {
      expect(await codeOnSecond(key.body.key)).toBe('VALID');
      if (second.cache.size === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(second.cache.size).toBeGreaterThan(0);

    const revokedAt = Date.now();
    expect((await seeded.admin.post(`/v1/keys/${key.body.id}/revoke`)).status).toBe(200);
    let code = await codeOnSecond(key.body.key);
    while (code !== 'REVOKED' && Date.now() - revokedAt < 1000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      code = await codeOnSecond(key.body.key);
    }
    expect(code).toBe('REVOKED');
    expect(Date.now() - revokedAt).toBeLessThan(1000);
  });
});
