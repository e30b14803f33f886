/**
 * `/v1/users`: people of a tenant, managed with `users.manage`. Emails are unique per tenant
 * whatever their case; deleting a user revokes its keys; an admin owning a live admin key
 * cannot be made a member.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { seedTenant } from '../support/keyward.js';
import { keywardForSuite } from '../support/suite-keyward.js';

describe.each(testDatabases())('users on $name', (db) => {
  const kw = keywardForSuite(db);

  it("creates a member in the caller's tenant", async () => {
    const seeded = await seedTenant(kw, 'Create');
    const reply = await seeded.admin.post('/v1/users', { name: 'Grace', email: 'grace@create.example' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      tenantId: seeded.tenantId,
      name: 'Grace',
      email: 'grace@create.example',
      role: 'member',
    });
    expect(reply.body.id).toMatch(/^usr_[0-9a-z]{26}$/);
  });

  it('refuses a second user with the same email in another case with 409 CONFLICT', async () => {
    const seeded = await seedTenant(kw, 'Unique');
    expect((await seeded.admin.post('/v1/users', { name: 'Linus', email: 'linus@unique.example' })).status).toBe(201);
    const reply = await seeded.admin.post('/v1/users', { name: 'Linus again', email: 'Linus@Unique.EXAMPLE' });
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ code: 'CONFLICT', field: 'email' });
  });

  it('allows the same email in two tenants', async () => {
    const first = await seedTenant(kw, 'EmailA');
    const second = await seedTenant(kw, 'EmailB');
    expect((await first.admin.post('/v1/users', { name: 'Kim', email: 'kim@shared.example' })).status).toBe(201);
    expect((await second.admin.post('/v1/users', { name: 'Kim', email: 'kim@shared.example' })).status).toBe(201);
  });

  it('rejects an email that is not one with 400 naming email', async () => {
    const seeded = await seedTenant(kw, 'BadEmail');
    const reply = await seeded.admin.post('/v1/users', { name: 'Nobody', email: 'not-an-email' });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'email' });
  });

  it("lists the tenant's users and no other tenant's", async () => {
    const seeded = await seedTenant(kw, 'Lister');
    await seedTenant(kw, 'Stranger');
    const bob = await seeded.admin.post('/v1/users', { name: 'Bob', email: 'bob@lister.example' });
    const reply = await seeded.admin.get('/v1/users');
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((user: { id: string }) => user.id).sort()).toEqual(
      [seeded.adminUserId, bob.body.id].sort(),
    );
  });

  it("reads a user and answers 404 for another tenant's", async () => {
    const seeded = await seedTenant(kw, 'Reader');
    const other = await seedTenant(kw, 'Hidden');
    const own = await seeded.admin.get(`/v1/users/${seeded.adminUserId}`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: seeded.adminUserId, role: 'admin' });
    const foreign = await seeded.admin.get(`/v1/users/${other.adminUserId}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('NOT_FOUND');
  });

  it("changes a user's name, email and role", async () => {
    const seeded = await seedTenant(kw, 'Patcher');
    const user = await seeded.admin.post('/v1/users', { name: 'Margaret', email: 'mh@patcher.example' });
    const reply = await seeded.admin.patch(`/v1/users/${user.body.id}`, {
      name: 'Margaret H.',
      email: 'margaret@patcher.example',
      role: 'admin',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: user.body.id,
      name: 'Margaret H.',
      email: 'margaret@patcher.example',
      role: 'admin',
    });
  });

  it("refuses to change a user's email to another user's, whatever its case", async () => {
    const seeded = await seedTenant(kw, 'Collide');
    const user = await seeded.admin.post('/v1/users', { name: 'Ken', email: 'ken@collide.example' });
    const reply = await seeded.admin.patch(`/v1/users/${user.body.id}`, { email: 'ADA@collide.example' });
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('CONFLICT');
  });

  it("deletes a user and revokes the user's keys: they verify REVOKED", async () => {
    const seeded = await seedTenant(kw, 'Deleter');
    const user = await seeded.admin.post('/v1/users', { name: 'Dennis', email: 'dennis@deleter.example' });
    const keys = [];
    for (const name of ['laptop', 'ci'])
      keys.push(await seeded.admin.post('/v1/keys', { name, kind: 'user', userId: user.body.id }));
    for (const key of keys)
      expect((await kw.client().post('/v1/verify', { key: key.body.key })).body.code).toBe('VALID');

    const deleted = await seeded.admin.delete(`/v1/users/${user.body.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.id).toBe(user.body.id);
    for (const key of keys) {
      expect((await kw.client().post('/v1/verify', { key: key.body.key })).body.code).toBe('REVOKED');
      expect((await seeded.admin.get(`/v1/keys/${key.body.id}`)).body.status).toBe('revoked');
    }
    expect((await seeded.admin.get(`/v1/users/${user.body.id}`)).status).toBe(404);
  });

  it("leaves other users' keys alone when a user is deleted", async () => {
    const seeded = await seedTenant(kw, 'Bystander');
    const leaving = await seeded.admin.post('/v1/users', { name: 'Leaving', email: 'leaving@bystander.example' });
    const staying = await seeded.admin.post('/v1/users', { name: 'Staying', email: 'staying@bystander.example' });
    const key = await seeded.admin.post('/v1/keys', { name: 'mine', kind: 'user', userId: staying.body.id });
    await seeded.admin.delete(`/v1/users/${leaving.body.id}`);
    expect((await kw.client().post('/v1/verify', { key: key.body.key })).body.code).toBe('VALID');
  });

  it('refuses to make an admin a member while the admin owns a live admin key, and allows it once revoked', async () => {
    const seeded = await seedTenant(kw, 'Demote');
    const admin = await seeded.admin.post('/v1/users', {
      name: 'Barbara',
      email: 'barbara@demote.example',
      role: 'admin',
    });
    const key = await seeded.admin.post('/v1/keys', { name: 'ops', kind: 'user', userId: admin.body.id, admin: true });
    expect(key.status).toBe(201);

    const refused = await seeded.admin.patch(`/v1/users/${admin.body.id}`, { role: 'member' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CONFLICT');
    expect((await seeded.admin.get(`/v1/users/${admin.body.id}`)).body.role).toBe('admin');

    await seeded.admin.post(`/v1/keys/${key.body.id}/revoke`);
    const demoted = await seeded.admin.patch(`/v1/users/${admin.body.id}`, { role: 'member' });
    expect(demoted.status).toBe(200);
    expect(demoted.body.role).toBe('member');
  });

  it('makes an admin who owns only non-admin keys a member', async () => {
    const seeded = await seedTenant(kw, 'DemotePlain');
    const admin = await seeded.admin.post('/v1/users', {
      name: 'Frances',
      email: 'frances@demoteplain.example',
      role: 'admin',
    });
    await seeded.admin.post('/v1/keys', { name: 'plain', kind: 'user', userId: admin.body.id });
    const reply = await seeded.admin.patch(`/v1/users/${admin.body.id}`, { role: 'member' });
    expect(reply.status).toBe(200);
    expect(reply.body.role).toBe('member');
  });

  it('refuses user management to a key without users.manage', async () => {
    const seeded = await seedTenant(kw, 'NoManage');
    const created = await seeded.admin.post('/v1/keys', {
      name: 'tenant',
      kind: 'user',
      userId: seeded.adminUserId,
      admin: true,
      permissions: ['tenant.manage'],
    });
    const reply = await kw.client(created.body.key).post('/v1/users', { name: 'Eve', email: 'eve@nomanage.example' });
    expect(reply.status).toBe(403);
    expect(reply.body.code).toBe('FORBIDDEN');
  });
});
