/**
 * Issue 17, IP allowlists: a key (and its environment) may name the CIDR ranges it is used from.
 * Verify answers FORBIDDEN with `missing.ip` from elsewhere; management calls with such a key
 * are refused too; both lists apply; the address is `clientIp` when given, else the source.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { seedTenant, startKeyward, type Seeded, type TestKeyward } from '../support/keyward.js';

// Requests in these tests come from the loopback address.
const SOURCE = '127.0.0.1';

describe.each(testDatabases())('IP allowlists on $name', (db) => {
  let kw: TestKeyward;
  beforeAll(async () => {
    kw = await startKeyward(db);
  });
  afterAll(async () => {
    await kw.close();
  });

  async function keyWith(seeded: Seeded, ipAllowlist: string[] | undefined, extra: Record<string, unknown> = {}) {
    const created = await seeded.admin.post('/v1/keys', { name: 'svc', kind: 'application', permissions: ['functions.execute'], ipAllowlist, ...extra });
    expect(created.status).toBe(201);
    return created.body as { id: string; key: string; ipAllowlist: string[] | null };
  }
  const verify = (key: string, extra: Record<string, unknown> = {}) => kw.client().post('/v1/verify', { key, ...extra });

  it('shows the allowlist a key was created with', async () => {
    const key = await keyWith(await seedTenant(kw, 'Shown'), ['10.0.0.0/8', '2001:db8::/32']);
    expect(key.ipAllowlist).toEqual(['10.0.0.0/8', '2001:db8::/32']);
  });

  it('answers VALID from inside the list', async () => {
    const key = await keyWith(await seedTenant(kw, 'Inside'), ['10.0.0.0/8']);
    const reply = await verify(key.key, { clientIp: '10.9.8.7' });
    expect(reply.body).toMatchObject({ valid: true, code: 'VALID' });
  });

  it('answers FORBIDDEN naming the address from outside the list', async () => {
    const key = await keyWith(await seedTenant(kw, 'Outside'), ['10.0.0.0/8']);
    const reply = await verify(key.key, { clientIp: '192.0.2.1' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ valid: false, code: 'FORBIDDEN', missing: { ip: '192.0.2.1' }, cacheTtlMs: 0 });
  });

  it('checks the request source when no clientIp is given', async () => {
    const seeded = await seedTenant(kw, 'Source');
    const elsewhere = await keyWith(seeded, ['10.0.0.0/8']);
    const loopback = await keyWith(seeded, [`${SOURCE}/32`]);
    expect((await verify(elsewhere.key)).body).toMatchObject({ code: 'FORBIDDEN', missing: { ip: SOURCE } });
    expect((await verify(loopback.key)).body).toMatchObject({ code: 'VALID' });
  });

  it('a clientIp decides over the request source', async () => {
    const key = await keyWith(await seedTenant(kw, 'ClientIp'), [`${SOURCE}/32`]);
    expect((await verify(key.key, { clientIp: '192.0.2.1' })).body).toMatchObject({ code: 'FORBIDDEN', missing: { ip: '192.0.2.1' } });
  });

  it('an IPv4-mapped IPv6 clientIp matches its IPv4 range', async () => {
    const key = await keyWith(await seedTenant(kw, 'Mapped'), ['10.0.0.0/8']);
    expect((await verify(key.key, { clientIp: '::ffff:10.1.2.3' })).body).toMatchObject({ code: 'VALID' });
  });

  it('a key state verdict comes before the IP check', async () => {
    const seeded = await seedTenant(kw, 'StateFirst');
    const key = await keyWith(seeded, ['10.0.0.0/8']);
    expect((await seeded.admin.post(`/v1/keys/${key.id}/revoke`)).status).toBe(200);
    expect((await verify(key.key, { clientIp: '192.0.2.1' })).body).toMatchObject({ code: 'REVOKED' });
  });

  it('refuses an invalid CIDR with 400 VALIDATION naming the entry', async () => {
    const seeded = await seedTenant(kw, 'Invalid');
    const reply = await seeded.admin.post('/v1/keys', { name: 'svc', kind: 'application', ipAllowlist: ['10.0.0.0/8', '10.0.0.0/33'] });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'ipAllowlist.1' });
    expect(reply.body.detail).toContain('10.0.0.0/33');
  });

  it('PATCH sets a list on a key and the next verify obeys it', async () => {
    const seeded = await seedTenant(kw, 'PatchSet');
    const key = await keyWith(seeded, undefined);
    expect((await verify(key.key, { clientIp: '192.0.2.1' })).body).toMatchObject({ code: 'VALID' });
    const patched = await seeded.admin.patch(`/v1/keys/${key.id}`, { ipAllowlist: ['10.0.0.0/8'] });
    expect(patched.status).toBe(200);
    expect(patched.body.ipAllowlist).toEqual(['10.0.0.0/8']);
    expect((await verify(key.key, { clientIp: '192.0.2.1' })).body).toMatchObject({ code: 'FORBIDDEN', missing: { ip: '192.0.2.1' } });
  });

  it('PATCH null clears the list', async () => {
    const seeded = await seedTenant(kw, 'PatchClear');
    const key = await keyWith(seeded, ['10.0.0.0/8']);
    const patched = await seeded.admin.patch(`/v1/keys/${key.id}`, { ipAllowlist: null });
    expect(patched.body.ipAllowlist).toBeNull();
    expect((await verify(key.key, { clientIp: '192.0.2.1' })).body).toMatchObject({ code: 'VALID' });
  });

  it('the change is audited', async () => {
    const seeded = await seedTenant(kw, 'Audited');
    const key = await keyWith(seeded, undefined);
    await seeded.admin.patch(`/v1/keys/${key.id}`, { ipAllowlist: ['10.0.0.0/8'] });
    const events = await seeded.admin.get(`/v1/audit?action=key.update`);
    expect(events.status).toBe(200);
    expect(JSON.stringify(events.body.items)).toContain('10.0.0.0/8');
  });

  it("the key's and the environment's lists both apply", async () => {
    const seeded = await seedTenant(kw, 'BothLists');
    const key = await keyWith(seeded, ['10.0.0.0/8']);
    const environment = await seeded.admin.patch(`/v1/environments/${seeded.environmentId}`, { ipAllowlist: ['10.1.0.0/16'] });
    expect(environment.status).toBe(200);
    expect(environment.body.ipAllowlist).toEqual(['10.1.0.0/16']);
    expect((await verify(key.key, { clientIp: '10.1.2.3' })).body).toMatchObject({ code: 'VALID' });
    expect((await verify(key.key, { clientIp: '10.2.0.1' })).body).toMatchObject({ code: 'FORBIDDEN', missing: { ip: '10.2.0.1' } });
  });

  it("an environment's list applies to a key without its own", async () => {
    const seeded = await seedTenant(kw, 'EnvOnly');
    const key = await keyWith(seeded, undefined);
    await seeded.admin.patch(`/v1/environments/${seeded.environmentId}`, { ipAllowlist: ['10.1.0.0/16'] });
    expect((await verify(key.key, { clientIp: '192.0.2.1' })).body).toMatchObject({ code: 'FORBIDDEN', missing: { ip: '192.0.2.1' } });
  });

  it('an environment refuses an invalid CIDR with 400 naming the entry', async () => {
    const seeded = await seedTenant(kw, 'EnvInvalid');
    const reply = await seeded.admin.patch(`/v1/environments/${seeded.environmentId}`, { ipAllowlist: ['not-a-range'] });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'ipAllowlist.0' });
  });

  it('a management call with a key from outside its list is refused', async () => {
    const seeded = await seedTenant(kw, 'Management');
    const key = await keyWith(seeded, ['10.0.0.0/8'], { permissions: ['users.manage'], admin: true });
    const reply = await kw.client(key.key).get('/v1/users');
    expect(reply.status).toBe(403);
    expect(reply.body.code).toBe('FORBIDDEN');
    expect(reply.body.detail).toContain('IP allowlist');
  });

  it('a management call with a key from inside its list goes through', async () => {
    const seeded = await seedTenant(kw, 'ManagementIn');
    const key = await keyWith(seeded, [`${SOURCE}/32`], { permissions: ['users.manage'], admin: true });
    expect((await kw.client(key.key).get('/v1/users')).status).toBe(200);
  });
});
