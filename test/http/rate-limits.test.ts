/** Rate limits (SPEC §4 "Usage controls"): on one node, in memory. */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { testDatabases } from '../support/databases.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';

const DAY = 86_400_000;

describe.each(testDatabases())('rate limits on $name', (db) => {
  const START = Date.UTC(2026, 2, 1, 12, 0, 0, 250);
  const clock = manualClock(START);
  const kw = keywardForSuite(db, { clock, config: { usageFlushMs: 3_600_000 } });
  const seeded = tenantForSuite(kw, 'Limited');

  const verify = async (body: Record<string, unknown>) => (await kw.client().post('/v1/verify', body)).body;
  const keyWith = async (ratelimits: unknown[], extra: Record<string, unknown> = {}) => {
    const created = await seeded.admin.post('/v1/keys', { name: 'limited', kind: 'application', ratelimits, ...extra });
    expect(created.status).toBe(201);
    return created.body as { id: string; key: string };
  };

  it('refuses with RATE_LIMITED once the window is spent, with remaining and resetAt', async () => {
    const { key } = await keyWith([{ name: 'daily', limit: 2, durationMs: DAY }]);
    const first = await verify({ key });
    expect(first).toMatchObject({
      valid: true,
      code: 'VALID',
      cacheTtlMs: 0,
      ratelimits: [{ name: 'daily', limit: 2, remaining: 1 }],
    });
    expect(first.ratelimits[0].resetAt).toBe('2026-03-02T00:00:00.000Z');
    expect((await verify({ key })).ratelimits[0].remaining).toBe(0);
    expect(await verify({ key })).toMatchObject({
      valid: false,
      code: 'RATE_LIMITED',
      cacheTtlMs: 0,
      ratelimits: [{ name: 'daily', remaining: 0 }],
    });
  });

  it('answers an embedding caller with the plain result the route sends', async () => {
    const { key } = await keyWith([{ name: 'daily', limit: 3, durationMs: DAY }]);
    const overHttp = await verify({ key });
    const inProcess = await kw.keyward.verify({ key });
    expect({ ...inProcess }).toEqual({
      ok: true,
      value: { ...overHttp, ratelimits: [{ ...overHttp.ratelimits[0], remaining: 1 }] },
    });
    expect(await verify({ key })).toMatchObject({ code: 'VALID', ratelimits: [{ remaining: 0 }] });
    const refused = await kw.keyward.verify({ key });
    expect(refused.ok && refused.value).toMatchObject({ valid: false, code: 'RATE_LIMITED' });
  });

  it('holds 10 per second exactly on one node: 10 of 30 verifies in one window', async () => {
    clock.set(START);
    const { key } = await keyWith([{ name: 'per-second', limit: 10, durationMs: 1000 }]);
    const codes: string[] = [];
    for (let i = 0; i < 30; i++) codes.push((await verify({ key })).code);
    expect(codes.filter((code) => code === 'VALID')).toHaveLength(10);
    expect(codes.slice(10).every((code) => code === 'RATE_LIMITED')).toBe(true);
  });

  it('spends nothing on cost 0', async () => {
    const { key } = await keyWith([{ name: 'daily', limit: 1, durationMs: DAY }]);
    expect(await verify({ key, cost: 0 })).toMatchObject({ code: 'VALID', ratelimits: [{ remaining: 1 }] });
    expect(await verify({ key })).toMatchObject({ code: 'VALID', ratelimits: [{ remaining: 0 }] });
  });

  it('spends nothing from the bucket on a request refused by permission', async () => {
    const { key } = await keyWith([{ name: 'daily', limit: 1, durationMs: DAY }]);
    expect((await verify({ key, permission: 'users.manage' })).code).toBe('FORBIDDEN');
    expect(await verify({ key })).toMatchObject({ code: 'VALID', ratelimits: [{ remaining: 0 }] });
  });

  it('shares a policy bucket between two linked keys', async () => {
    const policy = await seeded.admin.post('/v1/policies', {
      name: 'shared-limit',
      ratelimits: [{ name: 'shared', limit: 2, durationMs: DAY }],
    });
    expect(policy.status).toBe(201);
    const a = await keyWith([], { policyIds: [policy.body.id] });
    const b = await keyWith([], { policyIds: [policy.body.id] });
    expect((await verify({ key: a.key })).code).toBe('VALID');
    expect((await verify({ key: b.key })).code).toBe('VALID');
    expect((await verify({ key: a.key })).code).toBe('RATE_LIMITED');
    expect((await verify({ key: b.key })).code).toBe('RATE_LIMITED');
  });

  it('applies a policy PATCH to its linked keys at once', async () => {
    const policy = await seeded.admin.post('/v1/policies', {
      name: 'tightened',
      ratelimits: [{ name: 'shared', limit: 5, durationMs: DAY }],
    });
    const { key } = await keyWith([], { policyIds: [policy.body.id] });
    expect(await verify({ key })).toMatchObject({
      code: 'VALID',
      ratelimits: [{ name: 'shared', limit: 5, remaining: 4 }],
    });
    const patched = await seeded.admin.patch(`/v1/policies/${policy.body.id}`, {
      ratelimits: [{ name: 'shared', limit: 1, durationMs: DAY }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.ratelimits).toEqual([{ name: 'shared', limit: 1, durationMs: DAY }]);
    expect(await verify({ key })).toMatchObject({
      code: 'RATE_LIMITED',
      ratelimits: [{ name: 'shared', limit: 1, remaining: 0 }],
    });
  });

  it('takes a PATCH that clears the limits at once', async () => {
    const { id, key } = await keyWith([{ name: 'daily', limit: 1, durationMs: DAY }]);
    await verify({ key });
    expect((await verify({ key })).code).toBe('RATE_LIMITED');
    const patched = await seeded.admin.patch(`/v1/keys/${id}`, { ratelimits: [] });
    expect(patched.status).toBe(200);
    expect(patched.body.ratelimits).toEqual([]);
    const after = await verify({ key });
    expect(after.code).toBe('VALID');
    expect(after.ratelimits).toBeUndefined();
  });

  it('audits a change of limits with the limits it set', async () => {
    const { id } = await keyWith([]);
    const ratelimits = [{ name: 'hourly', limit: 100, durationMs: 3_600_000 }];
    expect((await seeded.admin.patch(`/v1/keys/${id}`, { ratelimits })).status).toBe(200);
    const events = await seeded.admin.get(`/v1/audit?targetId=${id}&action=key.usage_changed`);
    expect(events.body.items).toEqual([
      expect.objectContaining({
        action: 'key.usage_changed',
        details: expect.objectContaining({ ratelimits, from: expect.objectContaining({ ratelimits: [] }) }),
      }),
    ]);
  });

  it('rejects a duplicate name and a window under a second with 400 VALIDATION, naming the field as the schema does', async () => {
    const twice = await seeded.admin.post('/v1/keys', {
      name: 'x',
      kind: 'application',
      ratelimits: [
        { name: 'a', limit: 1, durationMs: 1000 },
        { name: 'a', limit: 2, durationMs: 1000 },
      ],
    });
    expect(twice.status).toBe(400);
    expect(twice.body).toMatchObject({ code: 'VALIDATION', field: 'ratelimits.1.name' });
    const short = await seeded.admin.post('/v1/keys', {
      name: 'x',
      kind: 'application',
      ratelimits: [{ name: 'a', limit: 1, durationMs: 999 }],
    });
    expect(short.status).toBe(400);
    expect(short.body).toMatchObject({ code: 'VALIDATION', field: 'ratelimits.0.durationMs' });
  });

  it('counts RATE_LIMITED verdicts in the key usage by code', async () => {
    const { id, key } = await keyWith([{ name: 'daily', limit: 1, durationMs: DAY }]);
    await verify({ key });
    await verify({ key });
    await kw.keyward.usage.flush();
    const usage = await seeded.admin.get(`/v1/keys/${id}/usage`);
    expect(usage.status).toBe(200);
    expect(usage.body).toMatchObject({
      total: 2,
      days: [{ day: '2026-03-01', count: 2, byCode: { VALID: 1, RATE_LIMITED: 1 } }],
    });
  });

  it('opens a new window when the old one ends (injected clock)', async () => {
    clock.set(START);
    const { key } = await keyWith([{ name: 'second', limit: 1, durationMs: 1000 }]);
    expect(await verify({ key })).toMatchObject({
      code: 'VALID',
      ratelimits: [{ remaining: 0, resetAt: '2026-03-01T12:00:01.000Z' }],
    });
    clock.set(START + 700);
    expect((await verify({ key })).code).toBe('RATE_LIMITED');
    clock.set(START + 750);
    expect(await verify({ key })).toMatchObject({
      code: 'VALID',
      ratelimits: [{ remaining: 0, resetAt: '2026-03-01T12:00:02.000Z' }],
    });
    clock.set(START);
  });
});
