/**
 * Issue 17, usage credits: each verify spends its cost with one conditional UPDATE; at 0 the key
 * answers USAGE_EXCEEDED; cost 0 only checks; a refused request spends nothing; balances refill
 * at the day or month boundary in the tenant's time zone.
 */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { testDatabases } from '../support/databases.js';
import { inFlight } from '../support/in-flight.js';
import { seedTenant, type Seeded } from '../support/keyward.js';
import { keywardForSuite } from '../support/suite-keyward.js';

const START = Date.UTC(2026, 2, 1, 12);

describe.each(testDatabases())('usage credits on $name', (db) => {
  const clock = manualClock(START);
  const kw = keywardForSuite(db, { clock });

  async function keyWith(seeded: Seeded, credits: unknown, extra: Record<string, unknown> = {}) {
    const created = await seeded.admin.post('/v1/keys', {
      name: 'metered',
      kind: 'application',
      permissions: ['functions.execute'],
      credits,
      ...extra,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { id: string; key: string; credits: unknown };
  }
  const verify = async (key: string, extra: Record<string, unknown> = {}) =>
    (await kw.client().post('/v1/verify', { key, ...extra })).body;

  it('shows the credits a key was created with', async () => {
    const key = await keyWith(await seedTenant(kw, 'Shown'), { remaining: 5, refill: { amount: 5, interval: 'day' } });
    expect(key.credits).toEqual({ remaining: 5, refill: { amount: 5, interval: 'day' } });
  });

  it('spends one credit per verify and answers the balance, never cacheable', async () => {
    const key = await keyWith(await seedTenant(kw, 'Spend'), { remaining: 2 });
    expect(await verify(key.key)).toMatchObject({
      valid: true,
      code: 'VALID',
      credits: { remaining: 1 },
      cacheTtlMs: 0,
    });
    expect(await verify(key.key)).toMatchObject({ valid: true, code: 'VALID', credits: { remaining: 0 } });
  });

  it('answers an embedding caller with the plain result the route sends', async () => {
    const key = await keyWith(await seedTenant(kw, 'Embedded'), { remaining: 3 }, { metadata: { plan: 'pro' } });
    const overHttp = await verify(key.key);
    expect(overHttp).toEqual({
      valid: true,
      code: 'VALID',
      keyId: key.id,
      tenantId: expect.any(String),
      environmentId: expect.any(String),
      name: 'metered',
      userId: null,
      externalId: null,
      metadata: { plan: 'pro' },
      expiresAt: null,
      cacheTtlMs: 0,
      credits: { remaining: 2 },
    });
    const inProcess = await kw.keyward.verify({ key: key.key });
    expect({ ...inProcess }).toEqual({ ok: true, value: { ...overHttp, credits: { remaining: 1 } } });
    expect(await verify(key.key)).toMatchObject({ code: 'VALID', credits: { remaining: 0 } });
    const refused = await kw.keyward.verify({ key: key.key });
    expect(refused.ok && refused.value).toMatchObject({
      valid: false,
      code: 'USAGE_EXCEEDED',
      credits: { remaining: 0 },
    });
  });

  it('answers USAGE_EXCEEDED at 0', async () => {
    const key = await keyWith(await seedTenant(kw, 'Exceeded'), { remaining: 1 });
    await verify(key.key);
    expect(await verify(key.key)).toMatchObject({
      valid: false,
      code: 'USAGE_EXCEEDED',
      credits: { remaining: 0 },
      cacheTtlMs: 0,
    });
  });

  it('spends the cost asked, and refuses a cost above the balance without spending', async () => {
    const key = await keyWith(await seedTenant(kw, 'Cost'), { remaining: 10 });
    expect(await verify(key.key, { cost: 7 })).toMatchObject({ code: 'VALID', credits: { remaining: 3 } });
    expect(await verify(key.key, { cost: 4 })).toMatchObject({ code: 'USAGE_EXCEEDED', credits: { remaining: 3 } });
    expect(await verify(key.key, { cost: 3 })).toMatchObject({ code: 'VALID', credits: { remaining: 0 } });
  });

  it('cost 0 never spends and stays VALID', async () => {
    const seeded = await seedTenant(kw, 'CostZero');
    const key = await keyWith(seeded, { remaining: 1 });
    expect(await verify(key.key, { cost: 0 })).toMatchObject({ code: 'VALID' });
    expect((await seeded.admin.get(`/v1/keys/${key.id}`)).body.credits).toMatchObject({ remaining: 1 });
  });

  it('a request refused by permission spends nothing', async () => {
    const seeded = await seedTenant(kw, 'RefusedPermission');
    const key = await keyWith(seeded, { remaining: 1 });
    expect(await verify(key.key, { permission: 'users.manage' })).toMatchObject({ code: 'FORBIDDEN' });
    expect((await seeded.admin.get(`/v1/keys/${key.id}`)).body.credits).toMatchObject({ remaining: 1 });
  });

  it('a request refused by IP spends nothing', async () => {
    const seeded = await seedTenant(kw, 'RefusedIp');
    const key = await keyWith(seeded, { remaining: 1 }, { ipAllowlist: ['10.0.0.0/8'] });
    expect(await verify(key.key, { clientIp: '192.0.2.1' })).toMatchObject({
      code: 'FORBIDDEN',
      missing: { ip: '192.0.2.1' },
    });
    expect((await seeded.admin.get(`/v1/keys/${key.id}`)).body.credits).toMatchObject({ remaining: 1 });
  });

  it('a request refused for credits gives back the rate-limit units it took', async () => {
    const seeded = await seedTenant(kw, 'RefusedCredits');
    const key = await keyWith(
      seeded,
      { remaining: 1 },
      { ratelimits: [{ name: 'per-minute', limit: 2, durationMs: 60_000 }] },
    );
    expect(await verify(key.key)).toMatchObject({ code: 'VALID', ratelimits: [{ name: 'per-minute', remaining: 1 }] });
    for (let i = 0; i < 3; i++)
      expect(await verify(key.key)).toMatchObject({
        code: 'USAGE_EXCEEDED',
        ratelimits: [{ name: 'per-minute', remaining: 1 }],
      });
    expect((await seeded.admin.patch(`/v1/keys/${key.id}`, { creditsAdd: 5 })).status).toBe(200);
    expect(await verify(key.key)).toMatchObject({
      code: 'VALID',
      ratelimits: [{ name: 'per-minute', remaining: 0 }],
      credits: { remaining: 4 },
    });
    expect(await verify(key.key)).toMatchObject({
      code: 'RATE_LIMITED',
      ratelimits: [{ name: 'per-minute', remaining: 0 }],
    });
  });

  it("audits a key's creation with the credits and allowlist it starts with", async () => {
    const seeded = await seedTenant(kw, 'AuditedCreation');
    const key = await keyWith(
      seeded,
      { remaining: 5, refill: { amount: 5, interval: 'day' } },
      { ipAllowlist: ['10.0.0.0/8'] },
    );
    const events = (await seeded.admin.get(`/v1/audit?targetId=${key.id}`)).body.items as {
      action: string;
      details: Record<string, unknown>;
    }[];
    expect(events.find((event) => event.action === 'key.create')?.details).toMatchObject({
      credits: { remaining: 5, refill: { amount: 5, interval: 'day' } },
      ipAllowlist: ['10.0.0.0/8'],
      ratelimits: [],
    });
  });

  it('a key without credits answers without a balance', async () => {
    const seeded = await seedTenant(kw, 'Unmetered');
    const created = await seeded.admin.post('/v1/keys', { name: 'plain', kind: 'application' });
    const answer = await verify(created.body.key);
    expect(answer).toMatchObject({ code: 'VALID' });
    expect(answer).not.toHaveProperty('credits');
  });

  it('1 000 verifies, 50 at a time, against 100 credits: exactly 100 VALID, and 0 left', async () => {
    const seeded = await seedTenant(kw, 'Concurrent');
    const key = await keyWith(seeded, { remaining: 100 });
    const answers = await inFlight(1000, 50, () => verify(key.key));
    expect(answers.filter((answer) => answer.code === 'VALID')).toHaveLength(100);
    expect(answers.filter((answer) => answer.code === 'USAGE_EXCEEDED')).toHaveLength(900);
    expect((await seeded.admin.get(`/v1/keys/${key.id}`)).body.credits).toMatchObject({ remaining: 0 });
  }, 60_000);

  it('PATCH creditsAdd adds to the balance', async () => {
    const seeded = await seedTenant(kw, 'Add');
    const key = await keyWith(seeded, { remaining: 1 });
    await verify(key.key);
    const patched = await seeded.admin.patch(`/v1/keys/${key.id}`, { creditsAdd: 5 });
    expect(patched.status).toBe(200);
    expect(patched.body.credits).toMatchObject({ remaining: 5 });
    expect(await verify(key.key)).toMatchObject({ code: 'VALID', credits: { remaining: 4 } });
  });

  it('PATCH creditsAdd on a key without credits is a conflict', async () => {
    const seeded = await seedTenant(kw, 'AddNone');
    const created = await seeded.admin.post('/v1/keys', { name: 'plain', kind: 'application' });
    const reply = await seeded.admin.patch(`/v1/keys/${created.body.id}`, { creditsAdd: 5 });
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ code: 'CONFLICT', field: 'creditsAdd' });
  });

  it('PATCH credits null stops metering the key', async () => {
    const seeded = await seedTenant(kw, 'Clear');
    const key = await keyWith(seeded, { remaining: 1 });
    await verify(key.key);
    const patched = await seeded.admin.patch(`/v1/keys/${key.id}`, { credits: null });
    expect(patched.body.credits).toBeNull();
    expect(await verify(key.key)).toMatchObject({ code: 'VALID' });
  });

  it('USAGE_EXCEEDED is counted in the key usage by code', async () => {
    const seeded = await seedTenant(kw, 'Counted');
    const key = await keyWith(seeded, { remaining: 1 });
    await verify(key.key);
    await verify(key.key);
    const usage = await seeded.admin.get(`/v1/keys/${key.id}/usage`);
    expect(usage.status).toBe(200);
    expect(usage.body.days[0].byCode).toEqual({ VALID: 1, USAGE_EXCEEDED: 1 });
  });

  it('refills at the next UTC midnight', async () => {
    clock.set(Date.UTC(2026, 2, 1, 12));
    const key = await keyWith(await seedTenant(kw, 'RefillUtc'), {
      remaining: 1,
      refill: { amount: 3, interval: 'day' },
    });
    await verify(key.key);
    clock.set(Date.UTC(2026, 2, 1, 23, 59, 59));
    expect(await verify(key.key)).toMatchObject({ code: 'USAGE_EXCEEDED' });
    clock.set(Date.UTC(2026, 2, 2, 0, 0, 0));
    expect(await verify(key.key)).toMatchObject({ code: 'VALID', credits: { remaining: 2 } });
    expect(await verify(key.key)).toMatchObject({ code: 'VALID', credits: { remaining: 1 } });
  });

  it("refills at midnight in the tenant's time zone", async () => {
    clock.set(Date.UTC(2026, 2, 1, 12));
    const seeded = await seedTenant(kw, 'RefillNewYork');
    const tenant = await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { timeZone: 'America/New_York' });
    expect(tenant.status).toBe(200);
    expect(tenant.body.timeZone).toBe('America/New_York');
    const key = await keyWith(seeded, { remaining: 1, refill: { amount: 3, interval: 'day' } });
    await verify(key.key);
    // New York is UTC-5 in early March: its midnight is 05:00 UTC.
    clock.set(Date.UTC(2026, 2, 2, 4, 59, 59));
    expect(await verify(key.key)).toMatchObject({ code: 'USAGE_EXCEEDED' });
    clock.set(Date.UTC(2026, 2, 2, 5, 0, 0));
    expect(await verify(key.key)).toMatchObject({ code: 'VALID', credits: { remaining: 2 } });
  });

  it('refills monthly at the start of the next month', async () => {
    clock.set(Date.UTC(2026, 2, 31, 12));
    const key = await keyWith(await seedTenant(kw, 'RefillMonth'), {
      remaining: 0,
      refill: { amount: 2, interval: 'month' },
    });
    expect(await verify(key.key)).toMatchObject({ code: 'USAGE_EXCEEDED' });
    clock.set(Date.UTC(2026, 3, 1, 0, 0, 0));
    expect(await verify(key.key)).toMatchObject({ code: 'VALID', credits: { remaining: 1 } });
  });

  it('refuses a time zone Intl does not know with 400 VALIDATION', async () => {
    const seeded = await seedTenant(kw, 'BadZone');
    const reply = await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { timeZone: 'Mars/Olympus' });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'timeZone' });
  });
});
