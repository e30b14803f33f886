/**
 * `/v1/tenants`: the root key creates, lists, reads and changes tenants; a tenant's
 * `tenant.manage` key reads and changes its own tenant and sees no other.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { seedTenant, type Client, type Seeded } from '../support/keyward.js';
import { keywardForSuite } from '../support/suite-keyward.js';

describe.each(testDatabases())('tenants on $name', (db) => {
  const kw = keywardForSuite(db);

  /** A key of the seeded tenant holding only `tenant.manage`. */
  async function tenantManager(seeded: Seeded): Promise<Client> {
    const created = await seeded.admin.post('/v1/keys', {
      name: 'tm',
      kind: 'user',
      userId: seeded.adminUserId,
      admin: true,
      permissions: ['tenant.manage'],
    });
    expect(created.status).toBe(201);
    return kw.client(created.body.key);
  }

  it('lets the root key create a tenant with default settings', async () => {
    const reply = await kw.root.post('/v1/tenants', { name: 'Globex' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      name: 'Globex',
      tier: 'free',
      mfaRequired: false,
      rotationWindowDays: null,
      defaultKeyExpiryDays: null,
      maxKeyExpiryDays: null,
    });
    expect(reply.body.id).toMatch(/^ten_[0-9a-z]{26}$/);
  });

  it('creates a tenant with the settings given', async () => {
    const body = {
      name: 'Initech',
      tier: 'enterprise',
      mfaRequired: true,
      rotationWindowDays: 14,
      defaultKeyExpiryDays: 30,
      maxKeyExpiryDays: 90,
    };
    const reply = await kw.root.post('/v1/tenants', body);
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject(body);
  });

  it('lets the root key list every tenant', async () => {
    const a = await kw.root.post('/v1/tenants', { name: 'Listed A' });
    const b = await kw.root.post('/v1/tenants', { name: 'Listed B' });
    const reply = await kw.root.get('/v1/tenants?limit=100');
    expect(reply.status).toBe(200);
    const ids = reply.body.items.map((tenant: { id: string }) => tenant.id);
    expect(ids).toEqual(expect.arrayContaining([a.body.id, b.body.id]));
  });

  it('lets the root key read a tenant', async () => {
    const created = await kw.root.post('/v1/tenants', { name: 'Readable' });
    const reply = await kw.root.get(`/v1/tenants/${created.body.id}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(created.body);
  });

  it('lets the root key change a tenant and its settings', async () => {
    const created = await kw.root.post('/v1/tenants', { name: 'Patchable' });
    const reply = await kw.root.patch(`/v1/tenants/${created.body.id}`, {
      name: 'Patched',
      tier: 'pro',
      maxKeyExpiryDays: 365,
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: created.body.id, name: 'Patched', tier: 'pro', maxKeyExpiryDays: 365 });
    expect((await kw.root.get(`/v1/tenants/${created.body.id}`)).body.name).toBe('Patched');
  });

  it('lets a tenant.manage key read its own tenant', async () => {
    const seeded = await seedTenant(kw, 'OwnRead');
    const manager = await tenantManager(seeded);
    const reply = await manager.get(`/v1/tenants/${seeded.tenantId}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: seeded.tenantId, name: 'OwnRead' });
  });

  it('lets a tenant.manage key change its own tenant', async () => {
    const seeded = await seedTenant(kw, 'OwnPatch');
    const manager = await tenantManager(seeded);
    const reply = await manager.patch(`/v1/tenants/${seeded.tenantId}`, {
      rotationWindowDays: 3,
      defaultKeyExpiryDays: 7,
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: seeded.tenantId, rotationWindowDays: 3, defaultKeyExpiryDays: 7 });
  });

  it('lists only its own tenant to a tenant.manage key', async () => {
    const seeded = await seedTenant(kw, 'OwnList');
    await seedTenant(kw, 'Neighbour');
    const reply = await (await tenantManager(seeded)).get('/v1/tenants');
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((tenant: { id: string }) => tenant.id)).toEqual([seeded.tenantId]);
    expect(reply.body.nextCursor).toBeNull();
  });

  it('answers 404 when a tenant.manage key reads or changes another tenant', async () => {
    const seeded = await seedTenant(kw, 'Nosy');
    const other = await seedTenant(kw, 'Private');
    const manager = await tenantManager(seeded);
    expect((await manager.get(`/v1/tenants/${other.tenantId}`)).status).toBe(404);
    const patch = await manager.patch(`/v1/tenants/${other.tenantId}`, { name: 'Taken over' });
    expect(patch.status).toBe(404);
    expect(patch.body.code).toBe('NOT_FOUND');
    expect((await kw.root.get(`/v1/tenants/${other.tenantId}`)).body.name).toBe('Private');
  });

  it('refuses tenant creation to any key but the root key', async () => {
    const seeded = await seedTenant(kw, 'Ambitious');
    const reply = await seeded.admin.post('/v1/tenants', { name: 'Spinoff' });
    expect(reply.status).toBe(403);
    expect(reply.body.code).toBe('FORBIDDEN');
  });

  it('refuses a key without tenant.manage with 403', async () => {
    const seeded = await seedTenant(kw, 'Limited');
    const key = await seeded.admin.post('/v1/keys', {
      name: 'users only',
      kind: 'user',
      userId: seeded.adminUserId,
      admin: true,
      permissions: ['users.manage'],
    });
    const reply = await kw.client(key.body.key).get(`/v1/tenants/${seeded.tenantId}`);
    expect(reply.status).toBe(403);
    expect(reply.body.code).toBe('FORBIDDEN');
  });

  it('refuses a tenant whose defaultKeyExpiryDays exceeds maxKeyExpiryDays', async () => {
    const reply = await kw.root.post('/v1/tenants', {
      name: 'Inverted',
      defaultKeyExpiryDays: 90,
      maxKeyExpiryDays: 30,
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'defaultKeyExpiryDays' });
  });

  it('refuses a change that would put the default expiry above the maximum, and keeps the tenant as it was', async () => {
    const created = await kw.root.post('/v1/tenants', { name: 'Bounded', defaultKeyExpiryDays: 30 });
    const reply = await kw.root.patch(`/v1/tenants/${created.body.id}`, { maxKeyExpiryDays: 10 });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('VALIDATION');
    expect((await kw.root.get(`/v1/tenants/${created.body.id}`)).body.maxKeyExpiryDays).toBeNull();
  });

  it('rejects an unknown field with 400 naming it', async () => {
    const reply = await kw.root.post('/v1/tenants', { name: 'Typo', mfaRequierd: true });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'mfaRequierd' });
  });

  it('rejects an empty change', async () => {
    const created = await kw.root.post('/v1/tenants', { name: 'Unchanged' });
    const reply = await kw.root.patch(`/v1/tenants/${created.body.id}`, {});
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('VALIDATION');
  });

  it('answers 404 for a tenant that does not exist', async () => {
    const reply = await kw.root.get('/v1/tenants/ten_00000000000000000000000000');
    expect(reply.status).toBe(404);
    expect(reply.body.code).toBe('NOT_FOUND');
  });
});
