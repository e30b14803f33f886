/**
 * Key lifecycle over time (SPEC §3 step 3, §4; seed 002), on an injected clock so nothing sleeps:
 * expiry to the millisecond, expiry settings with the environment over the tenant, rotation with
 * and without a grace period, the post-expiry rotation window, and application-key advice.
 */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { testDatabases } from '../support/databases.js';
import { seedTenant, type Client } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created, expectProblem } from '../support/problem.js';

const DAY = 86_400_000;

describe.each(testDatabases())('key lifecycle on $name', (db) => {
  const clock = manualClock(Date.UTC(2026, 0, 1));
  const kw = keywardForSuite(db, { clock });
  const seeded = tenantForSuite(kw, 'Lifecycle');

  const code = async (key: string) => (await kw.client().post('/v1/verify', { key })).body.code as string;
  /** Runs `body` with the clock at `at`, then puts it back. */
  async function at<T>(time: number, body: () => Promise<T>): Promise<T> {
    const before = clock.now();
    clock.set(time);
    try {
      return await body();
    } finally {
      clock.set(before);
    }
  }
  async function environment(settings: Record<string, unknown> = {}): Promise<{ id: string; admin: Client }> {
    const env = created(
      await seeded.admin.post('/v1/environments', {
        name: `env-${Math.random().toString(36).slice(2, 8)}`,
        ...settings,
      }),
    );
    return { id: env.id, admin: seeded.admin };
  }

  describe('expiry', () => {
    it('is VALID 1 ms before expiry and EXPIRED at it', async () => {
      const key = created(await seeded.admin.post('/v1/keys', { name: 'k', kind: 'application', expiresInDays: 1 }));
      const expiresAt = Date.parse(key.expiresAt);
      expect(expiresAt).toBe(clock.now() + DAY);
      expect(await at(expiresAt - 1, () => code(key.key))).toBe('VALID');
      expect(await at(expiresAt, () => code(key.key))).toBe('EXPIRED');
      expect(await at(expiresAt + 1, () => code(key.key))).toBe('EXPIRED');
    });

    it('takes the environment’s default and maximum over the tenant’s, and names the limit when exceeded', async () => {
      expect(
        (await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { defaultKeyExpiryDays: 30, maxKeyExpiryDays: 90 }))
          .status,
      ).toBe(200);
      const strict = await environment({ defaultKeyExpiryDays: 5, maxKeyExpiryDays: 10 });
      const inherited = created(
        await seeded.admin.post('/v1/keys', { name: 'k', kind: 'user', userId: seeded.adminUserId }),
      );
      expect(Date.parse(inherited.expiresAt)).toBe(clock.now() + 30 * DAY);
      const defaulted = created(
        await seeded.admin.post('/v1/keys', {
          environmentId: strict.id,
          name: 'k',
          kind: 'user',
          userId: seeded.adminUserId,
        }),
      );
      expect(Date.parse(defaulted.expiresAt)).toBe(clock.now() + 5 * DAY);
      const tooLong = await seeded.admin.post('/v1/keys', {
        environmentId: strict.id,
        name: 'k',
        kind: 'user',
        userId: seeded.adminUserId,
        expiresInDays: 11,
      });
      expectProblem(tooLong, 400, 'VALIDATION');
      expect(tooLong.body).toMatchObject({ field: 'expiresInDays', maxKeyExpiryDays: 10 });
      expect(
        (
          await seeded.admin.post('/v1/keys', {
            name: 'k',
            kind: 'user',
            userId: seeded.adminUserId,
            expiresInDays: 60,
          })
        ).status,
      ).toBe(201);
      expectProblem(
        await seeded.admin.post('/v1/keys', {
          name: 'k',
          kind: 'user',
          userId: seeded.adminUserId,
          expiresInDays: null,
        }),
        400,
        'VALIDATION',
      );
      expect(
        (
          await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, {
            defaultKeyExpiryDays: null,
            maxKeyExpiryDays: null,
          })
        ).status,
      ).toBe(200);
    });

    it('lists the live keys expiring within N days', async () => {
      const env = await environment();
      const soon = created(
        await seeded.admin.post('/v1/keys', {
          environmentId: env.id,
          name: 'soon',
          kind: 'application',
          expiresInDays: 3,
        }),
      );
      created(
        await seeded.admin.post('/v1/keys', {
          environmentId: env.id,
          name: 'later',
          kind: 'application',
          expiresInDays: 30,
        }),
      );
      created(
        await seeded.admin.post('/v1/keys', {
          environmentId: env.id,
          name: 'never',
          kind: 'application',
          expiresInDays: null,
        }),
      );
      const revoked = created(
        await seeded.admin.post('/v1/keys', {
          environmentId: env.id,
          name: 'gone',
          kind: 'application',
          expiresInDays: 2,
        }),
      );
      await seeded.admin.post(`/v1/keys/${revoked.id}/revoke`);
      const listed = await seeded.admin.get(`/v1/keys?environmentId=${env.id}&expiringWithinDays=7`);
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((key: { id: string }) => key.id)).toEqual([soon.id]);
    });

    it('advises against an expiry on an application key, and says nothing for a user key or no expiry', async () => {
      const app = created(await seeded.admin.post('/v1/keys', { name: 'svc', kind: 'application', expiresInDays: 90 }));
      expect(app.warnings).toEqual([expect.stringContaining('without an expiry')]);
      const forever = created(
        await seeded.admin.post('/v1/keys', { name: 'svc', kind: 'application', expiresInDays: null }),
      );
      expect(forever).not.toHaveProperty('warnings');
      const user = created(
        await seeded.admin.post('/v1/keys', {
          name: 'ada',
          kind: 'user',
          userId: seeded.adminUserId,
          expiresInDays: 90,
        }),
      );
      expect(user).not.toHaveProperty('warnings');
    });
  });

  describe('rotation', () => {
    it('gives the same key a new secret, keeps its grants and groups, restarts its expiry, and ends the old secret at once', async () => {
      const group = created(
        await seeded.admin.post('/v1/groups', { name: `rotators-${clock.now()}-${Math.random()}` }),
      );
      const key = created(
        await seeded.admin.post('/v1/keys', {
          name: 'k',
          kind: 'application',
          expiresInDays: 10,
          scopes: ['agent:viewer'],
          groupIds: [group.id],
        }),
      );
      const rotated = await at(clock.now() + 4 * DAY, () => kw.client(key.key).post(`/v1/keys/${key.id}/rotate`, {}));
      expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
      expect(rotated.body).toMatchObject({ id: key.id, scopes: ['agent:viewer'], groupIds: [group.id], name: 'k' });
      expect(rotated.body.key).not.toBe(key.key);
      expect(Date.parse(rotated.body.expiresAt)).toBe(clock.now() + 14 * DAY);
      expect(await code(rotated.body.key)).toBe('VALID');
      expect(await code(key.key)).toBe('NOT_FOUND');
    });

    it('keeps the old secret working for the grace period, and not a millisecond longer', async () => {
      const key = created(await seeded.admin.post('/v1/keys', { name: 'k', kind: 'application' }));
      const start = clock.now();
      const rotated = await seeded.admin.post(`/v1/keys/${key.id}/rotate`, { gracePeriodSeconds: 60 });
      expect(rotated.status).toBe(200);
      expect(await at(start, () => code(key.key))).toBe('VALID');
      expect(await at(start + 59_999, () => code(key.key))).toBe('VALID');
      expect(await at(start + 60_000, () => code(key.key))).toBe('NOT_FOUND');
      expect(await at(start + 60_000, () => code(rotated.body.key))).toBe('VALID');
    });

    it('keeps the old secret working for up to a week, and says so on the key until it stops', async () => {
      const key = created(await seeded.admin.post('/v1/keys', { name: 'week', kind: 'application' }));
      const start = clock.now();
      const rotated = await seeded.admin.post(`/v1/keys/${key.id}/rotate`, { gracePeriodSeconds: 604_800 });
      expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
      const until = new Date(start + 7 * DAY).toISOString();
      expect(rotated.body.previousSecretValidUntil).toBe(until);
      expect(await at(start + 7 * DAY - 1, () => code(key.key))).toBe('VALID');
      const during = await at(start + 7 * DAY - 1, () => seeded.admin.get(`/v1/keys/${key.id}`));
      expect(during.body.previousSecretValidUntil).toBe(until);
      expect(await at(start + 7 * DAY, () => code(key.key))).toBe('NOT_FOUND');
      const after = await at(start + 7 * DAY, () => seeded.admin.get(`/v1/keys/${key.id}`));
      expect(after.body.previousSecretValidUntil).toBeNull();
    });

    it('lets any key rotate itself, users.manage rotate any key of the tenant, and nobody else', async () => {
      const mine = created(await seeded.admin.post('/v1/keys', { name: 'mine', kind: 'application' }));
      const theirs = created(await seeded.admin.post('/v1/keys', { name: 'theirs', kind: 'application' }));
      expectProblem(await kw.client(mine.key).post(`/v1/keys/${theirs.id}/rotate`, {}), 403, 'FORBIDDEN');
      expect((await seeded.admin.post(`/v1/keys/${theirs.id}/rotate`, {})).status).toBe(200);
      const other = await seedTenant(kw, 'Rotators');
      expectProblem(await other.admin.post(`/v1/keys/${theirs.id}/rotate`, {}), 404, 'NOT_FOUND');
    });

    it('rotates on a POST with no body at all, as with {}', async () => {
      const key = created(await seeded.admin.post('/v1/keys', { name: 'k', kind: 'application' }));
      const reply = await seeded.admin.raw({ method: 'POST', path: `/v1/keys/${key.id}/rotate`, headers: {} });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(await code(reply.body.key)).toBe('VALID');
    });

    it('refuses a revoked key with 409 and a grace period beyond a week with 400', async () => {
      const key = created(await seeded.admin.post('/v1/keys', { name: 'k', kind: 'application' }));
      expect((await seeded.admin.get(`/v1/keys/${key.id}`)).body.previousSecretValidUntil).toBeNull();
      expectProblem(
        await seeded.admin.post(`/v1/keys/${key.id}/rotate`, { gracePeriodSeconds: 604_801 }),
        400,
        'VALIDATION',
      );
      await seeded.admin.post(`/v1/keys/${key.id}/revoke`);
      expectProblem(await seeded.admin.post(`/v1/keys/${key.id}/rotate`, {}), 409, 'CONFLICT');
    });
  });

  describe('the post-expiry rotation window', () => {
    it('lets an expired key rotate itself up to the last moment of the window (7 days by default), and do nothing else', async () => {
      const key = created(await seeded.admin.post('/v1/keys', { name: 'k', kind: 'application', expiresInDays: 1 }));
      const expiresAt = Date.parse(key.expiresAt);
      const self = kw.client(key.key);
      await at(expiresAt + DAY, async () => {
        expectProblem(await self.get('/v1/me'), 401, 'EXPIRED');
        expectProblem(await self.post(`/v1/keys/${key.id}/revoke`), 401, 'EXPIRED');
      });
      const lastMoment = await at(expiresAt + 7 * DAY - 1, () => self.post(`/v1/keys/${key.id}/rotate`, {}));
      expect(lastMoment.status, JSON.stringify(lastMoment.body)).toBe(200);
      expect(await at(expiresAt + 7 * DAY - 1, () => code(lastMoment.body.key))).toBe('VALID');
    });

    it('refuses the expired key just after the window; a users.manage key may still rotate or revoke it', async () => {
      const key = created(await seeded.admin.post('/v1/keys', { name: 'k', kind: 'application', expiresInDays: 1 }));
      const expiresAt = Date.parse(key.expiresAt);
      await at(expiresAt + 7 * DAY, async () => {
        expectProblem(await kw.client(key.key).post(`/v1/keys/${key.id}/rotate`, {}), 401, 'EXPIRED');
        const byAdmin = await seeded.admin.post(`/v1/keys/${key.id}/rotate`, {});
        expect(byAdmin.status).toBe(200);
        expect(await code(byAdmin.body.key)).toBe('VALID');
        expect((await seeded.admin.post(`/v1/keys/${key.id}/revoke`)).status).toBe(200);
      });
    });

    it('takes the environment’s window over the tenant’s', async () => {
      expect((await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { rotationWindowDays: 2 })).status).toBe(200);
      const wide = await environment({ rotationWindowDays: 30 });
      const tenantKey = created(
        await seeded.admin.post('/v1/keys', { name: 'k', kind: 'application', expiresInDays: 1 }),
      );
      const envKey = created(
        await seeded.admin.post('/v1/keys', {
          environmentId: wide.id,
          name: 'k',
          kind: 'application',
          expiresInDays: 1,
        }),
      );
      const expiresAt = Date.parse(tenantKey.expiresAt);
      await at(expiresAt + 2 * DAY, async () => {
        expectProblem(await kw.client(tenantKey.key).post(`/v1/keys/${tenantKey.id}/rotate`, {}), 401, 'EXPIRED');
        expect((await kw.client(envKey.key).post(`/v1/keys/${envKey.id}/rotate`, {})).status).toBe(200);
      });
      expect((await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { rotationWindowDays: null })).status).toBe(
        200,
      );
    });
  });
});
