/**
 * The authorization rules a security review found broken (issue 11): MFA cannot be switched off
 * by what it protects (SPEC §4), a rotated-out secret may only be used (SPEC §4), and anything the
 * caller cannot discover is a 404 decided before the route's permission (SPEC §5).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { testDatabases } from '../support/databases.js';
import type { Client } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created, expectProblem } from '../support/problem.js';
import { codeAt, STEP_MS } from '../support/totp.js';

describe.each(testDatabases())('authorization rules on $name', (db) => {
  let people = 0;
  const clock = manualClock(Date.UTC(2026, 4, 1));
  const kw = keywardForSuite(db, { clock });
  const a = tenantForSuite(kw, 'Alpha');
  const b = tenantForSuite(kw, 'Beta');

  const verify = async (key: string): Promise<string> => (await kw.client().post('/v1/verify', { key })).body.code;

  /** A user of tenant A (admin role, so its keys may be admin keys) with one key holding `body`'s grants. */
  async function userWithKey(
    body: Record<string, unknown> = {},
    environmentId?: string,
  ): Promise<{ userId: string; keyId: string; key: string; client: Client }> {
    people += 1;
    const user = created(
      await a.admin.post('/v1/users', { name: `P${people}`, email: `p${people}@alpha.example`, role: 'admin' }),
    );
    const key = created(
      await a.admin.post('/v1/keys', {
        kind: 'user',
        userId: user.id,
        name: 'laptop',
        ...(environmentId ? { environmentId } : {}),
        ...body,
      }),
    );
    return { userId: user.id, keyId: key.id, key: key.key, client: kw.client(key.key) };
  }

  /** Enrols and confirms the user's MFA through `client`; the clock then moves on so a fresh code is at hand. */
  async function enrol(client: Client, userId: string): Promise<string> {
    const enrolment = created(await client.post(`/v1/users/${userId}/mfa`));
    expect(
      (await client.post(`/v1/users/${userId}/mfa/confirm`, { code: codeAt(enrolment.secret, clock.now()) })).status,
    ).toBe(200);
    clock.advance(STEP_MS);
    return enrolment.secret;
  }

  describe('MFA is not switched off by what it protects (SPEC §4)', () => {
    it("no key resets its own user's confirmed enrolment, users.manage or not; another users.manage key does", async () => {
      const manager = await userWithKey({ admin: true, permissions: ['users.manage'] });
      await enrol(manager.client, manager.userId);
      expectProblem(await manager.client.delete(`/v1/users/${manager.userId}/mfa`), 403, 'FORBIDDEN');
      expect((await manager.client.get(`/v1/users/${manager.userId}/mfa`)).body.enrolled).toBe(true);
      expect((await a.admin.delete(`/v1/users/${manager.userId}/mfa`)).status).toBe(200);
    });

    it('authConfig.manage may switch mfaRequired on but not off; tenant.manage switches it off', async () => {
      const environment = created(await a.admin.post('/v1/environments', { name: 'mfa-on-off' }));
      const auth = created(
        await kw.root.post('/v1/keys', {
          environmentId: environment.id,
          name: 'auth',
          kind: 'application',
          permissions: ['authConfig.manage'],
        }),
      );
      const client = kw.client(auth.key);
      const path = `/v1/environments/${environment.id}`;
      expect((await client.patch(path, { mfaRequired: true })).body.mfaRequired).toBe(true);
      expectProblem(await client.patch(path, { mfaRequired: false }), 403, 'FORBIDDEN');
      expectProblem(await client.patch(path, { mfaRequired: null }), 403, 'FORBIDDEN');
      expect((await a.admin.get(path)).body.mfaRequired).toBe(true);
      const off = await a.admin.patch(path, { mfaRequired: false });
      expect(off.status, JSON.stringify(off.body)).toBe(200);
      expect(off.body.mfaRequired).toBe(false);
    });

    describe('where the tenant requires MFA', () => {
      beforeAll(async () => {
        expect((await a.admin.patch(`/v1/tenants/${a.tenantId}`, { mfaRequired: true })).status).toBe(200);
      });
      afterAll(async () => {
        expect((await a.admin.patch(`/v1/tenants/${a.tenantId}`, { mfaRequired: false })).status).toBe(200);
      });

      it('an application key cannot rotate a user key, whatever it holds; it may revoke it', async () => {
        const owner = await userWithKey();
        await enrol(owner.client, owner.userId);
        const app = created(
          await kw.root.post('/v1/keys', {
            environmentId: a.environmentId,
            name: 'ops',
            kind: 'application',
            admin: true,
            permissions: ['users.manage'],
          }),
        );
        const ops = kw.client(app.key);
        expectProblem(await ops.post(`/v1/keys/${owner.keyId}/rotate`, {}), 403, 'FORBIDDEN');
        expect(await verify(owner.key)).toBe('VALID');
        const revoked = await ops.post(`/v1/keys/${owner.keyId}/revoke`);
        expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
        expect(await verify(owner.key)).toBe('REVOKED');
      });

      it("another user key rotating a user key gives the calling key's user's code, not the key's own user's", async () => {
        const owner = await userWithKey();
        const ownerSecret = await enrol(owner.client, owner.userId);
        const manager = await userWithKey({ admin: true, permissions: ['users.manage'] });
        const managerSecret = await enrol(manager.client, manager.userId);
        expectProblem(
          await manager.client.post(`/v1/keys/${owner.keyId}/rotate`, { otp: codeAt(ownerSecret, clock.now()) }),
          401,
          'MFA_INVALID',
        );
        const rotated = await manager.client.post(`/v1/keys/${owner.keyId}/rotate`, {
          otp: codeAt(managerSecret, clock.now()),
        });
        expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
        expect(await verify(rotated.body.key)).toBe('VALID');
      });
    });
  });

  describe('a rotated-out secret in its grace period may only be used (SPEC §4)', () => {
    async function rotatedWithGrace(
      body: Record<string, unknown> = {},
    ): Promise<{ keyId: string; userId: string; old: Client; oldKey: string; newKey: string }> {
      const who = await userWithKey(body);
      const rotated = await who.client.post(`/v1/keys/${who.keyId}/rotate`, { gracePeriodSeconds: 3600 });
      expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
      return { keyId: who.keyId, userId: who.userId, old: who.client, oldKey: who.key, newKey: rotated.body.key };
    }

    it('verifies, and may read /v1/me', async () => {
      const key = await rotatedWithGrace();
      expect(await verify(key.oldKey)).toBe('VALID');
      expect((await key.old.get('/v1/me')).body).toMatchObject({ key: { id: key.keyId } });
    });

    it('may not disable its key, create keys, or make any other management call', async () => {
      const key = await rotatedWithGrace({ admin: true, permissions: ['users.manage'] });
      expectProblem(await key.old.patch(`/v1/keys/${key.keyId}`, { enabled: false }), 403, 'FORBIDDEN');
      expectProblem(await key.old.post('/v1/keys', { name: 'spare', kind: 'application' }), 403, 'FORBIDDEN');
      expectProblem(await key.old.get('/v1/keys'), 403, 'FORBIDDEN');
      expectProblem(await key.old.get('/v1/model'), 403, 'FORBIDDEN');
      expect(await verify(key.newKey)).toBe('VALID');
      expect((await kw.client(key.newKey).get('/v1/keys')).status).toBe(200);
      const denied = await a.admin.get(`/v1/audit?actorKeyId=${key.keyId}&outcome=denied`);
      expect(denied.body.items.length).toBeGreaterThanOrEqual(4);
    });

    it('may not rotate or revoke its key again, so the new secret stays its holder’s', async () => {
      const key = await rotatedWithGrace();
      expectProblem(await key.old.post(`/v1/keys/${key.keyId}/rotate`, {}), 403, 'FORBIDDEN');
      expectProblem(await key.old.post(`/v1/keys/${key.keyId}/revoke`), 403, 'FORBIDDEN');
      expect(await verify(key.newKey)).toBe('VALID');
    });

    it('may not revoke another key with the users.manage it holds', async () => {
      const key = await rotatedWithGrace({ admin: true, permissions: ['users.manage'] });
      const victim = created(await a.admin.post('/v1/keys', { name: 'victim', kind: 'application' }));
      expectProblem(await key.old.post(`/v1/keys/${victim.id}/revoke`), 403, 'FORBIDDEN');
      expect(await verify(victim.key)).toBe('VALID');
    });

    it('may not touch MFA: enrol, confirm, reset or check a code', async () => {
      const key = await rotatedWithGrace();
      const path = `/v1/users/${key.userId}/mfa`;
      expectProblem(await key.old.post(path), 403, 'FORBIDDEN');
      expectProblem(await key.old.post(`${path}/confirm`, { code: '123456' }), 403, 'FORBIDDEN');
      expectProblem(await key.old.delete(path), 403, 'FORBIDDEN');
      expectProblem(await key.old.post('/v1/me/mfa/verify', { code: '123456' }), 403, 'FORBIDDEN');
      // The current secret may.
      expect((await kw.client(key.newKey).post(path)).status).toBe(201);
    });
  });

  describe('what the caller cannot discover is 404, before the route’s permission (SPEC §5)', () => {
    let plain: Client;
    let bKeyId: string;
    let bPolicyId: string;
    let bGroupId: string;
    beforeAll(async () => {
      plain = kw.client(created(await a.admin.post('/v1/keys', { name: 'plain', kind: 'application' })).key);
      bKeyId = created(await b.admin.post('/v1/keys', { name: 'beta-svc', kind: 'application' })).id;
      bPolicyId = created(
        await b.admin.post('/v1/policies', { environmentId: b.environmentId, name: 'beta-policy' }),
      ).id;
      bGroupId = created(await b.admin.post('/v1/groups', { name: 'beta-group' })).id;
    });

    it("answers 404 for another tenant's key, user, environment, tenant, policy and group to a key without the routes' permissions", async () => {
      const calls = [
        () => plain.get(`/v1/keys/${bKeyId}`),
        () => plain.patch(`/v1/keys/${bKeyId}`, { name: 'taken' }),
        () => plain.post(`/v1/keys/${bKeyId}/rotate`, {}),
        () => plain.post(`/v1/keys/${bKeyId}/revoke`),
        () => plain.get(`/v1/keys/${bKeyId}/usage`),
        () => plain.get(`/v1/users/${b.adminUserId}`),
        () => plain.patch(`/v1/users/${b.adminUserId}`, { name: 'taken' }),
        () => plain.delete(`/v1/users/${b.adminUserId}`),
        () => plain.post(`/v1/users/${b.adminUserId}/mfa`),
        () => plain.get(`/v1/environments/${b.environmentId}`),
        () => plain.patch(`/v1/environments/${b.environmentId}`, { name: 'taken' }),
        () => plain.delete(`/v1/environments/${b.environmentId}`),
        () => plain.get(`/v1/tenants/${b.tenantId}`),
        () => plain.patch(`/v1/tenants/${b.tenantId}`, { name: 'taken' }),
        () => plain.get(`/v1/policies/${bPolicyId}`),
        () => plain.delete(`/v1/policies/${bPolicyId}`),
        () => plain.get(`/v1/groups/${bGroupId}`),
        () => plain.post(`/v1/groups/${bGroupId}/members`, { keyId: bKeyId }),
        () => plain.get(`/v1/keys?environmentId=${b.environmentId}`),
        () => plain.post('/v1/users', { tenantId: b.tenantId, name: 'x', email: 'x@beta.example' }),
      ];
      for (const call of calls) expectProblem(await call(), 404, 'NOT_FOUND');
      expect(await verify(created(await b.admin.post('/v1/keys', { name: 'still', kind: 'application' })).key)).toBe(
        'VALID',
      );
    });

    it('answers 404 for an id that names nothing, whatever the caller holds', async () => {
      expectProblem(await plain.get('/v1/keys/key_00000000000000000000000000'), 404, 'NOT_FOUND');
      expectProblem(await plain.get('/v1/users/usr_00000000000000000000000000'), 404, 'NOT_FOUND');
    });

    it("still answers 403 for its own tenant's objects it may not act on", async () => {
      expectProblem(await plain.get(`/v1/keys/${a.adminKeyId}`), 403, 'FORBIDDEN');
      expectProblem(await plain.get(`/v1/users/${a.adminUserId}`), 403, 'FORBIDDEN');
      expectProblem(await plain.get(`/v1/environments/${a.environmentId}`), 403, 'FORBIDDEN');
    });

    it("answers 404 for a resource listing filtered by another tenant's environment or parent", async () => {
      const bNamespace = created(await b.admin.post('/v1/resources', { type: 'namespace', name: 'beta-ns' }));
      expectProblem(await a.admin.get(`/v1/resources?environmentId=${b.environmentId}`), 404, 'NOT_FOUND');
      expectProblem(await a.admin.get(`/v1/resources?parentId=${bNamespace.id}`), 404, 'NOT_FOUND');
      expect((await a.admin.get(`/v1/resources?environmentId=${a.environmentId}`)).status).toBe(200);
    });
  });
});
