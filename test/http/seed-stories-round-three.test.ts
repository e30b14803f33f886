/**
 * Issue 23, end to end over HTTP: what a reader of the seed documents still found missing. Seed
 * 004's deploy key creates agents and projects; seed 000's Manage Tenant configures tenant-wide
 * policies by itself; seed 000's application resources sit under an application; the audit log
 * and a session's end say what happened as the API answered it.
 */
import { describe, expect, it } from 'vitest';
import { sqliteOnly } from '../support/databases.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created, expectProblem } from '../support/problem.js';

// SQLite only (databases.ts): the seeds' stories are decided by the model and the services; each
// statement they run is one resources, group-doors, policies-groups and key-grants run on both databases.
describe.each(sqliteOnly())('the seed stories, round three, on $name', (db) => {
  const kw = keywardForSuite(db);
  const seeded = tenantForSuite(kw, 'Round3');

  const verify = async (key: string, action: string, resource: Record<string, unknown>) =>
    (await kw.client().post('/v1/verify', { key, action, resource })).body.code as string;
  const appKey = async (grants: Record<string, unknown>) =>
    created(await seeded.admin.post('/v1/keys', { name: 'app', kind: 'application', ...grants }));
  const make = async (type: string, name: string, extra: Record<string, unknown> = {}) =>
    created(await seeded.admin.post('/v1/resources', { type, name, ...extra }));

  describe('seed 004: "A deploy key creates agents during CI"', () => {
    it('a deploy key creates agents and projects at the top level, and its sharing group owns them', async () => {
      const engineering = created(await seeded.admin.post('/v1/groups', { name: 'engineering-ci' }));
      const deployer = await appKey({ preset: 'deploy', groupIds: [engineering.id] });
      const teammate = await appKey({ groupIds: [engineering.id] });
      expect(await verify(deployer.key, 'create', { type: 'agent' })).toBe('VALID');
      expect(await verify(deployer.key, 'create', { type: 'project' })).toBe('VALID');

      const project = created(
        await kw.client(deployer.key).post('/v1/resources', { type: 'project', name: 'checkout-ci' }),
      );
      const agent = created(await kw.client(deployer.key).post('/v1/resources', { type: 'agent', name: 'pricing-ci' }));
      expect(agent).toMatchObject({ parentId: null, createdByKeyId: deployer.id });
      expect(await verify(teammate.key, 'delete', { type: 'agent', id: agent.id })).toBe('VALID');
      expect(await verify(teammate.key, 'delete', { type: 'project', id: project.id })).toBe('VALID');
    });

    it('a deploy key creates agents under any project it can discover, not only its own', async () => {
      const project = await make('project', 'someone-elses');
      const deployer = await appKey({ preset: 'deploy' });
      const agent = created(
        await kw.client(deployer.key).post('/v1/resources', { type: 'agent', name: 'nested', parentId: project.id }),
      );
      expect(agent.parentId).toBe(project.id);
    });

    it('a type-wide agent:editor creates agents, where a viewer, an Edit level and a foreign parent do not', async () => {
      const editor = await appKey({ scopes: ['agent:editor'] });
      created(await kw.client(editor.key).post('/v1/resources', { type: 'agent', name: 'by-editor' }));
      for (const grants of [{ preset: 'read-only' }, { levels: { agent: 'edit' } }]) {
        const key = await appKey(grants);
        expectProblem(
          await kw.client(key.key).post('/v1/resources', { type: 'agent', name: 'refused' }),
          403,
          'FORBIDDEN',
        );
      }
      // A project the editor cannot discover is not a parent it may name: 404, as if it did not exist.
      const hidden = await make('project', 'hidden');
      expectProblem(
        await kw.client(editor.key).post('/v1/resources', { type: 'agent', name: 'under', parentId: hidden.id }),
        404,
        'NOT_FOUND',
      );
    });
  });
  describe('seed 000: Manage Tenant "Configure tenant-wide policies"', () => {
    const tenantManager = async () =>
      created(
        await seeded.admin.post('/v1/keys', {
          name: 'tm',
          kind: 'user',
          userId: seeded.adminUserId,
          admin: true,
          permissions: ['tenant.manage', 'functions.execute'],
        }),
      );

    it('a key with tenant.manage alone creates, lists, changes and deletes a tenant-wide policy', async () => {
      const manager = kw.client((await tenantManager()).key);
      const policy = created(
        await manager.post('/v1/policies', { name: 'callers', permissions: ['functions.execute'] }),
      );
      expect(policy).toMatchObject({
        environmentId: null,
        tenantId: seeded.tenantId,
        permissions: ['functions.execute'],
      });
      const renamed = await manager.patch(`/v1/policies/${policy.id}`, { name: 'function-callers' });
      expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
      const listed = (await manager.get('/v1/policies')).body.items;
      expect(listed.map((item: { id: string }) => item.id)).toContain(policy.id);
      // It configures the tenant's policies, not an environment's: those stay users.manage's.
      expect(listed.every((item: { environmentId: string | null }) => item.environmentId === null)).toBe(true);
      expect((await manager.delete(`/v1/policies/${policy.id}`)).status).toBe(200);
    });

    it("tenant.manage alone neither makes an environment's policy nor links a policy to keys: that stays users.manage", async () => {
      const manager = kw.client((await tenantManager()).key);
      expectProblem(
        await manager.post('/v1/policies', {
          environmentId: seeded.environmentId,
          name: 'env',
          permissions: ['functions.execute'],
        }),
        403,
        'FORBIDDEN',
      );
      const policy = created(await manager.post('/v1/policies', { name: 'wide', permissions: ['functions.execute'] }));
      const target = await appKey({});
      const link = await manager.patch(`/v1/keys/${target.id}`, { policyIds: [policy.id] });
      expectProblem(link, 403, 'FORBIDDEN');
      expect(link.body.needed).toBe('users.manage');
      // users.manage links it, and still may not change it.
      const linker = created(
        await seeded.admin.post('/v1/keys', {
          name: 'um',
          kind: 'user',
          userId: seeded.adminUserId,
          admin: true,
          permissions: ['users.manage', 'functions.execute'],
        }),
      );
      expect((await kw.client(linker.key).patch(`/v1/keys/${target.id}`, { policyIds: [policy.id] })).status).toBe(200);
      expectProblem(await kw.client(linker.key).patch(`/v1/policies/${policy.id}`, { name: 'mine' }), 403, 'FORBIDDEN');
      expect(await verify(target.key, 'run', { type: 'apiFunction' })).toBe('VALID');
    });
  });
  describe('seed 000: Manage Applications "Manage application resources"', () => {
    it("the platform types sit under an application, and applications.manage manages what is under the tenant's applications", async () => {
      const manager = await appKey({ permissions: ['applications.manage'] });
      const client = kw.client(manager.key);
      const storefront = created(await client.post('/v1/resources', { type: 'application', name: 'storefront' }));
      const fn = created(
        await client.post('/v1/resources', { type: 'apiFunction', name: 'checkout', parentId: storefront.id }),
      );
      const secret = created(
        await seeded.admin.post('/v1/resources', {
          type: 'secret',
          name: 'stripe',
          value: 'sk',
          parentId: storefront.id,
        }),
      );
      expect(fn.parentId).toBe(storefront.id);
      // Its role on the application reaches what sits under it, whoever made it.
      expect((await client.get(`/v1/resources/${secret.id}`)).body.value).toBe('sk');
      expect((await client.patch(`/v1/resources/${secret.id}`, { value: 'sk2' })).status).toBe(200);
      const model = (await client.get('/v1/model')).body;
      const parentsOf = (type: string) => model.types.find((entry: { name: string }) => entry.name === type).parents;
      expect(parentsOf('apiFunction')).toContain('application');
      expect(parentsOf('cloudEvent')).toContain('application');
      expectProblem(await client.delete(`/v1/resources/${storefront.id}`), 409, 'CONFLICT');
    });

    it('an agent does not sit under an application: agents are not application resources', async () => {
      const application = await make('application', 'crm');
      expectProblem(
        await seeded.admin.post('/v1/resources', { type: 'agent', name: 'a', parentId: application.id }),
        400,
        'VALIDATION',
      );
    });
  });
  describe('small differences: what the API answered is what is recorded', () => {
    it("the audit log records a creation's status as the API answered it: 201, not 200", async () => {
      const group = await seeded.admin.post('/v1/groups', { name: 'audited' });
      expect(group.status).toBe(201);
      const renamed = await seeded.admin.patch(`/v1/groups/${group.body.id}`, { name: 'audited-2' });
      expect(renamed.status).toBe(200);
      const events = (await seeded.admin.get(`/v1/audit?targetId=${group.body.id}`)).body.items;
      expect(events.map((event: { action: string; status: number }) => [event.action, event.status])).toEqual([
        ['group.create', 201],
        ['group.update', 200],
      ]);
      expect((await seeded.admin.get('/v1/audit/verify')).body.ok).toBe(true);
    });

    it('seed 001: "Session Terminate" ends a session with its documents, and nothing comes back with parentId null', async () => {
      const agent = await make('agent', 'terminated');
      const session = await make('session', 'chat', { parentId: agent.id });
      const documents = [
        await make('document', 'a.pdf', { parentId: session.id }),
        await make('document', 'b.pdf', { parentId: session.id }),
      ];
      const terminator = await appKey({ permissions: ['runtime.sessionTerminate'] });
      const ended = await kw.client(terminator.key).delete(`/v1/resources/${session.id}`);
      expect(ended.status, JSON.stringify(ended.body)).toBe(200);
      expect(ended.body).toMatchObject({ id: session.id, type: 'session', parentId: agent.id });
      for (const document of documents)
        expect((await seeded.admin.get(`/v1/resources/${document.id}`)).status).toBe(404);
      const left = (await seeded.admin.get('/v1/resources?limit=100')).body.items as {
        id: string;
        type: string;
        parentId: string | null;
      }[];
      expect(
        left
          .filter((item) => item.type === 'session' || item.type === 'document')
          .filter((item) => item.parentId === null),
      ).toEqual([]);
      expect(left.map((item) => item.id)).not.toEqual(expect.arrayContaining([documents[0]?.id]));
    });
  });
  describe('seed 002: "rotate expired keys within a configurable window, currently set to 7 days by default"', () => {
    it('the API says what is in force and where it comes from: the default, the tenant, or the environment', async () => {
      const staging = created(await seeded.admin.post('/v1/environments', { name: 'settings-in-force' }));
      expect(staging.rotationWindowDays).toBeNull();
      expect(staging.effective.rotationWindowDays).toEqual({ value: 7, source: 'default' });
      expect(staging.effective.maxKeyExpiryDays).toEqual({ value: null, source: 'default' });
      expect(staging.effective.mfaRequired).toEqual({ value: false, source: 'default' });

      const tenant = await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, {
        rotationWindowDays: 14,
        mfaRequired: true,
      });
      expect(tenant.status, JSON.stringify(tenant.body)).toBe(200);
      expect(tenant.body.effective.rotationWindowDays).toEqual({ value: 14, source: 'tenant' });
      const inherited = (await seeded.admin.get(`/v1/environments/${staging.id}`)).body;
      expect(inherited.effective.rotationWindowDays).toEqual({ value: 14, source: 'tenant' });
      expect(inherited.effective.mfaRequired).toEqual({ value: true, source: 'tenant' });

      const own = await seeded.admin.patch(`/v1/environments/${staging.id}`, { rotationWindowDays: 3 });
      expect(own.body.effective.rotationWindowDays).toEqual({ value: 3, source: 'environment' });
      const listed = (await seeded.admin.get('/v1/environments')).body.items.find(
        (item: { id: string }) => item.id === staging.id,
      );
      expect(listed.effective.rotationWindowDays).toEqual({ value: 3, source: 'environment' });
      await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { rotationWindowDays: null, mfaRequired: false });
      expect((await seeded.admin.get(`/v1/tenants/${seeded.tenantId}`)).body.effective.rotationWindowDays).toEqual({
        value: 7,
        source: 'default',
      });
    });
  });
});
