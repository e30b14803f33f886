/**
 * Tenants are the isolation unit (SPEC §1, §5): another tenant's objects cannot be discovered,
 * so acting on them answers 404, never 403, and they never appear in a list. The root key has no
 * tenant and must name one. And no key grants what it does not hold (SPEC §3, no escalation).
 */
import { expectProblem } from '../support/problem.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import type { Client, Reply } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';

async function idsOf(client: Client, path: string): Promise<string[]> {
  const reply = await client.get(path);
  expect(reply.status, path).toBe(200);
  return reply.body.items.map((item: { id: string }) => item.id);
}

describe.each(testDatabases())('tenant isolation on $name', (db) => {
  let bAppKey: { id: string; key: string };
  const kw = keywardForSuite(db);
  const a = tenantForSuite(kw, 'Alpha');
  const b = tenantForSuite(kw, 'Beta');
  beforeAll(async () => {
    const created = await b.admin.post('/v1/keys', {
      name: 'beta-svc',
      kind: 'application',
      permissions: ['functions.execute'],
    });
    bAppKey = { id: created.body.id, key: created.body.key };
  });

  /** What tenant B holds, read by B itself: must be the same after every attempt by A. */
  const bState = async () =>
    Promise.all(
      [
        `/v1/tenants/${b.tenantId}`,
        `/v1/environments/${b.environmentId}`,
        `/v1/users/${b.adminUserId}`,
        `/v1/keys/${bAppKey.id}`,
      ].map(async (path) => (await b.admin.get(path)).body),
    );

  it("answers 404 for another tenant's tenant, read or changed", async () => {
    const before = await bState();
    expectProblem(await a.admin.get(`/v1/tenants/${b.tenantId}`), 404, 'NOT_FOUND');
    expectProblem(await a.admin.patch(`/v1/tenants/${b.tenantId}`, { tier: 'free' }), 404, 'NOT_FOUND');
    expect(await bState()).toEqual(before);
  });

  it("answers 404 for another tenant's environment, read, changed or deleted", async () => {
    const before = await bState();
    expectProblem(await a.admin.get(`/v1/environments/${b.environmentId}`), 404, 'NOT_FOUND');
    expectProblem(await a.admin.patch(`/v1/environments/${b.environmentId}`, { name: 'taken' }), 404, 'NOT_FOUND');
    expectProblem(await a.admin.delete(`/v1/environments/${b.environmentId}`), 404, 'NOT_FOUND');
    expect(await bState()).toEqual(before);
  });

  it("answers 404 for another tenant's user, read, changed or deleted", async () => {
    const before = await bState();
    expectProblem(await a.admin.get(`/v1/users/${b.adminUserId}`), 404, 'NOT_FOUND');
    expectProblem(await a.admin.patch(`/v1/users/${b.adminUserId}`, { role: 'member' }), 404, 'NOT_FOUND');
    expectProblem(await a.admin.delete(`/v1/users/${b.adminUserId}`), 404, 'NOT_FOUND');
    expect(await bState()).toEqual(before);
  });

  it("answers 404 for another tenant's key, read, changed or revoked, and the key still works", async () => {
    const before = await bState();
    expectProblem(await a.admin.get(`/v1/keys/${bAppKey.id}`), 404, 'NOT_FOUND');
    expectProblem(await a.admin.patch(`/v1/keys/${bAppKey.id}`, { enabled: false }), 404, 'NOT_FOUND');
    expectProblem(await a.admin.post(`/v1/keys/${bAppKey.id}/revoke`), 404, 'NOT_FOUND');
    expect(await bState()).toEqual(before);
    expect((await kw.client().post('/v1/verify', { key: bAppKey.key })).body.code).toBe('VALID');
  });

  it("never lists another tenant's objects", async () => {
    const listed = [
      ...(await idsOf(a.admin, '/v1/tenants')),
      ...(await idsOf(a.admin, '/v1/environments')),
      ...(await idsOf(a.admin, '/v1/users')),
      ...(await idsOf(a.admin, '/v1/keys')),
    ];
    expect(listed).toEqual(expect.arrayContaining([a.tenantId, a.environmentId, a.adminUserId, a.adminKeyId]));
    for (const id of [b.tenantId, b.environmentId, b.adminUserId, b.adminKeyId, bAppKey.id])
      expect(listed).not.toContain(id);
  });

  it("answers 404 for a key listing filtered by another tenant's environment, as for an unknown one", async () => {
    expectProblem(await a.admin.get(`/v1/keys?environmentId=${b.environmentId}`), 404, 'NOT_FOUND');
    expectProblem(await a.admin.get('/v1/keys?environmentId=env_01aaaaaaaaaaaaaaaaaaaaaaaa'), 404, 'NOT_FOUND');
    expect((await a.admin.get(`/v1/keys?environmentId=${a.environmentId}`)).status).toBe(200);
  });

  it("answers 404 for listings filtered by another tenant's policy, group or environment", async () => {
    const policy = await b.admin.post('/v1/policies', { name: 'theirs' });
    const group = await b.admin.post('/v1/groups', { name: 'theirs' });
    expectProblem(await a.admin.get(`/v1/keys?policyId=${policy.body.id}`), 404, 'NOT_FOUND');
    expectProblem(await a.admin.get(`/v1/keys?groupId=${group.body.id}`), 404, 'NOT_FOUND');
    expectProblem(await a.admin.get(`/v1/policies?environmentId=${b.environmentId}`), 404, 'NOT_FOUND');
  });

  it("answers 404 when a body or query names another tenant's tenantId or environmentId", async () => {
    const replies = [
      await a.admin.get(`/v1/users?tenantId=${b.tenantId}`),
      await a.admin.get(`/v1/keys?tenantId=${b.tenantId}`),
      await a.admin.get(`/v1/environments?tenantId=${b.tenantId}`),
      await a.admin.post('/v1/users', { tenantId: b.tenantId, name: 'Mole', email: 'mole@beta.example' }),
      await a.admin.post('/v1/environments', { tenantId: b.tenantId, name: 'mole' }),
      await a.admin.post('/v1/keys', { environmentId: b.environmentId, name: 'mole', kind: 'application' }),
    ];
    for (const reply of replies) expectProblem(reply, 404, 'NOT_FOUND');
    expect(await idsOf(b.admin, '/v1/users')).toEqual([b.adminUserId]);
    expect(await idsOf(b.admin, '/v1/environments')).toEqual([b.environmentId]);
    expect((await idsOf(b.admin, '/v1/keys')).sort()).toEqual([b.adminKeyId, bAppKey.id].sort());
  });

  it('makes the root key name tenantId or environmentId, with 400 naming it', async () => {
    const cases: [Reply, string][] = [
      [await kw.root.post('/v1/users', { name: 'Nobody', email: 'nobody@root.example' }), 'tenantId'],
      [await kw.root.post('/v1/environments', { name: 'orphan' }), 'tenantId'],
      [await kw.root.post('/v1/keys', { name: 'orphan', kind: 'application' }), 'environmentId'],
    ];
    for (const [reply, field] of cases) {
      expectProblem(reply, 400, 'VALIDATION');
      expect(reply.body.field).toBe(field);
      expect(reply.body.detail).toContain(field);
    }
  });
});

describe.each(testDatabases())('no escalation on $name', (db) => {
  const kw = keywardForSuite(db);
  const seeded = tenantForSuite(kw, 'Gamma');

  const createKey = (client: Client, body: Record<string, unknown>) =>
    client.post('/v1/keys', { name: 'k', kind: 'application', ...body });

  it('refuses a users.manage key a new key with a permission it lacks, with 403 naming the excess', async () => {
    const narrow = await createKey(seeded.admin, {
      kind: 'user',
      userId: seeded.adminUserId,
      admin: true,
      permissions: ['users.manage', 'functions.execute'],
    });
    const before = await idsOf(seeded.admin, '/v1/keys');
    const reply = await createKey(kw.client(narrow.body.key), {
      permissions: ['functions.execute', 'secrets.manage', 'jobs.manage'],
    });
    expectProblem(reply, 403, 'FORBIDDEN');
    expect(reply.body.detail).toContain('secrets.manage');
    expect(reply.body.excess).toEqual(['permission jobs.manage', 'permission secrets.manage']);
    expect(await idsOf(seeded.admin, '/v1/keys')).toEqual(before);
  });

  it('lets a users.manage key grant what it holds itself', async () => {
    const narrow = await createKey(seeded.admin, {
      kind: 'user',
      userId: seeded.adminUserId,
      admin: true,
      permissions: ['users.manage', 'functions.execute'],
    });
    const reply = await createKey(kw.client(narrow.body.key), { permissions: ['functions.execute'] });
    expect(reply.status).toBe(201);
    expect(reply.body.permissions).toEqual(['functions.execute']);
  });

  it('refuses tenant-scoped permissions on a key that is not admin, with 400 naming them', async () => {
    const reply = await createKey(seeded.admin, {
      permissions: ['users.manage', 'tenant.manage', 'functions.execute'],
    });
    expectProblem(reply, 400, 'VALIDATION');
    expect(reply.body.field).toBe('permissions');
    expect(reply.body.detail).toContain('users.manage');
    expect(reply.body.detail).toContain('tenant.manage');
    expect(reply.body.detail).not.toContain('functions.execute');
  });

  it('refuses an admin key to a member user with 400', async () => {
    const member = await seeded.admin.post('/v1/users', { name: 'Mia', email: 'mia@gamma.example', role: 'member' });
    const reply = await createKey(seeded.admin, { kind: 'user', userId: member.body.id, admin: true });
    expectProblem(reply, 400, 'VALIDATION');
    expect(reply.body.field).toBe('admin');
    expect(reply.body.detail).toContain(member.body.id);
  });
});

describe.each(testDatabases())('authConfig.manage on $name', (db) => {
  let config: Client;
  let stagingId: string;
  const kw = keywardForSuite(db);
  const seeded = tenantForSuite(kw, 'Delta');
  beforeAll(async () => {
    stagingId = (await seeded.admin.post('/v1/environments', { name: 'staging' })).body.id;
    const key = await seeded.admin.post('/v1/keys', {
      name: 'auth-admin',
      kind: 'application',
      permissions: ['authConfig.manage'],
    });
    config = kw.client(key.body.key);
  });

  it("changes its own environment's auth settings", async () => {
    const reply = await config.patch(`/v1/environments/${seeded.environmentId}`, {
      keyPrefix: 'delta',
      defaultKeyExpiryDays: 30,
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: seeded.environmentId, keyPrefix: 'delta', defaultKeyExpiryDays: 30 });
    const created = await seeded.admin.post('/v1/keys', { name: 'prefixed', kind: 'application' });
    expect(created.body.key).toMatch(/^delta_/);
  });

  it('cannot rename its own environment: 403 FORBIDDEN, and nothing changes', async () => {
    const reply = await config.patch(`/v1/environments/${seeded.environmentId}`, {
      name: 'renamed',
      keyPrefix: 'sneaky',
    });
    expectProblem(reply, 403, 'FORBIDDEN');
    expect(reply.body.detail).toContain('tenant.manage');
    expect((await seeded.admin.get(`/v1/environments/${seeded.environmentId}`)).body).toMatchObject({ name: 'prod' });
    expect((await seeded.admin.get(`/v1/environments/${seeded.environmentId}`)).body.keyPrefix).not.toBe('sneaky');
  });

  it("cannot change another environment's auth settings: 403 FORBIDDEN", async () => {
    expectProblem(await config.patch(`/v1/environments/${stagingId}`, { keyPrefix: 'stolen' }), 403, 'FORBIDDEN');
    expect((await seeded.admin.get(`/v1/environments/${stagingId}`)).body.keyPrefix).toBe('kw');
  });
});
