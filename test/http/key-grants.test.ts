/**
 * Grants on keys over HTTP (SPEC §2–§3): permissions, scopes, levels and presets are taken,
 * validated against the model with a 400 naming what is unknown, stored normalised, never more
 * than the caller holds (403 naming the excess), and decide verify's `action` + `resource`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import type { Client } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { expectProblem } from '../support/problem.js';

describe.each(testDatabases())('grants on keys on $name', (db) => {
  const kw = keywardForSuite(db);
  const seeded = tenantForSuite(kw, 'Grants');

  const createKey = (caller: Client, body: Record<string, unknown>) =>
    caller.post('/v1/keys', { name: 'k', kind: 'application', ...body });
  const verify = async (key: string, body: Record<string, unknown>) => {
    const reply = await kw.client().post('/v1/verify', { key, ...body });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body as { code: string; valid: boolean; missing?: unknown };
  };
  const can = async (key: string, action: string, type: string) =>
    (await verify(key, { action, resource: { type } })).code;

  /** An admin key holding users.manage plus exactly `grants`: a caller whose reach is known. */
  async function managerWith(grants: Record<string, unknown>): Promise<Client> {
    const reply = await createKey(seeded.admin, {
      kind: 'user',
      userId: seeded.adminUserId,
      admin: true,
      ...grants,
      permissions: ['users.manage', ...((grants['permissions'] as string[]) ?? [])],
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return kw.client(reply.body.key);
  }

  describe('what a key is given', () => {
    it('expands a preset into its scopes and keeps its name', async () => {
      const reply = await createKey(seeded.admin, { preset: 'deploy' });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      expect(reply.body).toMatchObject({
        preset: 'deploy',
        scopes: ['agent:editor', 'namespace:admin', 'project:editor'],
        permissions: [],
        levels: {},
      });
      expect(await can(reply.body.key, 'create', 'namespace')).toBe('VALID');
      expect(await can(reply.body.key, 'update', 'agent')).toBe('VALID');
      expect(await can(reply.body.key, 'delete', 'agent')).toBe('FORBIDDEN');
    });

    it('adds scopes given with a preset to the preset’s', async () => {
      const reply = await createKey(seeded.admin, { preset: 'read-only', scopes: ['webhook:editor'] });
      expect(reply.body.scopes).toEqual(['agent:viewer', 'project:viewer', 'webhook:editor']);
      expect(await can(reply.body.key, 'update', 'webhook')).toBe('VALID');
      expect(await can(reply.body.key, 'update', 'agent')).toBe('FORBIDDEN');
    });

    it('stores executor as viewer plus run, and checks it so', async () => {
      const reply = await createKey(seeded.admin, { scopes: ['agent:executor'] });
      expect(reply.status).toBe(201);
      expect(reply.body.scopes).toEqual(['agent:viewer+run']);
      expect(await can(reply.body.key, 'run', 'agent')).toBe('VALID');
      expect(await can(reply.body.key, 'read', 'agent')).toBe('VALID');
      expect(await can(reply.body.key, 'update', 'agent')).toBe('FORBIDDEN');
    });

    it('keeps levels as given and checks them as type-wide roles; none adds nothing', async () => {
      const reply = await createKey(seeded.admin, { levels: { agent: 'full', project: 'view', webhook: 'none' } });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      expect(reply.body.levels).toEqual({ agent: 'full', project: 'view', webhook: 'none' });
      expect(await can(reply.body.key, 'create', 'agent')).toBe('VALID');
      expect(await can(reply.body.key, 'read', 'project')).toBe('VALID');
      expect(await can(reply.body.key, 'update', 'project')).toBe('FORBIDDEN');
      expect(await can(reply.body.key, 'read', 'webhook')).toBe('FORBIDDEN');
    });

    it('holds assistant.use on every valid key, without listing or storing it', async () => {
      const reply = await createKey(seeded.admin, { permissions: ['assistant.use'] });
      expect(reply.status).toBe(201);
      expect(reply.body.permissions).toEqual([]);
      expect((await verify(reply.body.key, { permission: 'assistant.use' })).code).toBe('VALID');
      const bare = await createKey(seeded.admin, {});
      expect((await verify(bare.body.key, { permission: 'assistant.use' })).code).toBe('VALID');
      expect((await kw.client(bare.body.key).get('/v1/me')).body.grants.permissions).toEqual(['assistant.use']);
    });

    it('shows the effective grants at /v1/me, scopes and permissions compiled together', async () => {
      const reply = await createKey(seeded.admin, {
        scopes: ['project:viewer'],
        permissions: ['runtime.run'],
        levels: { agent: 'edit' },
      });
      const me = await kw.client(reply.body.key).get('/v1/me');
      expect(me.status).toBe(200);
      expect(me.body.grants).toMatchObject({
        root: false,
        permissions: ['assistant.use', 'runtime.run'],
        // Seed 001: edit is discover, read and update; runtime.run adds run (and opening sessions).
        typeWide: { agent: ['discover', 'read', 'run', 'update'], project: ['discover', 'read'] },
        createsTypes: ['session'],
        allTypes: [],
        resources: {},
      });
      expect(me.body.key).toMatchObject({
        scopes: ['project:viewer'],
        levels: { agent: 'edit' },
        permissions: ['runtime.run'],
      });
    });
  });

  describe('what the model does not know is a 400 naming it', () => {
    const cases: [string, Record<string, unknown>, string, string][] = [
      ['an unknown permission', { permissions: ['functions.exec'] }, 'permissions', 'functions.exec'],
      ['an unknown type in a scope', { scopes: ['robot:viewer'] }, 'scopes', 'unknown type "robot"'],
      ['an unknown role in a scope', { scopes: ['agent:commander'] }, 'scopes', 'unknown role "commander"'],
      [
        'a role its type does not allow',
        { scopes: ['namespace:viewer'] },
        'scopes',
        'role "viewer" is not valid for type "namespace"',
      ],
      ['something not a scope', { scopes: ['agent'] }, 'scopes', '"agent" is not a scope'],
      ['an unknown action after +', { scopes: ['agent:viewer+fly'] }, 'scopes', 'unknown action "fly"'],
      ['an unknown preset', { preset: 'superuser' }, 'preset', 'unknown preset "superuser"'],
      ['an unknown type in levels', { levels: { robot: 'view' } }, 'levels', 'unknown type "robot"'],
      ['an unknown level', { levels: { agent: 'most' } }, 'levels', 'unknown level "most"'],
      [
        'levels on a type without viewer/editor/owner',
        { levels: { namespace: 'view' } },
        'levels',
        'levels do not apply to type "namespace"',
      ],
    ];
    for (const [what, grants, field, named] of cases) {
      it(`refuses ${what}`, async () => {
        const reply = await createKey(seeded.admin, grants);
        expectProblem(reply, 400, 'VALIDATION');
        expect(reply.body.field).toBe(field);
        expect(reply.body.detail).toContain(named);
      });
    }

    it('refuses a tenant-scoped permission on a key that is not admin', async () => {
      for (const permission of ['users.manage', 'tenant.manage']) {
        const reply = await createKey(seeded.admin, { permissions: [permission] });
        expectProblem(reply, 400, 'VALIDATION');
        expect(reply.body.detail).toContain(`${permission} may only be held by an admin key`);
      }
    });
  });

  describe('no escalation, compared by value', () => {
    it('lets a caller grant a narrower role of a type it holds wider', async () => {
      const manager = await managerWith({ scopes: ['agent:owner'] });
      for (const scope of ['agent:editor', 'agent:viewer', 'agent:executor', 'agent:owner']) {
        expect((await createKey(manager, { scopes: [scope] })).status, scope).toBe(201);
      }
      expect((await createKey(manager, { levels: { agent: 'edit' } })).status).toBe(201);
    });

    it('lets a caller grant a scope its named permissions already cover', async () => {
      const manager = await managerWith({ permissions: ['apiFunctions.manage'] });
      expect((await createKey(manager, { scopes: ['apiFunction:owner'] })).status).toBe(201);
    });

    it('refuses what goes beyond, naming each excess, and creates nothing', async () => {
      const manager = await managerWith({ scopes: ['agent:editor'] });
      const before = (await seeded.admin.get('/v1/keys?limit=100')).body.items.length;
      const reply = await createKey(manager, {
        scopes: ['agent:owner', 'project:viewer', 'agent:viewer'],
        permissions: ['runtime.run'],
      });
      expectProblem(reply, 403, 'FORBIDDEN');
      expect(reply.body.excess).toEqual(['permission runtime.run', 'scope agent:owner', 'scope project:viewer']);
      const preset = await createKey(manager, { preset: 'deploy' });
      expectProblem(preset, 403, 'FORBIDDEN');
      expect(preset.body.excess).toEqual(['scope namespace:admin', 'scope project:editor']);
      const level = await createKey(manager, { levels: { agent: 'full' } });
      expectProblem(level, 403, 'FORBIDDEN');
      expect(level.body.excess).toEqual(['level agent:full']);
      expect((await seeded.admin.get('/v1/keys?limit=100')).body.items.length).toBe(before);
    });

    it('refuses the right to create a type to a caller who has every action on it but not that right', async () => {
      // Every action of owner, as a viewer's extras: a role's `create` is children, not the type.
      const manager = await managerWith({ scopes: ['agent:viewer+update+run+create+delete+share'] });
      expect((await createKey(manager, { scopes: ['agent:viewer+update+create+delete'] })).status).toBe(201);
      const reply = await createKey(manager, { scopes: ['agent:owner'] });
      expectProblem(reply, 403, 'FORBIDDEN');
      expect(reply.body.excess).toEqual(['scope agent:owner']);
    });
  });

  describe('verify with action and resource', () => {
    let key: string;
    beforeAll(async () => {
      key = (await createKey(seeded.admin, { scopes: ['agent:editor'], permissions: ['runtime.run'] })).body.key;
    });

    it('answers the type-wide question, naming what was missing on a denial', async () => {
      expect(await verify(key, { action: 'update', resource: { type: 'agent' } })).toMatchObject({
        valid: true,
        code: 'VALID',
      });
      expect(await verify(key, { action: 'create', resource: { type: 'session' } })).toMatchObject({
        valid: true,
        code: 'VALID',
      });
      expect(await verify(key, { action: 'delete', resource: { type: 'agent' } })).toMatchObject({
        valid: false,
        code: 'FORBIDDEN',
        missing: { action: 'delete', resource: { type: 'agent' } },
      });
    });

    it('answers FORBIDDEN for a resource id it does not know, revealing nothing', async () => {
      const reply = await verify(key, {
        action: 'read',
        resource: { type: 'agent', id: 'res_01aaaaaaaaaaaaaaaaaaaaaaaa' },
      });
      expect(reply).toMatchObject({
        valid: false,
        code: 'FORBIDDEN',
        missing: { action: 'read', resource: { type: 'agent', id: 'res_01aaaaaaaaaaaaaaaaaaaaaaaa' } },
      });
    });

    it('checks a permission and an action together when both are asked', async () => {
      expect((await verify(key, { permission: 'runtime.run', action: 'run', resource: { type: 'agent' } })).code).toBe(
        'VALID',
      );
      expect(
        await verify(key, { permission: 'webhooks.manage', action: 'run', resource: { type: 'agent' } }),
      ).toMatchObject({
        code: 'FORBIDDEN',
        missing: { permission: 'webhooks.manage' },
      });
    });

    const bad: [string, Record<string, unknown>, string][] = [
      ['an unknown action', { action: 'fly', resource: { type: 'agent' } }, 'action'],
      ['an unknown type', { action: 'read', resource: { type: 'robot' } }, 'resource.type'],
      ['an action without a resource', { action: 'read' }, 'resource'],
      ['a resource without an action', { resource: { type: 'agent' } }, 'action'],
      [
        'both id and externalId',
        { action: 'read', resource: { type: 'agent', id: 'res_01aaaaaaaaaaaaaaaaaaaaaaaa', externalId: 'a-1' } },
        'resource',
      ],
    ];
    for (const [what, body, field] of bad) {
      it(`refuses ${what} with 400 naming it, whatever the key`, async () => {
        const reply = await kw.client().post('/v1/verify', { key, ...body });
        expectProblem(reply, 400, 'VALIDATION');
        expect(reply.body.field).toBe(field);
      });
    }
  });
});
