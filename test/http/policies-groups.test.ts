/**
 * Policies and groups over HTTP: who may create and change them, what they may carry (never
 * more than the caller holds), how they attach to keys, and what deleting them does.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import type { Client } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created, expectProblem } from '../support/problem.js';

describe.each(testDatabases())('policies and groups on $name', (db) => {
  const kw = keywardForSuite(db);
  const seeded = tenantForSuite(kw, 'Policies');
  const other = tenantForSuite(kw, 'Elsewhere');

  /** An admin key of the seeded tenant with users.manage plus `extra`. */
  async function manager(extra: Record<string, unknown> = {}): Promise<{ client: Client; id: string }> {
    const permissions = ['users.manage', ...((extra['permissions'] as string[] | undefined) ?? [])];
    const body = created(
      await seeded.admin.post('/v1/keys', {
        name: 'manager',
        kind: 'user',
        userId: seeded.adminUserId,
        admin: true,
        ...extra,
        permissions,
      }),
    );
    return { client: kw.client(body.key), id: body.id };
  }

  const verify = async (key: string, body: Record<string, unknown>) =>
    (await kw.client().post('/v1/verify', { key, ...body })).body.code as string;

  describe('policies', () => {
    it('needs tenant.manage for a tenant-wide policy, users.manage for one of an environment', async () => {
      const { client } = await manager({ permissions: ['functions.execute'] });
      expectProblem(
        await client.post('/v1/policies', { name: 'wide', permissions: ['functions.execute'] }),
        403,
        'FORBIDDEN',
      );
      const scoped = created(
        await client.post('/v1/policies', {
          environmentId: seeded.environmentId,
          name: 'narrow',
          permissions: ['functions.execute'],
        }),
      );
      expect(scoped).toMatchObject({
        environmentId: seeded.environmentId,
        tenantId: seeded.tenantId,
        permissions: ['functions.execute'],
        scopes: [],
        levels: {},
      });
      const wide = created(
        await seeded.admin.post('/v1/policies', { name: 'wide', permissions: ['functions.execute'] }),
      );
      expect(wide.environmentId).toBeNull();
      expectProblem(await client.patch(`/v1/policies/${wide.id}`, { name: 'renamed' }), 403, 'FORBIDDEN');
      expect((await client.get(`/v1/policies/${wide.id}`)).status).toBe(200);
    });

    it('never carries more than its author holds, on creation or change', async () => {
      const { client } = await manager({ scopes: ['agent:editor'] });
      const refused = await client.post('/v1/policies', {
        environmentId: seeded.environmentId,
        name: 'too much',
        levels: { agent: 'full' },
        permissions: ['secrets.manage'],
      });
      expectProblem(refused, 403, 'FORBIDDEN');
      expect(refused.body.excess).toEqual(['permission secrets.manage', 'level agent:full']);
      const policy = created(
        await client.post('/v1/policies', {
          environmentId: seeded.environmentId,
          name: 'ok',
          levels: { agent: 'view' },
        }),
      );
      const raise = await client.patch(`/v1/policies/${policy.id}`, { scopes: ['project:viewer'] });
      expectProblem(raise, 403, 'FORBIDDEN');
      expect((await client.get(`/v1/policies/${policy.id}`)).body.scopes).toEqual([]);
    });

    it('refuses an unknown permission or scope with 400 naming it', async () => {
      const reply = await seeded.admin.post('/v1/policies', {
        environmentId: seeded.environmentId,
        name: 'bad',
        scopes: ['robot:viewer'],
      });
      expectProblem(reply, 400, 'VALIDATION');
      expect(reply.body.detail).toContain('robot');
    });

    it('links only to keys of its environment (or any, when tenant-wide), and never across tenants', async () => {
      const staging = created(await seeded.admin.post('/v1/environments', { name: `staging-${Date.now()}` }));
      const stagingPolicy = created(
        await seeded.admin.post('/v1/policies', { environmentId: staging.id, name: 'staging only' }),
      );
      const reply = await seeded.admin.post('/v1/keys', {
        name: 'k',
        kind: 'application',
        policyIds: [stagingPolicy.id],
      });
      expectProblem(reply, 400, 'VALIDATION');
      expect(reply.body.field).toBe('policyIds');
      const wide = created(
        await seeded.admin.post('/v1/policies', { name: 'everywhere', permissions: ['functions.execute'] }),
      );
      expect(
        (await seeded.admin.post('/v1/keys', { name: 'k', kind: 'application', policyIds: [wide.id] })).status,
      ).toBe(201);
      const foreign = created(await other.admin.post('/v1/policies', { name: 'theirs' }));
      expectProblem(
        await seeded.admin.post('/v1/keys', { name: 'k', kind: 'application', policyIds: [foreign.id] }),
        404,
        'NOT_FOUND',
      );
      expectProblem(await seeded.admin.get(`/v1/policies/${foreign.id}`), 404, 'NOT_FOUND');
      expectProblem(await seeded.admin.patch(`/v1/policies/${foreign.id}`, { name: 'mine' }), 404, 'NOT_FOUND');
    });

    it('refuses to link a policy that gives more than the caller holds', async () => {
      const policy = created(
        await seeded.admin.post('/v1/policies', {
          environmentId: seeded.environmentId,
          name: 'secrets',
          permissions: ['secrets.manage'],
        }),
      );
      const { client } = await manager();
      const reply = await client.post('/v1/keys', { name: 'k', kind: 'application', policyIds: [policy.id] });
      expectProblem(reply, 403, 'FORBIDDEN');
      expect(reply.body.excess).toEqual([`policy ${policy.id}: permission secrets.manage`]);
    });

    it('gives tenant-scoped permissions only to the admin keys it is linked to', async () => {
      const policy = created(
        await seeded.admin.post('/v1/policies', { name: 'managers', permissions: ['users.manage'] }),
      );
      const plain = created(
        await seeded.admin.post('/v1/keys', { name: 'plain', kind: 'application', policyIds: [policy.id] }),
      );
      const admin = created(
        await seeded.admin.post('/v1/keys', {
          name: 'admin',
          kind: 'user',
          userId: seeded.adminUserId,
          admin: true,
          policyIds: [policy.id],
        }),
      );
      expect(await verify(plain.key, { permission: 'users.manage' })).toBe('FORBIDDEN');
      expect(await verify(admin.key, { permission: 'users.manage' })).toBe('VALID');
    });

    it('deletes a policy in use only with force, unlinking it from its keys', async () => {
      const policy = created(
        await seeded.admin.post('/v1/policies', {
          environmentId: seeded.environmentId,
          name: 'runners',
          permissions: ['runtime.run'],
        }),
      );
      const key = created(
        await seeded.admin.post('/v1/keys', { name: 'k', kind: 'application', policyIds: [policy.id] }),
      );
      expect(await verify(key.key, { permission: 'runtime.run' })).toBe('VALID');
      const refused = await seeded.admin.delete(`/v1/policies/${policy.id}`);
      expectProblem(refused, 409, 'CONFLICT');
      expect(refused.body.linkedKeys).toBe(1);
      expect((await seeded.admin.delete(`/v1/policies/${policy.id}?force=true`)).status).toBe(200);
      expect((await seeded.admin.get(`/v1/keys/${key.id}`)).body.policyIds).toEqual([]);
      expect(await verify(key.key, { permission: 'runtime.run' })).toBe('FORBIDDEN');
      expectProblem(await seeded.admin.get(`/v1/policies/${policy.id}`), 404, 'NOT_FOUND');
    });
  });

  describe('PATCH a key’s grants', () => {
    it('replaces each kind given and keeps the others; the key feels it on its next request', async () => {
      const key = created(
        await seeded.admin.post('/v1/keys', {
          name: 'k',
          kind: 'application',
          permissions: ['functions.execute'],
          scopes: ['agent:viewer'],
        }),
      );
      expect(await verify(key.key, { action: 'update', resource: { type: 'agent' } })).toBe('FORBIDDEN');
      const patched = await seeded.admin.patch(`/v1/keys/${key.id}`, { scopes: ['agent:editor'] });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      expect(patched.body).toMatchObject({ permissions: ['functions.execute'], scopes: ['agent:editor'] });
      expect(await verify(key.key, { action: 'update', resource: { type: 'agent' } })).toBe('VALID');
      expect(await verify(key.key, { permission: 'functions.execute' })).toBe('VALID');
    });

    it('refuses, naming it, what the caller does not hold, and changes nothing', async () => {
      const { client } = await manager({ scopes: ['agent:editor'] });
      const key = created(await client.post('/v1/keys', { name: 'k', kind: 'application', scopes: ['agent:viewer'] }));
      const reply = await client.patch(`/v1/keys/${key.id}`, { scopes: ['agent:owner'], name: 'renamed' });
      expectProblem(reply, 403, 'FORBIDDEN');
      expect(reply.body.excess).toEqual(['scope agent:owner']);
      expect((await client.get(`/v1/keys/${key.id}`)).body).toMatchObject({ name: 'k', scopes: ['agent:viewer'] });
    });

    it('refuses to change the root key’s grants', async () => {
      const me = await kw.root.get('/v1/me');
      expectProblem(await kw.root.patch(`/v1/keys/${me.body.key.id}`, { scopes: ['agent:viewer'] }), 409, 'CONFLICT');
    });
  });

  describe('groups', () => {
    it('lets only a member, or a key with tenant.manage, add keys to a group', async () => {
      const group = created(await seeded.admin.post('/v1/groups', { name: `team-${Date.now()}` }));
      const target = created(await seeded.admin.post('/v1/keys', { name: 'target', kind: 'application' }));
      const outsider = await manager();
      const refused = await outsider.client.post(`/v1/groups/${group.id}/members`, { keyId: target.id });
      expectProblem(refused, 403, 'FORBIDDEN');
      expect(refused.body.excess).toEqual([`group ${group.id}`]);
      expectProblem(
        await outsider.client.post('/v1/keys', { name: 'k', kind: 'application', groupIds: [group.id] }),
        403,
        'FORBIDDEN',
      );

      const insider = await manager({ groupIds: [group.id] });
      const added = await insider.client.post(`/v1/groups/${group.id}/members`, { keyId: target.id });
      expect(added.status, JSON.stringify(added.body)).toBe(200);
      expect(added.body.memberKeyIds.sort()).toEqual([insider.id, target.id].sort());
      expect((await seeded.admin.get(`/v1/keys/${target.id}`)).body.groupIds).toEqual([group.id]);
      expect(
        (await seeded.admin.get(`/v1/keys?groupId=${group.id}`)).body.items.map((key: { id: string }) => key.id).sort(),
      ).toEqual([insider.id, target.id].sort());
    });

    it('keeps groups per tenant: another tenant’s group or key is a 404', async () => {
      const theirs = created(await other.admin.post('/v1/groups', { name: 'theirs' }));
      expectProblem(await seeded.admin.get(`/v1/groups/${theirs.id}`), 404, 'NOT_FOUND');
      expectProblem(
        await seeded.admin.post('/v1/keys', { name: 'k', kind: 'application', groupIds: [theirs.id] }),
        404,
        'NOT_FOUND',
      );
      const mine = created(await seeded.admin.post('/v1/groups', { name: `mine-${Date.now()}` }));
      expectProblem(
        await seeded.admin.post(`/v1/groups/${mine.id}/members`, { keyId: other.adminKeyId }),
        404,
        'NOT_FOUND',
      );
    });

    it('refuses a second group of the same name in a tenant with 409', async () => {
      created(await seeded.admin.post('/v1/groups', { name: 'twice' }));
      expectProblem(await seeded.admin.post('/v1/groups', { name: 'twice' }), 409, 'CONFLICT');
    });

    it('takes its members out, and its roles off resources, when deleted', async () => {
      const group = created(await seeded.admin.post('/v1/groups', { name: `gone-${Date.now()}` }));
      const maker = created(
        await seeded.admin.post('/v1/keys', {
          name: 'maker',
          kind: 'application',
          levels: { agent: 'full' },
          groupIds: [group.id],
        }),
      );
      const member = created(
        await seeded.admin.post('/v1/keys', { name: 'member', kind: 'application', groupIds: [group.id] }),
      );
      const agent = created(await kw.client(maker.key).post('/v1/resources', { type: 'agent', name: 'shared' }));
      expect(await verify(member.key, { action: 'delete', resource: { type: 'agent', id: agent.id } })).toBe('VALID');
      const deleted = await seeded.admin.delete(`/v1/groups/${group.id}`);
      expect(deleted.status).toBe(200);
      expect(deleted.body.memberKeyIds.sort()).toEqual([maker.id, member.id].sort());
      expect((await seeded.admin.get(`/v1/keys/${member.id}`)).body.groupIds).toEqual([]);
      expect(await verify(member.key, { action: 'delete', resource: { type: 'agent', id: agent.id } })).toBe(
        'FORBIDDEN',
      );
      expect(await verify(maker.key, { action: 'delete', resource: { type: 'agent', id: agent.id } })).toBe('VALID');
    });
  });
});
