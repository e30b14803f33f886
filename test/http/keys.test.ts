/**
 * `/v1/keys`: a key is shown once at creation and never again; its grants and expiry are checked
 * when it is made; lists page by cursor; PATCH changes name, metadata and enabled; revoking is
 * permanent and idempotent, and the root key cannot be revoked.
 */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { testDatabases } from '../support/databases.js';
import { seedTenant, type Client, type Seeded } from '../support/keyward.js';
import { keywardForSuite } from '../support/suite-keyward.js';

const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 2, 1);
const inDays = (days: number): string => new Date(START + days * DAY_MS).toISOString();

describe.each(testDatabases())('keys on $name', (db) => {
  const kw = keywardForSuite(db, { clock: manualClock(START) });

  const app = (seeded: Seeded, extra: Record<string, unknown> = {}) =>
    seeded.admin.post('/v1/keys', { name: 'svc', kind: 'application', ...extra });

  async function everyKeyId(client: Client, query: string): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await client.get(`/v1/keys?${query}${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((key: { id: string }) => key.id));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    return seen;
  }

  it('creates a key and answers 201 with the key itself, in the key format', async () => {
    const seeded = await seedTenant(kw, 'Create');
    const reply = await app(seeded, { permissions: ['functions.execute'] });
    expect(reply.status).toBe(201);
    expect(reply.body.key).toMatch(/^kw_[0-9A-Za-z]{38}$/);
    expect(reply.body).toMatchObject({
      kind: 'application',
      tenantId: seeded.tenantId,
      environmentId: seeded.environmentId,
      status: 'active',
      enabled: true,
      admin: false,
      permissions: ['functions.execute'],
      hint: reply.body.key.slice(-4),
    });
    expect(reply.body.id).toMatch(/^key_[0-9a-z]{26}$/);
  });

  it('never shows the key again, neither when read nor when listed', async () => {
    const seeded = await seedTenant(kw, 'ShownOnce');
    const created = await app(seeded);
    const read = await seeded.admin.get(`/v1/keys/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('key');
    const listed = await seeded.admin.get('/v1/keys');
    expect(listed.body.items.length).toBeGreaterThan(0);
    for (const item of listed.body.items) expect(item).not.toHaveProperty('key');
    expect(JSON.stringify([read.body, listed.body])).not.toContain(created.body.key);
  });

  it('needs a userId for a user key', async () => {
    const reply = await app(await seedTenant(kw, 'NoUser'), { kind: 'user' });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'userId' });
  });

  it('refuses a userId on an application key', async () => {
    const seeded = await seedTenant(kw, 'AppUser');
    const reply = await app(seeded, { userId: seeded.adminUserId });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'userId' });
  });

  it('refuses an unknown permission with 400 naming it', async () => {
    const reply = await app(await seedTenant(kw, 'Unknown'), {
      permissions: ['functions.execute', 'functions.teleport'],
    });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('VALIDATION');
    expect(reply.body.detail).toContain('functions.teleport');
  });

  it('refuses a tenant-scoped permission on a key that is not admin', async () => {
    const reply = await app(await seedTenant(kw, 'NotAdmin'), { permissions: ['users.manage'] });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'permissions' });
  });

  it('refuses an admin key to a member user', async () => {
    const seeded = await seedTenant(kw, 'MemberAdmin');
    const member = await seeded.admin.post('/v1/users', { name: 'Mo', email: 'mo@memberadmin.example' });
    const reply = await seeded.admin.post('/v1/keys', { name: 'k', kind: 'user', userId: member.body.id, admin: true });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'admin' });
  });

  it('refuses to grant a permission the caller does not hold, naming it', async () => {
    const seeded = await seedTenant(kw, 'Escalate');
    const narrow = await seeded.admin.post('/v1/keys', {
      name: 'n',
      kind: 'user',
      userId: seeded.adminUserId,
      admin: true,
      permissions: ['users.manage'],
    });
    const reply = await kw
      .client(narrow.body.key)
      .post('/v1/keys', { name: 'wide', kind: 'application', permissions: ['secrets.manage'] });
    expect(reply.status).toBe(403);
    expect(reply.body.code).toBe('FORBIDDEN');
    expect(reply.body.detail).toContain('secrets.manage');
  });

  it('expires a key expiresInDays after its creation', async () => {
    const reply = await app(await seedTenant(kw, 'Days'), { expiresInDays: 30 });
    expect(reply.body.expiresAt).toBe(inDays(30));
  });

  it('never expires a key created with expiresInDays null, or with no expiry setting at all', async () => {
    const seeded = await seedTenant(kw, 'Never');
    expect((await app(seeded, { expiresInDays: null })).body.expiresAt).toBeNull();
    expect((await app(seeded)).body.expiresAt).toBeNull();
  });

  it("applies the environment's default expiry when expiresInDays is omitted", async () => {
    const seeded = await seedTenant(kw, 'Default');
    await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { defaultKeyExpiryDays: 60 });
    await seeded.admin.patch(`/v1/environments/${seeded.environmentId}`, { defaultKeyExpiryDays: 14 });
    expect((await app(seeded)).body.expiresAt).toBe(inDays(14));
  });

  it('accepts an application key expiry up to maxApplicationKeyExpiryDays and refuses one beyond it, or none at all', async () => {
    const seeded = await seedTenant(kw, 'Max');
    await seeded.admin.patch(`/v1/environments/${seeded.environmentId}`, { maxApplicationKeyExpiryDays: 90 });
    expect((await app(seeded, { expiresInDays: 90 })).body.expiresAt).toBe(inDays(90));
    for (const expiresInDays of [91, null]) {
      const reply = await app(seeded, { expiresInDays });
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'expiresInDays' });
    }
  });

  it('lists keys by cursor: every key exactly once, and nextCursor null at the end', async () => {
    const seeded = await seedTenant(kw, 'Pages');
    const created = [seeded.adminKeyId];
    for (let i = 0; i < 7; i++) created.push((await app(seeded, { name: `k${i}` })).body.id);
    const seen = await everyKeyId(seeded.admin, 'limit=3');
    expect(seen).toHaveLength(created.length);
    expect([...seen].sort()).toEqual([...created].sort());
  });

  it('lists only the keys of the environment asked for', async () => {
    const seeded = await seedTenant(kw, 'Filter');
    const staging = await seeded.admin.post('/v1/environments', { name: 'staging' });
    const inStaging = [];
    for (let i = 0; i < 3; i++) inStaging.push((await app(seeded, { environmentId: staging.body.id })).body.id);
    await app(seeded);
    expect((await everyKeyId(seeded.admin, `limit=3&environmentId=${staging.body.id}`)).sort()).toEqual(
      inStaging.sort(),
    );
  });

  it('refuses a cursor it did not give out', async () => {
    const seeded = await seedTenant(kw, 'Cursor');
    const reply = await seeded.admin.get('/v1/keys?cursor=bm9wZQ');
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'cursor' });
  });

  it("changes a key's name and metadata", async () => {
    const seeded = await seedTenant(kw, 'Patch');
    const created = await app(seeded, { metadata: { team: 'a' } });
    const reply = await seeded.admin.patch(`/v1/keys/${created.body.id}`, {
      name: 'renamed',
      metadata: { team: 'b', cost: 7 },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: created.body.id, name: 'renamed', metadata: { team: 'b', cost: 7 } });
    expect((await seeded.admin.get(`/v1/keys/${created.body.id}`)).body.name).toBe('renamed');
  });

  it('disables a key, which then verifies DISABLED, and enables it again', async () => {
    const seeded = await seedTenant(kw, 'Disable');
    const created = await app(seeded);
    const disabled = await seeded.admin.patch(`/v1/keys/${created.body.id}`, { enabled: false });
    expect(disabled.body).toMatchObject({ enabled: false, status: 'disabled' });
    expect((await kw.client().post('/v1/verify', { key: created.body.key })).body.code).toBe('DISABLED');
    expect((await seeded.admin.patch(`/v1/keys/${created.body.id}`, { enabled: true })).body.status).toBe('active');
    expect((await kw.client().post('/v1/verify', { key: created.body.key })).body.code).toBe('VALID');
  });

  it('refuses metadata larger than 4 KiB', async () => {
    const seeded = await seedTenant(kw, 'BigMeta');
    const created = await app(seeded);
    const big = { notes: 'x'.repeat(4100) };
    for (const reply of [
      await seeded.admin.patch(`/v1/keys/${created.body.id}`, { metadata: big }),
      await app(seeded, { metadata: big }),
    ]) {
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'metadata' });
    }
  });

  it('refuses to change a revoked key with 409', async () => {
    const seeded = await seedTenant(kw, 'PatchRevoked');
    const created = await app(seeded);
    await seeded.admin.post(`/v1/keys/${created.body.id}/revoke`);
    const reply = await seeded.admin.patch(`/v1/keys/${created.body.id}`, { enabled: true });
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('CONFLICT');
  });

  it('revokes a key, and revoking it again answers the same revoked key', async () => {
    const seeded = await seedTenant(kw, 'Revoke');
    const created = await app(seeded);
    const first = await seeded.admin.post(`/v1/keys/${created.body.id}/revoke`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: created.body.id, status: 'revoked' });
    expect(first.body.revokedAt).toBe(new Date(START).toISOString());
    const second = await seeded.admin.post(`/v1/keys/${created.body.id}/revoke`);
    expect(second.status).toBe(200);
    expect(second.body.revokedAt).toBe(first.body.revokedAt);
  });

  it('lets a key revoke itself', async () => {
    const created = await app(await seedTenant(kw, 'SelfRevoke'));
    const reply = await kw.client(created.body.key).post(`/v1/keys/${created.body.id}/revoke`);
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('revoked');
  });

  it('refuses to revoke the root key with 409', async () => {
    const rootId = (await kw.root.get('/v1/me')).body.key.id;
    const reply = await kw.root.post(`/v1/keys/${rootId}/revoke`);
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('CONFLICT');
    expect((await kw.root.get('/v1/tenants')).status).toBe(200);
  });

  it("answers 404 for another tenant's key", async () => {
    const seeded = await seedTenant(kw, 'Nosy');
    const other = await seedTenant(kw, 'Private');
    for (const reply of [
      await seeded.admin.get(`/v1/keys/${other.adminKeyId}`),
      await seeded.admin.post(`/v1/keys/${other.adminKeyId}/revoke`),
    ]) {
      expect(reply.status).toBe(404);
      expect(reply.body.code).toBe('NOT_FOUND');
    }
  });
});
