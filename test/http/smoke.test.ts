import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { seedTenant, startKeyward, type TestKeyward } from '../support/keyward.js';

describe.each(testDatabases())('quickstart on $name', (db) => {
  let kw: TestKeyward;
  beforeEach(async () => {
    kw = await startKeyward(db);
  });
  afterEach(async () => {
    await kw.close();
  });

  it('creates a key that verifies VALID and REVOKED once revoked', async () => {
    const seeded = await seedTenant(kw);
    const created = await seeded.admin.post('/v1/keys', { name: 'svc', kind: 'application', permissions: ['functions.execute'] });
    expect(created.status).toBe(201);
    const anon = kw.client();
    expect((await anon.post('/v1/verify', { key: created.body.key, permission: 'functions.execute' })).body.code).toBe('VALID');
    expect((await seeded.admin.post(`/v1/keys/${created.body.id}/revoke`)).status).toBe(200);
    expect((await anon.post('/v1/verify', { key: created.body.key })).body.code).toBe('REVOKED');
  });
});
