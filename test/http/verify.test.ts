/**
 * `POST /v1/verify` answers 200 with a verdict for every key and permission outcome, and
 * `GET /v1/me` shows the calling key what it is and what it holds.
 */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { generateKey } from '../../src/core/key-format.js';
import { testDatabases } from '../support/databases.js';
import { seedTenant } from '../support/keyward.js';
import { keywardForSuite } from '../support/suite-keyward.js';

const DAY_MS = 86_400_000;

describe.each(testDatabases())('verify and me on $name', (db) => {
  const clock = manualClock(Date.UTC(2026, 4, 1));
  const kw = keywardForSuite(db, { clock });

  const verify = (body: Record<string, unknown>) => kw.client().post('/v1/verify', body);

  async function appKey(name: string, extra: Record<string, unknown> = {}) {
    const seeded = await seedTenant(kw, name);
    const created = await seeded.admin.post('/v1/keys', { name: 'svc', kind: 'application', ...extra });
    expect(created.status).toBe(201);
    return { seeded, id: created.body.id as string, key: created.body.key as string };
  }

  it('answers VALID with the key id, tenant, environment and expiry, with no Authorization header', async () => {
    const { seeded, id, key } = await appKey('Valid', { expiresInDays: 10 });
    const reply = await verify({ key });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      valid: true,
      code: 'VALID',
      keyId: id,
      tenantId: seeded.tenantId,
      environmentId: seeded.environmentId,
      expiresAt: new Date(clock.now() + 10 * DAY_MS).toISOString(),
    });
    expect(typeof reply.body.cacheTtlMs).toBe('number');
  });

  it('answers VALID for a permission the key holds', async () => {
    const { key } = await appKey('Held', { permissions: ['functions.execute'] });
    expect((await verify({ key, permission: 'functions.execute' })).body).toMatchObject({ valid: true, code: 'VALID' });
  });

  it('answers FORBIDDEN, with 200, for a permission the key does not hold, naming it', async () => {
    const { id, key } = await appKey('NotHeld', { permissions: ['functions.execute'] });
    const reply = await verify({ key, permission: 'secrets.manage' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      valid: false,
      code: 'FORBIDDEN',
      keyId: id,
      missing: { permission: 'secrets.manage' },
    });
  });

  it('holds assistant.use for every valid key, even one granted nothing', async () => {
    const { key } = await appKey('Assistant');
    expect((await verify({ key, permission: 'assistant.use' })).body).toMatchObject({ valid: true, code: 'VALID' });
  });

  it('refuses an unknown permission with 400 naming it', async () => {
    const { key } = await appKey('UnknownPermission');
    const reply = await verify({ key, permission: 'time.travel' });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'permission' });
    expect(reply.body.detail).toContain('time.travel');
  });

  it('answers NOT_FOUND for a well-formed key it never issued', async () => {
    const reply = await verify({ key: generateKey('kw') });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ valid: false, code: 'NOT_FOUND', keyId: null, tenantId: null });
  });

  it('answers NOT_FOUND for a malformed key or one with a wrong checksum', async () => {
    const { key } = await appKey('Malformed');
    const flipped = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    for (const presented of ['not a key', 'kw_short', flipped]) {
      expect((await verify({ key: presented })).body).toMatchObject({ valid: false, code: 'NOT_FOUND' });
    }
  });

  it('answers REVOKED on the very next verify after a revocation, though the key was cached', async () => {
    const { seeded, id, key } = await appKey('Revoked');
    const before = kw.keyward.cache.size;
    expect((await verify({ key })).body.code).toBe('VALID');
    expect(kw.keyward.cache.size).toBeGreaterThan(before);
    expect((await verify({ key })).body.code).toBe('VALID');

    expect((await seeded.admin.post(`/v1/keys/${id}/revoke`)).status).toBe(200);
    expect((await verify({ key })).body).toMatchObject({ valid: false, code: 'REVOKED', keyId: id });
  });

  it('answers DISABLED for a disabled key, cached or not', async () => {
    const { seeded, id, key } = await appKey('Disabled');
    expect((await verify({ key })).body.code).toBe('VALID');
    await seeded.admin.patch(`/v1/keys/${id}`, { enabled: false });
    expect((await verify({ key })).body).toMatchObject({ valid: false, code: 'DISABLED' });
  });

  it('answers EXPIRED once the key has passed its expiry', async () => {
    const { key } = await appKey('Expired', { expiresInDays: 1 });
    expect((await verify({ key })).body.code).toBe('VALID');
    clock.advance(DAY_MS);
    expect((await verify({ key })).body).toMatchObject({ valid: false, code: 'EXPIRED' });
  });

  it('rejects an unknown field in the request with 400 naming it', async () => {
    const { key } = await appKey('UnknownField');
    const reply = await verify({ key, scope: 'everything' });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'scope' });
  });

  it('shows a key itself at /v1/me, with its permissions and assistant.use, and never the secret', async () => {
    const { id, key } = await appKey('Me', { permissions: ['functions.execute', 'library.generate'] });
    const reply = await kw.client(key).get('/v1/me');
    expect(reply.status).toBe(200);
    expect(reply.body.key).toMatchObject({ id, kind: 'application', status: 'active' });
    expect(reply.body.key).not.toHaveProperty('key');
    expect(reply.body.grants).toMatchObject({
      permissions: ['assistant.use', 'functions.execute', 'library.generate'],
      root: false,
      readDiscoverable: false,
    });
    // Seed 000: each carries the discover and read its use needs; library.generate reads the whole catalogue.
    const callable = ['discover', 'read', 'run'];
    const catalogue = ['discover', 'read'];
    expect(reply.body.grants.typeWide).toEqual({
      apiFunction: callable,
      clientFunction: callable,
      serverFunction: callable,
      webhook: callable,
      trigger: catalogue,
      schema: catalogue,
      snippet: catalogue,
      application: catalogue,
    });
    expect(JSON.stringify(reply.body)).not.toContain(key);
  });

  it('shows the root key as root, holding every permission', async () => {
    const reply = await kw.root.get('/v1/me');
    expect(reply.status).toBe(200);
    expect(reply.body.key).toMatchObject({ kind: 'root', tenantId: null, environmentId: null });
    expect(reply.body.grants.root).toBe(true);
    expect(reply.body.grants.permissions).toEqual(
      expect.arrayContaining(['assistant.use', 'tenant.manage', 'users.manage', 'functions.execute']),
    );
  });

  it('answers /v1/me without a key with 401 UNAUTHENTICATED', async () => {
    const reply = await kw.client().get('/v1/me');
    expect(reply.status).toBe(401);
    expect(reply.body.code).toBe('UNAUTHENTICATED');
  });

  it('answers /v1/me with a revoked key with 401 REVOKED', async () => {
    const { seeded, id, key } = await appKey('MeRevoked');
    await seeded.admin.post(`/v1/keys/${id}/revoke`);
    const reply = await kw.client(key).get('/v1/me');
    expect(reply.status).toBe(401);
    expect(reply.body.code).toBe('REVOKED');
  });
});
