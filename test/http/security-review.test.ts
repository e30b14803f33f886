/**
 * Security review: each test states what the SPEC (or the code's own stated contract) requires
 * where the implementation was suspected to break it. A failing test here is a finding.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import type { Client } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created, expectProblem } from '../support/problem.js';

describe.each(testDatabases())('security review on $name', (db) => {
  const kw = keywardForSuite(db);
  const seeded = tenantForSuite(kw, 'Review');

  const verify = async (body: Record<string, unknown>) => kw.client().post('/v1/verify', body);

  /** An admin key of the seeded admin user holding users.manage plus exactly `extra` permissions. */
  async function managerWith(
    extra: string[] = [],
    body: Record<string, unknown> = {},
  ): Promise<{ id: string; key: string; client: Client }> {
    const key = created(
      await seeded.admin.post('/v1/keys', {
        name: 'manager',
        kind: 'user',
        userId: seeded.adminUserId,
        admin: true,
        permissions: ['users.manage', ...extra],
        ...body,
      }),
    );
    return { id: key.id, key: key.key, client: kw.client(key.key) };
  }

  describe('no escalation', () => {
    it('does not hand a users.manage key the secret of a key holding more than it (rotation of a stronger key)', async () => {
      // SPEC §3: "A key never grants what it does not hold". Rotating another key answers its new
      // secret, so rotating a stronger key is getting (and handing out) everything that key holds.
      const stronger = await managerWith(['tenant.manage', 'secrets.manage']);
      const manager = await managerWith();
      expectProblem(await manager.client.get('/v1/audit'), 403, 'FORBIDDEN');
      const rotated = await manager.client.post(`/v1/keys/${stronger.id}/rotate`, {});
      expectProblem(rotated, 403, 'FORBIDDEN');
      // The stronger key was not rotated out from under its owner, and no new secret of it exists.
      expect((await verify({ key: stronger.key, permission: 'tenant.manage' })).body.code).toBe('VALID');
    });

    it('does not let an editor of a resource become its owner by moving it under a parent it owns', async () => {
      // A deploy key (seed 004: namespace:admin, agent:editor, project:editor) may edit an agent it
      // did not create, but not share (visibility) or delete it.
      const agent = created(await seeded.admin.post('/v1/resources', { type: 'agent', name: 'someone-elses' }));
      const deploy = created(
        await seeded.admin.post('/v1/keys', { name: 'deploy', kind: 'application', preset: 'deploy' }),
      );
      const deployer = kw.client(deploy.key);
      expectProblem(await deployer.patch(`/v1/resources/${agent.id}`, { visibility: 'PUBLIC' }), 403, 'FORBIDDEN');
      expectProblem(await deployer.delete(`/v1/resources/${agent.id}`), 403, 'FORBIDDEN');
      // It moves the agent under a namespace of its own...
      const namespace = created(await deployer.post('/v1/resources', { type: 'namespace', name: 'mine' }));
      await deployer.patch(`/v1/resources/${agent.id}`, { parentId: namespace.id });
      // ...and must still not be able to publish the agent to every tenant, or delete it.
      await deployer.patch(`/v1/resources/${agent.id}`, { visibility: 'PUBLIC' });
      const after = await seeded.admin.get(`/v1/resources/${agent.id}`);
      expect(after.status).toBe(200);
      expect(after.body.visibility).toBe('ENVIRONMENT');
      expect(await deployer.delete(`/v1/resources/${agent.id}`)).toMatchObject({ status: 403 });
    });
  });

  describe('disclosure', () => {
    it('does not reveal, in a PATCH answer, the parent id that GET hides from the caller', async () => {
      const project = created(await seeded.admin.post('/v1/resources', { type: 'project', name: 'hidden-project' }));
      const agent = created(
        await seeded.admin.post('/v1/resources', { type: 'agent', name: 'a', parentId: project.id }),
      );
      const editor = created(
        await seeded.admin.post('/v1/keys', {
          name: 'agent-editor',
          kind: 'application',
          scopes: [`agent:${agent.id}:editor`],
        }),
      );
      const client = kw.client(editor.key);
      const read = await client.get(`/v1/resources/${agent.id}`);
      expect(read.status).toBe(200);
      expect(read.body.parentId).toBeNull();
      const patched = await client.patch(`/v1/resources/${agent.id}`, { name: 'renamed' });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      expect(patched.body.parentId, 'the PATCH answer names the project the key may not discover').toBeNull();
    });
  });

  describe('bad input is a 4xx, never a 500 or 503', () => {
    it('answers an audit time filter on a leap second without a 500', async () => {
      // date-time (RFC 3339) allows second 60; Date.parse does not.
      const reply = await seeded.admin.get('/v1/audit?from=2016-12-31T23:59:60Z');
      expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(500);
    });

    it('answers a name with a NUL character without a 500', async () => {
      const reply = await seeded.admin.post('/v1/groups', { name: 'a\u0000b' });
      expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(500);
      const resource = await seeded.admin.post('/v1/resources', { type: 'agent', name: 'x\u0000' });
      expect(resource.status, JSON.stringify(resource.body)).toBeLessThan(500);
    });

    it('answers 400 naming NUL for one in a body, a query string or a path, and accepts the text "\\u0000"', async () => {
      for (const reply of [
        await seeded.admin.post('/v1/groups', { name: 'a\u0000b' }),
        await seeded.admin.get('/v1/audit?targetId=%00'),
        await seeded.admin.get('/v1/resources/res_%00'),
      ]) {
        expectProblem(reply, 400, 'VALIDATION');
        expect(reply.body.detail).toContain('NUL');
      }
      // A backslash followed by u0000 is text, not a NUL.
      expect((await seeded.admin.post('/v1/groups', { name: 'literal \\u0000' })).status).toBe(201);
    });

    it('answers verify with a NUL in an externalId with a verdict or a 400, not 503 UNAVAILABLE', async () => {
      const reply = await verify({
        key: seeded.adminKey,
        action: 'read',
        resource: { type: 'agent', externalId: 'x\u0000' },
      });
      expect([200, 400], JSON.stringify(reply.body)).toContain(reply.status);
    });

    it('does not let one verify with a NUL in clientIp stop every key’s usage from being stored', async () => {
      const victim = created(await seeded.admin.post('/v1/keys', { name: 'victim', kind: 'application' }));
      const attacker = created(await seeded.admin.post('/v1/keys', { name: 'attacker', kind: 'application' }));
      const poisoned = await verify({ key: attacker.key, clientIp: '\u0000' });
      expect(poisoned.status).toBeLessThan(500);
      expect((await verify({ key: victim.key })).body.code).toBe('VALID');
      await kw.keyward.usage.flush().catch(() => undefined);
      const stored = await kw.database.storage.db
        .selectFrom('key_usage_days')
        .selectAll()
        .where('key_id', '=', victim.id)
        .execute();
      expect(stored.length, 'the victim key’s verify was never written').toBe(1);
    });
  });
});
