/**
 * The verify cache answers only what is still true: a key cached by a verify is never served
 * after a change that ends or narrows it (revoked, rotated out, disabled, expired, de-granted),
 * and the answers built once per cached key follow the key when it changes. Revocation,
 * disabling and expiry of a cached key are in verify.test.ts; the grace period in lifecycle.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { testDatabases } from '../support/databases.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';

const DAY_MS = 86_400_000;

describe.each(testDatabases())('the verify cache on $name', (db) => {
  const clock = manualClock(Date.UTC(2026, 4, 1));
  const kw = keywardForSuite(db, { clock });
  const seeded = tenantForSuite(kw, 'Cached');

  const verify = async (body: Record<string, unknown>) => (await kw.client().post('/v1/verify', body)).body;

  async function cachedKey(extra: Record<string, unknown> = {}) {
    const created = await seeded.admin.post('/v1/keys', {
      name: 'svc',
      kind: 'application',
      permissions: ['functions.execute'],
      ...extra,
    });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    const before = kw.keyward.cache.size;
    expect((await verify({ key, permission: 'functions.execute' })).code).toBe('VALID');
    expect(kw.keyward.cache.size).toBe(before + 1);
    return { id: created.body.id as string, key };
  }

  it('answers FORBIDDEN for a permission taken from a cached key, on the next verify', async () => {
    const { id, key } = await cachedKey();
    expect((await seeded.admin.patch(`/v1/keys/${id}`, { permissions: [] })).status).toBe(200);
    expect(await verify({ key, permission: 'functions.execute' })).toMatchObject({
      valid: false,
      code: 'FORBIDDEN',
      missing: { permission: 'functions.execute' },
    });
  });

  it('answers NOT_FOUND for a cached secret rotated out with no grace period', async () => {
    const { id, key } = await cachedKey();
    const rotated = await seeded.admin.post(`/v1/keys/${id}/rotate`, {});
    expect(rotated.status).toBe(200);
    expect(await verify({ key })).toMatchObject({ valid: false, code: 'NOT_FOUND', keyId: null });
    expect(await verify({ key: rotated.body.key })).toMatchObject({ valid: true, keyId: id });
  });

  it('answers the new expiry for both secrets once a cached key is rotated with a grace period', async () => {
    const { id, key } = await cachedKey({ expiresInDays: 10 });
    expect((await verify({ key })).expiresAt).toBe(new Date(clock.now() + 10 * DAY_MS).toISOString());
    clock.advance(DAY_MS);
    const rotated = await seeded.admin.post(`/v1/keys/${id}/rotate`, { gracePeriodSeconds: 60 });
    expect(rotated.status).toBe(200);
    const renewed = new Date(clock.now() + 10 * DAY_MS).toISOString();
    expect(await verify({ key })).toMatchObject({ code: 'VALID', expiresAt: renewed });
    expect(await verify({ key: rotated.body.key })).toMatchObject({ code: 'VALID', expiresAt: renewed });
  });

  it('answers DISABLED for a cached key, then VALID again once it is enabled', async () => {
    const { id, key } = await cachedKey();
    await seeded.admin.patch(`/v1/keys/${id}`, { enabled: false });
    expect(await verify({ key })).toMatchObject({ valid: false, code: 'DISABLED', keyId: id, cacheTtlMs: 0 });
    await seeded.admin.patch(`/v1/keys/${id}`, { enabled: true });
    expect(await verify({ key })).toMatchObject({ valid: true, code: 'VALID', keyId: id });
  });
});
