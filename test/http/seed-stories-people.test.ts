/**
 * Issue 12, end to end over HTTP: the seeds' rules about people. Seed 000's tenant administrator
 * (delegates anything, with no escalation), seed 004's sharing groups of people (a user brings
 * each of its keys, present and future), seed 002's deployments that need not expire and users
 * who complete MFA periodically to keep access. A manual clock moves time, never a wait.
 */
import { describe, expect, it } from 'vitest';
import { DAY_MS, manualClock } from '../../src/core/clock.js';
import { sqliteOnly } from '../support/databases.js';
import { seedTenant } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created, expectProblem } from '../support/problem.js';
import { codeAt, STEP_MS } from '../support/totp.js';

// SQLite only (databases.ts): the seeds' stories are decided by the model and the services; each
// statement they run is one resources, group-doors, policies-groups and key-grants run on both databases.
describe.each(sqliteOnly())('the seed stories of people on $name', (db) => {
  const clock = manualClock(Date.UTC(2026, 0, 1));
  const kw = keywardForSuite(db, { clock });
  const seeded = tenantForSuite(kw, 'People');

  const verify = async (key: string, body: Record<string, unknown> = {}) =>
    (await kw.client().post('/v1/verify', { key, ...body })).body;
  let people = 0;
  const user = async (role: 'admin' | 'member' = 'member') => {
    people += 1;
    return created(
      await seeded.admin.post('/v1/users', { name: `Person ${people}`, email: `p${people}@people.example`, role }),
    );
  };
  const key = async (body: Record<string, unknown>) =>
    created(await seeded.admin.post('/v1/keys', { name: 'k', ...body }));

  describe('the tenant administrator (seed 000: admins manage users, keys and permissions in any environment)', () => {
    it('an admin key made from tenant-admin holds org:admin and every named permission', async () => {
      const admin = await key({ kind: 'user', userId: (await user('admin')).id, admin: true, preset: 'tenant-admin' });
      expect(admin.scopes).toEqual(['org:admin']);
      const me = (await kw.client(admin.key).get('/v1/me')).body;
      expect(me.grants.permissions).toEqual(
        expect.arrayContaining(['users.manage', 'tenant.manage', 'secrets.manage', 'runtime.run', 'library.generate']),
      );
    });

    it('delegates anything, in another environment too: no escalation, since it holds everything', async () => {
      const admin = await key({ kind: 'user', userId: (await user('admin')).id, admin: true, preset: 'tenant-admin' });
      const staging = created(await kw.client(admin.key).post('/v1/environments', { name: 'staging' }));
      const delegated = await kw.client(admin.key).post('/v1/keys', {
        environmentId: staging.id,
        name: 'ops',
        kind: 'application',
        permissions: ['secrets.manage', 'runtime.sessionTerminate'],
        scopes: ['namespace:admin', 'agent:owner'],
        levels: { cloudEvent: 'full' },
      });
      expect(delegated.status, JSON.stringify(delegated.body)).toBe(201);
    });

    it('is for admin keys only', async () => {
      expectProblem(
        await seeded.admin.post('/v1/keys', { name: 'x', kind: 'application', preset: 'tenant-admin' }),
        400,
        'VALIDATION',
      );
    });

    it('is handed out only by a key that holds all of it', async () => {
      const manager = await key({
        kind: 'user',
        userId: (await user('admin')).id,
        admin: true,
        permissions: ['users.manage'],
      });
      const refused = await kw
        .client(manager.key)
        .post('/v1/keys', { name: 'boss', kind: 'application', admin: true, preset: 'tenant-admin' });
      expectProblem(refused, 403, 'FORBIDDEN');
      expect(refused.body.excess).toContain('scope org:admin');
    });

    it('rotating another key hands out its grants, so a users.manage key without them may not', async () => {
      const manager = await key({ kind: 'application', admin: true, permissions: ['users.manage'] });
      const boss = await key({ kind: 'application', admin: true, preset: 'tenant-admin' });
      expectProblem(await kw.client(manager.key).post(`/v1/keys/${boss.id}/rotate`, {}), 403, 'FORBIDDEN');
    });
  });

  describe('sharing groups of people (seed 004: a team is people, and each of their keys)', () => {
    it('a user member makes each of its keys a member, present and future, and the group lists both kinds', async () => {
      const team = created(await seeded.admin.post('/v1/groups', { name: 'design' }));
      const ada = await user();
      const laptop = await key({ kind: 'user', userId: ada.id, levels: { agent: 'full' } });
      const tooling = await key({ kind: 'application' });
      await seeded.admin.post(`/v1/groups/${team.id}/members`, { keyId: tooling.id });
      const joined = await seeded.admin.post(`/v1/groups/${team.id}/members`, { userId: ada.id });
      expect(joined.status, JSON.stringify(joined.body)).toBe(200);
      expect(joined.body.memberUserIds).toEqual([ada.id]);
      expect(joined.body.memberKeyIds).toEqual([tooling.id]);
      expect((await seeded.admin.get(`/v1/keys/${laptop.id}`)).body.groupIds).toEqual([team.id]);
      const phone = await key({ kind: 'user', userId: ada.id });
      expect(phone.groupIds).toEqual([team.id]);
      const listed = (await seeded.admin.get(`/v1/keys?groupId=${team.id}`)).body.items.map(
        (item: { id: string }) => item.id,
      );
      expect(listed.sort()).toEqual([laptop.id, tooling.id, phone.id].sort());
    });

    it("what one of a member user's keys creates, the group owns, so its other keys and the group's keys may manage it", async () => {
      const team = created(await seeded.admin.post('/v1/groups', { name: 'research' }));
      const grace = await user();
      await seeded.admin.post(`/v1/groups/${team.id}/members`, { userId: grace.id });
      const maker = await key({ kind: 'user', userId: grace.id, levels: { agent: 'full' } });
      const later = await key({ kind: 'user', userId: grace.id });
      const agent = created(await kw.client(maker.key).post('/v1/resources', { type: 'agent', name: 'lab' }));
      expect((await verify(later.key, { action: 'update', resource: { type: 'agent', id: agent.id } })).code).toBe(
        'VALID',
      );
    });

    it('removing the user takes its keys out, at once in the verify cache', async () => {
      const team = created(await seeded.admin.post('/v1/groups', { name: 'support' }));
      const owner = await key({ kind: 'application', levels: { agent: 'full' }, groupIds: [team.id] });
      const agent = created(await kw.client(owner.key).post('/v1/resources', { type: 'agent', name: 'helpdesk' }));
      const linus = await user();
      const laptop = await key({ kind: 'user', userId: linus.id });
      await seeded.admin.post(`/v1/groups/${team.id}/members`, { userId: linus.id });
      expect((await verify(laptop.key, { action: 'update', resource: { type: 'agent', id: agent.id } })).code).toBe(
        'VALID',
      );
      const removed = await seeded.admin.delete(`/v1/groups/${team.id}/members/${linus.id}`);
      expect(removed.status, JSON.stringify(removed.body)).toBe(200);
      expect(removed.body.memberUserIds).toEqual([]);
      expect((await verify(laptop.key, { action: 'update', resource: { type: 'agent', id: agent.id } })).code).toBe(
        'FORBIDDEN',
      );
    });

    it('only a member of the group, or tenant.manage, may put a user into it', async () => {
      const team = created(await seeded.admin.post('/v1/groups', { name: 'finance' }));
      const manager = await key({ kind: 'application', admin: true, permissions: ['users.manage'] });
      const refused = await kw.client(manager.key).post(`/v1/groups/${team.id}/members`, { userId: (await user()).id });
      expectProblem(refused, 403, 'FORBIDDEN');
    });

    it('a user of another tenant is not found, and a body with both a key and a user is invalid', async () => {
      const team = created(await seeded.admin.post('/v1/groups', { name: 'legal' }));
      const other = await seedTenant(kw, 'Elsewhere');
      expectProblem(
        await seeded.admin.post(`/v1/groups/${team.id}/members`, { userId: other.adminUserId }),
        404,
        'NOT_FOUND',
      );
      expectProblem(
        await seeded.admin.post(`/v1/groups/${team.id}/members`, {
          userId: other.adminUserId,
          keyId: other.adminKeyId,
        }),
        400,
        'VALIDATION',
      );
    });
  });

  describe('expiry (seed 002: application keys are for deployments that should not expire)', () => {
    it('maxKeyExpiryDays bounds user keys only: an application key may still never expire', async () => {
      const env = created(await seeded.admin.post('/v1/environments', { name: 'expiry-users', maxKeyExpiryDays: 30 }));
      const someone = await user();
      expectProblem(
        await seeded.admin.post('/v1/keys', {
          environmentId: env.id,
          name: 'u',
          kind: 'user',
          userId: someone.id,
          expiresInDays: null,
        }),
        400,
        'VALIDATION',
      );
      const deployed = await seeded.admin.post('/v1/keys', {
        environmentId: env.id,
        name: 'svc',
        kind: 'application',
        expiresInDays: null,
      });
      expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
      expect(deployed.body.expiresAt).toBeNull();
    });

    it('maxApplicationKeyExpiryDays bounds application keys, the environment overriding the tenant', async () => {
      expect(
        (await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { maxApplicationKeyExpiryDays: 365 })).body
          .maxApplicationKeyExpiryDays,
      ).toBe(365);
      const env = created(
        await seeded.admin.post('/v1/environments', { name: 'expiry-apps', maxApplicationKeyExpiryDays: 90 }),
      );
      expect(env.maxApplicationKeyExpiryDays).toBe(90);
      const app = (expiresInDays: number | null) =>
        seeded.admin.post('/v1/keys', { environmentId: env.id, name: 'svc', kind: 'application', expiresInDays });
      expectProblem(await app(null), 400, 'VALIDATION');
      expectProblem(await app(91), 400, 'VALIDATION');
      expect((await app(90)).status).toBe(201);
      await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { maxApplicationKeyExpiryDays: null });
    });
  });

  describe('periodic MFA (seed 002: users periodically complete MFA to keep access)', () => {
    async function reverifyingPerson() {
      const env = created(await seeded.admin.post('/v1/environments', { name: `mfa-${people}`, mfaReverifyDays: 30 }));
      expect(env.mfaReverifyDays).toBe(30);
      const person = await user();
      const own = await key({ environmentId: env.id, kind: 'user', userId: person.id });
      return { env, person, own };
    }
    async function enrolByAdmin(userId: string): Promise<string> {
      const { secret } = created(await seeded.admin.post(`/v1/users/${userId}/mfa`));
      expect(
        (await seeded.admin.post(`/v1/users/${userId}/mfa/confirm`, { code: codeAt(secret, clock.now()) })).status,
      ).toBe(200);
      clock.advance(STEP_MS);
      return secret as string;
    }

    it('a user who never passed a TOTP check has a key that answers MFA_REQUIRED, valid false', async () => {
      const { own } = await reverifyingPerson();
      expect(await verify(own.key)).toMatchObject({ valid: false, code: 'MFA_REQUIRED', keyId: own.id });
    });

    it('a pass keeps the key valid for mfaReverifyDays, and after that verify answers MFA_REQUIRED', async () => {
      const { person, own } = await reverifyingPerson();
      await enrolByAdmin(person.id);
      expect((await verify(own.key)).code).toBe('VALID');
      clock.advance(29 * DAY_MS);
      expect((await verify(own.key)).code).toBe('VALID');
      clock.advance(2 * DAY_MS);
      expect(await verify(own.key)).toMatchObject({ valid: false, code: 'MFA_REQUIRED' });
    });

    it('while due, the key may call only /v1/me and /v1/me/mfa/verify; the sign-in check counts as a pass', async () => {
      const { person, own } = await reverifyingPerson();
      const secret = await enrolByAdmin(person.id);
      clock.advance(31 * DAY_MS);
      const client = kw.client(own.key);
      expectProblem(await client.get(`/v1/keys/${own.id}`), 401, 'MFA_REQUIRED');
      expectProblem(await client.get('/v1/resources'), 401, 'MFA_REQUIRED');
      expect((await client.get('/v1/me')).status).toBe(200);
      const passed = await client.post('/v1/me/mfa/verify', { code: codeAt(secret, clock.now()) });
      expect(passed.status, JSON.stringify(passed.body)).toBe(200);
      expect((await verify(own.key)).code).toBe('VALID');
      expect((await client.get(`/v1/keys/${own.id}`)).status).toBe(200);
    });

    it('application keys, and user keys where the setting is off, are not asked', async () => {
      const { env } = await reverifyingPerson();
      const service = await key({ environmentId: env.id, kind: 'application' });
      expect((await verify(service.key)).code).toBe('VALID');
      const elsewhere = await key({ kind: 'user', userId: (await user()).id });
      expect((await verify(elsewhere.key)).code).toBe('VALID');
    });
  });
});
