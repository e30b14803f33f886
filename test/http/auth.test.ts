/**
 * Who may make a management call (SPEC §5): no or malformed bearer → 401 UNAUTHENTICATED; a
 * well-formed bad key → 401 with the check's code; a key without what the route needs → 403
 * FORBIDDEN naming it; every such 401 and 403 is in the audit log. Verify answers every key
 * outcome with 200 and a verdict, and refuses a malformed key before any storage lookup.
 */
import { expectProblem } from '../support/problem.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { manualClock, type ManualClock } from '../../src/core/clock.js';
import { generateKey } from '../../src/core/key-format.js';
import { testDatabases } from '../support/databases.js';
import { seedTenant, startKeyward, type Seeded, type TestKeyward } from '../support/keyward.js';

const DAY_MS = 86_400_000;

/** The same key with its last checksum character changed: well-shaped, but not a Keyward key. */
function badChecksum(key: string): string {
  return key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
}

describe.each(testDatabases())('management-call authentication on $name', (db) => {
  let kw: TestKeyward;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = manualClock(Date.UTC(2026, 5, 1));
    kw = await startKeyward(db, { clock });
  });
  afterAll(async () => {
    await kw.close();
  });

  async function appKey(seeded: Seeded, extra: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
    const created = await seeded.admin.post('/v1/keys', { name: 'svc', kind: 'application', ...extra });
    expect(created.status).toBe(201);
    return { id: created.body.id, key: created.body.key };
  }

  it('answers a call without a bearer key with 401 UNAUTHENTICATED', async () => {
    const reply = await kw.client().get('/v1/users');
    expectProblem(reply, 401, 'UNAUTHENTICATED');
    expect(reply.body.detail).toContain('Bearer');
  });

  it('answers an Authorization header that is not a bearer with 401 UNAUTHENTICATED', async () => {
    const reply = await kw.client().raw({
      method: 'GET',
      path: '/v1/users',
      headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    });
    expectProblem(reply, 401, 'UNAUTHENTICATED');
  });

  it('answers a bearer that is not of the key format, or has a bad checksum, with 401 UNAUTHENTICATED', async () => {
    const seeded = await seedTenant(kw, 'Malformed');
    for (const bearer of ['not-a-key', 'kw_short', `${seeded.adminKey}x`, badChecksum(seeded.adminKey)]) {
      expectProblem(await kw.client(bearer).get('/v1/users'), 401, 'UNAUTHENTICATED');
    }
  });

  it('answers a well-formed key it never issued with 401 NOT_FOUND', async () => {
    expectProblem(await kw.client(generateKey('kw')).get('/v1/users'), 401, 'NOT_FOUND');
  });

  it('answers a revoked key with 401 REVOKED', async () => {
    const seeded = await seedTenant(kw, 'Revoked');
    await seeded.admin.post(`/v1/keys/${seeded.adminKeyId}/revoke`);
    expectProblem(await seeded.admin.get('/v1/users'), 401, 'REVOKED');
  });

  it('answers a disabled key with 401 DISABLED, and serves it again once re-enabled', async () => {
    const seeded = await seedTenant(kw, 'Disabled');
    const { id, key } = await appKey(seeded);
    expect((await kw.client(key).get('/v1/me')).status).toBe(200);
    await seeded.admin.patch(`/v1/keys/${id}`, { enabled: false });
    expectProblem(await kw.client(key).get('/v1/me'), 401, 'DISABLED');
    await seeded.admin.patch(`/v1/keys/${id}`, { enabled: true });
    expect((await kw.client(key).get('/v1/me')).status).toBe(200);
  });

  it('answers a key past its expiry with 401 EXPIRED', async () => {
    const seeded = await seedTenant(kw, 'Expired');
    const { key } = await appKey(seeded, { expiresInDays: 1 });
    expect((await kw.client(key).get('/v1/me')).status).toBe(200);
    clock.advance(DAY_MS);
    expectProblem(await kw.client(key).get('/v1/me'), 401, 'EXPIRED');
  });

  it('answers a valid key without the permission with 403 FORBIDDEN naming what is needed', async () => {
    const seeded = await seedTenant(kw, 'Forbidden');
    const { key } = await appKey(seeded, { permissions: ['functions.execute'] });
    const reply = await kw.client(key).get('/v1/users');
    expectProblem(reply, 403, 'FORBIDDEN');
    expect(reply.body.detail).toContain('users.manage');
    expect(reply.body.needed).toBe('users.manage');
  });

  it('lets the root key through every requirement', async () => {
    const seeded = await seedTenant(kw, 'Root');
    for (const path of [
      `/v1/users?tenantId=${seeded.tenantId}`,
      `/v1/keys?tenantId=${seeded.tenantId}`,
      `/v1/environments?tenantId=${seeded.tenantId}`,
      `/v1/tenants/${seeded.tenantId}`,
    ]) {
      expect((await kw.root.get(path)).status, path).toBe(200);
    }
  });

  it('lets a key read and revoke itself without users.manage, and nothing else', async () => {
    const seeded = await seedTenant(kw, 'Self');
    const own = await appKey(seeded);
    const other = await appKey(seeded);
    const self = kw.client(own.key);
    expect((await self.get(`/v1/keys/${own.id}`)).body).toMatchObject({ id: own.id, status: 'active' });
    expectProblem(await self.get(`/v1/keys/${other.id}`), 403, 'FORBIDDEN');
    expectProblem(await self.post(`/v1/keys/${other.id}/revoke`), 403, 'FORBIDDEN');
    expect((await self.post(`/v1/keys/${own.id}/revoke`)).body).toMatchObject({ id: own.id, status: 'revoked' });
    expect((await seeded.admin.get(`/v1/keys/${other.id}`)).body.status).toBe('active');
  });

  it('records every 401 and 403 of a management call naming a key in the audit log, denied, with its status and request id', async () => {
    const seeded = await seedTenant(kw, 'Audited');
    const weak = await appKey(seeded);
    const revoked = await appKey(seeded);
    await seeded.admin.post(`/v1/keys/${revoked.id}/revoke`);
    const denials = [
      { reply: await kw.client().get('/v1/users'), actor: null },
      { reply: await kw.client('not-a-key').post('/v1/keys', {}), actor: null },
      { reply: await kw.client(generateKey('kw')).get(`/v1/keys/${weak.id}`), actor: null },
      { reply: await kw.client(revoked.key).get('/v1/me'), actor: revoked.id },
      { reply: await kw.client(weak.key).patch(`/v1/keys/${seeded.adminKeyId}`, { enabled: false }), actor: weak.id },
      {
        reply: await kw.client(weak.key).post('/v1/users', { name: 'Eve', email: 'eve@audited.example' }),
        actor: weak.id,
      },
    ];
    const events = await kw.keyward.storage.db
      .selectFrom('audit_events')
      .selectAll()
      .where(
        'request_id',
        'in',
        denials.map(({ reply }) => reply.body.requestId as string),
      )
      .execute();
    // Those naming no key are counted per source and minute instead (test/http/floods.test.ts).
    const named = denials.filter(({ actor }) => actor !== null);
    expect(events).toHaveLength(named.length);
    for (const { reply } of denials) expect([401, 403]).toContain(reply.status);
    for (const { reply, actor } of named) {
      const event = events.find((row) => row.request_id === reply.body.requestId);
      expect(event, JSON.stringify(reply.body)).toMatchObject({
        outcome: 'denied',
        status: reply.status,
        actor_key_id: actor,
      });
      expect(JSON.parse(event?.details ?? '{}')).toMatchObject({ code: reply.body.code });
    }
  });

  it('audits a denied call against the target it named', async () => {
    const seeded = await seedTenant(kw, 'AuditTarget');
    const weak = await appKey(seeded);
    const reply = await kw.client(weak.key).patch(`/v1/keys/${seeded.adminKeyId}`, { enabled: false });
    const event = await kw.keyward.storage.db
      .selectFrom('audit_events')
      .selectAll()
      .where('request_id', '=', reply.body.requestId)
      .executeTakeFirst();
    expect(event).toMatchObject({
      action: 'key.update',
      target_id: seeded.adminKeyId,
      tenant_id: seeded.tenantId,
      outcome: 'denied',
      status: 403,
    });
  });
});

describe.each(testDatabases())('verify verdicts on $name', (db) => {
  let kw: TestKeyward;
  const keys: Record<'valid' | 'revoked' | 'disabled' | 'expired', { id: string; key: string }> = {
    valid: { id: '', key: '' },
    revoked: { id: '', key: '' },
    disabled: { id: '', key: '' },
    expired: { id: '', key: '' },
  };
  beforeAll(async () => {
    const clock = manualClock(Date.UTC(2026, 5, 1));
    kw = await startKeyward(db, { clock });
    const seeded = await seedTenant(kw, 'Verdicts');
    for (const state of Object.keys(keys) as (keyof typeof keys)[]) {
      const created = await seeded.admin.post('/v1/keys', {
        name: state,
        kind: 'application',
        permissions: ['functions.execute'],
        expiresInDays: state === 'expired' ? 1 : null,
      });
      keys[state] = { id: created.body.id, key: created.body.key };
    }
    await seeded.admin.post(`/v1/keys/${keys.revoked.id}/revoke`);
    await seeded.admin.patch(`/v1/keys/${keys.disabled.id}`, { enabled: false });
    clock.advance(DAY_MS);
  });
  afterAll(async () => {
    await kw.close();
  });

  const verify = (body: Record<string, unknown>) => kw.client().post('/v1/verify', body);

  it.each([
    ['valid', 'VALID'],
    ['revoked', 'REVOKED'],
    ['disabled', 'DISABLED'],
    ['expired', 'EXPIRED'],
  ] as const)('answers a %s key with 200 and %s', async (state, code) => {
    const reply = await verify({ key: keys[state].key });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ valid: code === 'VALID', code, keyId: keys[state].id });
  });

  it('answers a key it never issued with 200 NOT_FOUND', async () => {
    const reply = await verify({ key: generateKey('kw') });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ valid: false, code: 'NOT_FOUND', keyId: null });
  });

  it('answers a permission the key lacks with 200 FORBIDDEN and what is missing', async () => {
    const reply = await verify({ key: keys.valid.key, permission: 'secrets.manage' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ valid: false, code: 'FORBIDDEN', missing: { permission: 'secrets.manage' } });
  });

  it('answers an unknown permission with 400 VALIDATION naming it', async () => {
    const reply = await verify({ key: keys.valid.key, permission: 'warp.drive' });
    expectProblem(reply, 400, 'VALIDATION');
    expect(reply.body.field).toBe('permission');
    expect(reply.body.detail).toContain('warp.drive');
  });

  it('answers a malformed key NOT_FOUND without looking it up in storage', async () => {
    const db = kw.keyward.storage.db;
    // The lookup is compiled once (key-lookup.repository.ts): each run is a compiled query executed.
    const executeQuery = vi.spyOn(db, 'executeQuery');
    const keyLookups = () =>
      executeQuery.mock.calls.filter(([query]) => {
        const sql = 'sql' in query ? query.sql : '';
        return sql.includes('"api_keys"') && sql.includes('key_hash');
      }).length;
    try {
      for (const key of ['not-a-key', 'kw_short', badChecksum(keys.valid.key)]) {
        expect((await verify({ key })).body).toMatchObject({ valid: false, code: 'NOT_FOUND' });
      }
      expect(keyLookups()).toBe(0);
      // The same spy does see the lookup a well-formed unknown key needs.
      expect((await verify({ key: generateKey('kw') })).body.code).toBe('NOT_FOUND');
      expect(keyLookups()).toBe(1);
    } finally {
      executeQuery.mockRestore();
    }
  });
});
