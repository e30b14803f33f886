/**
 * `/v1/environments`: partitions of a tenant, managed with `tenant.manage`. Their settings
 * override the tenant's, except that MFA can only be tightened; one with live keys stays.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { seedTenant } from '../support/keyward.js';
import { keywardForSuite } from '../support/suite-keyward.js';

describe.each(testDatabases())('environments on $name', (db) => {
  const kw = keywardForSuite(db);

  it("creates an environment in the caller's tenant with the default key prefix kw", async () => {
    const seeded = await seedTenant(kw, 'Create');
    const reply = await seeded.admin.post('/v1/environments', { name: 'staging' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      tenantId: seeded.tenantId,
      name: 'staging',
      keyPrefix: 'kw',
      mfaRequired: null,
      defaultKeyExpiryDays: null,
      maxKeyExpiryDays: null,
    });
    expect(reply.body.id).toMatch(/^env_[0-9a-z]{26}$/);
  });

  it("gives new keys the environment's custom prefix", async () => {
    const seeded = await seedTenant(kw, 'Prefix');
    const environment = await seeded.admin.post('/v1/environments', { name: 'payments', keyPrefix: 'pay' });
    expect(environment.body.keyPrefix).toBe('pay');
    const key = await seeded.admin.post('/v1/keys', {
      environmentId: environment.body.id,
      name: 'svc',
      kind: 'application',
    });
    expect(key.status).toBe(201);
    expect(key.body.key).toMatch(/^pay_[0-9A-Za-z]{38}$/);
    expect(key.body.prefix).toBe('pay');
  });

  it('rejects a key prefix outside [a-z0-9]{1,12} with 400 naming keyPrefix', async () => {
    const seeded = await seedTenant(kw, 'BadPrefix');
    const reply = await seeded.admin.post('/v1/environments', { name: 'dev', keyPrefix: 'Dev_Keys' });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'keyPrefix' });
  });

  it("refuses the root key's prefix kwroot, at creation and by PATCH, with 400 naming keyPrefix", async () => {
    const seeded = await seedTenant(kw, 'RootPrefix');
    const made = await seeded.admin.post('/v1/environments', { name: 'lookalike', keyPrefix: 'kwroot' });
    expect(made.status).toBe(400);
    expect(made.body).toMatchObject({ code: 'VALIDATION', field: 'keyPrefix' });
    expect(made.body.detail).toContain('root key');
    const patched = await seeded.admin.patch(`/v1/environments/${seeded.environmentId}`, { keyPrefix: 'kwroot' });
    expect(patched.status).toBe(400);
    expect(patched.body).toMatchObject({ code: 'VALIDATION', field: 'keyPrefix' });
    expect((await seeded.admin.get(`/v1/environments/${seeded.environmentId}`)).body.keyPrefix).toBe('kw');
    expect(kw.rootKey.startsWith('kwroot_')).toBe(true);
  });

  it('refuses a second environment with the same name in a tenant with 409 CONFLICT', async () => {
    const seeded = await seedTenant(kw, 'Duplicate');
    const reply = await seeded.admin.post('/v1/environments', { name: 'prod' });
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('CONFLICT');
  });

  it('allows the same environment name in two tenants', async () => {
    const first = await seedTenant(kw, 'SameNameA');
    const second = await seedTenant(kw, 'SameNameB');
    expect((await first.admin.post('/v1/environments', { name: 'qa' })).status).toBe(201);
    expect((await second.admin.post('/v1/environments', { name: 'qa' })).status).toBe(201);
  });

  it("refuses to rename an environment onto another one's name", async () => {
    const seeded = await seedTenant(kw, 'Rename');
    const dev = await seeded.admin.post('/v1/environments', { name: 'dev' });
    const reply = await seeded.admin.patch(`/v1/environments/${dev.body.id}`, { name: 'prod' });
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('CONFLICT');
  });

  it("refuses an environment that relaxes its tenant's mfaRequired", async () => {
    const seeded = await seedTenant(kw, 'MfaCreate');
    await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { mfaRequired: true });
    const reply = await seeded.admin.post('/v1/environments', { name: 'lax', mfaRequired: false });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'mfaRequired' });
  });

  it("refuses a change that relaxes its tenant's mfaRequired, and keeps the environment as it was", async () => {
    const seeded = await seedTenant(kw, 'MfaPatch');
    await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { mfaRequired: true });
    const reply = await seeded.admin.patch(`/v1/environments/${seeded.environmentId}`, { mfaRequired: false });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('VALIDATION');
    expect((await seeded.admin.get(`/v1/environments/${seeded.environmentId}`)).body.mfaRequired).toBeNull();
  });

  it('lets an environment require MFA that its tenant does not', async () => {
    const seeded = await seedTenant(kw, 'MfaTighten');
    const reply = await seeded.admin.patch(`/v1/environments/${seeded.environmentId}`, { mfaRequired: true });
    expect(reply.status).toBe(200);
    expect(reply.body.mfaRequired).toBe(true);
  });

  it("refuses an environment default expiry above the tenant's maximum", async () => {
    const seeded = await seedTenant(kw, 'ExpiryBound');
    await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { maxKeyExpiryDays: 30 });
    const reply = await seeded.admin.post('/v1/environments', { name: 'long', defaultKeyExpiryDays: 60 });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'defaultKeyExpiryDays' });
  });

  it("lists the tenant's environments and no other tenant's", async () => {
    const seeded = await seedTenant(kw, 'Lister');
    await seedTenant(kw, 'Stranger');
    const extra = await seeded.admin.post('/v1/environments', { name: 'dev' });
    const reply = await seeded.admin.get('/v1/environments');
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((environment: { id: string }) => environment.id).sort()).toEqual(
      [seeded.environmentId, extra.body.id].sort(),
    );
  });

  it("reads an environment and answers 404 for another tenant's", async () => {
    const seeded = await seedTenant(kw, 'Reader');
    const other = await seedTenant(kw, 'Hidden');
    const own = await seeded.admin.get(`/v1/environments/${seeded.environmentId}`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: seeded.environmentId, name: 'prod' });
    const foreign = await seeded.admin.get(`/v1/environments/${other.environmentId}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('NOT_FOUND');
  });

  it("changes an environment's name and settings", async () => {
    const seeded = await seedTenant(kw, 'Patcher');
    const reply = await seeded.admin.patch(`/v1/environments/${seeded.environmentId}`, {
      name: 'production',
      keyPrefix: 'prd',
      maxKeyExpiryDays: 90,
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: seeded.environmentId,
      name: 'production',
      keyPrefix: 'prd',
      maxKeyExpiryDays: 90,
    });
  });

  it('lets an authConfig.manage key change the auth settings of its own environment, and nothing else', async () => {
    const seeded = await seedTenant(kw, 'AuthConfig');
    const created = await seeded.admin.post('/v1/keys', {
      name: 'auth',
      kind: 'application',
      permissions: ['authConfig.manage'],
    });
    const auth = kw.client(created.body.key);
    const settings = await auth.patch(`/v1/environments/${seeded.environmentId}`, {
      keyPrefix: 'acme',
      rotationWindowDays: 3,
    });
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({ keyPrefix: 'acme', rotationWindowDays: 3 });
    const rename = await auth.patch(`/v1/environments/${seeded.environmentId}`, { name: 'mine' });
    expect(rename.status).toBe(403);
    expect(rename.body.code).toBe('FORBIDDEN');
  });

  it('refuses to delete an environment with live keys with 409, and deletes it once they are revoked', async () => {
    const seeded = await seedTenant(kw, 'Deleter');
    const environment = await seeded.admin.post('/v1/environments', { name: 'temp' });
    const keys = [];
    for (const name of ['a', 'b'])
      keys.push(await seeded.admin.post('/v1/keys', { environmentId: environment.body.id, name, kind: 'application' }));

    const refused = await seeded.admin.delete(`/v1/environments/${environment.body.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CONFLICT');

    for (const key of keys) expect((await seeded.admin.post(`/v1/keys/${key.body.id}/revoke`)).status).toBe(200);
    const deleted = await seeded.admin.delete(`/v1/environments/${environment.body.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.id).toBe(environment.body.id);
    expect((await seeded.admin.get(`/v1/environments/${environment.body.id}`)).status).toBe(404);
  });

  it('refuses to delete an environment holding a policy with 409 (not a 500), and deletes it once the policy is gone', async () => {
    const seeded = await seedTenant(kw, 'PolicyHolder');
    const environment = await seeded.admin.post('/v1/environments', { name: 'scoped' });
    const policy = await seeded.admin.post('/v1/policies', {
      environmentId: environment.body.id,
      name: 'readers',
      scopes: ['agent:viewer'],
    });
    expect(policy.status).toBe(201);
    const refused = await seeded.admin.delete(`/v1/environments/${environment.body.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'CONFLICT', detail: expect.stringContaining('1 policy') });
    expect((await seeded.admin.delete(`/v1/policies/${policy.body.id}`)).status).toBe(200);
    expect((await seeded.admin.delete(`/v1/environments/${environment.body.id}`)).status).toBe(200);
  });

  it('refuses environment management to a key without tenant.manage', async () => {
    const seeded = await seedTenant(kw, 'NoManage');
    const created = await seeded.admin.post('/v1/keys', {
      name: 'users',
      kind: 'user',
      userId: seeded.adminUserId,
      admin: true,
      permissions: ['users.manage'],
    });
    const reply = await kw.client(created.body.key).post('/v1/environments', { name: 'rogue' });
    expect(reply.status).toBe(403);
    expect(reply.body.code).toBe('FORBIDDEN');
  });

  it('needs a tenantId when the root key creates an environment', async () => {
    const reply = await kw.root.post('/v1/environments', { name: 'orphan' });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'tenantId' });
  });
});
