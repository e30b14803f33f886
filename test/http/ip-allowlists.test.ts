/**
 * Issue 17, IP allowlists: a key (and its environment) may name the CIDR ranges it is used from.
 * Verify answers FORBIDDEN with `missing.ip` from elsewhere; management calls with such a key
 * are refused too; both lists apply. Verify checks `clientIp` alone: the request's own source,
 * or the address a trusted proxy forwarded, is the platform service calling verify, not its
 * user, so without a `clientIp` a list fails closed (FORBIDDEN, `missing.ip` "unknown").
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/http/config.js';
import { sqliteOnly, testDatabases } from '../support/databases.js';
import { seedTenant, type Seeded } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created } from '../support/problem.js';

// Requests in these tests come from the loopback address.
const SOURCE = '127.0.0.1';

describe.each(testDatabases())('IP allowlists on $name', (db) => {
  const kw = keywardForSuite(db);

  async function keyWith(seeded: Seeded, ipAllowlist: string[] | undefined, extra: Record<string, unknown> = {}) {
    const created = await seeded.admin.post('/v1/keys', {
      name: 'svc',
      kind: 'application',
      permissions: ['functions.execute'],
      ipAllowlist,
      ...extra,
    });
    expect(created.status).toBe(201);
    return created.body as { id: string; key: string; ipAllowlist: string[] | null };
  }
  const verify = (key: string, extra: Record<string, unknown> = {}) =>
    kw.client().post('/v1/verify', { key, ...extra });

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

  it('fails closed without a clientIp: the request source is the platform calling verify, not its user', async () => {
    const seeded = await seedTenant(kw, 'Source');
    const elsewhere = await keyWith(seeded, ['10.0.0.0/8']);
    // The platform's own address is in the list: still no proof of where its user is.
    const loopback = await keyWith(seeded, [`${SOURCE}/32`]);
    expect((await verify(elsewhere.key)).body).toMatchObject({
      valid: false,
      code: 'FORBIDDEN',
      missing: { ip: 'unknown' },
      cacheTtlMs: 0,
    });
    expect((await verify(loopback.key)).body).toMatchObject({
      valid: false,
      code: 'FORBIDDEN',
      missing: { ip: 'unknown' },
    });
    expect((await verify(loopback.key, { clientIp: SOURCE })).body).toMatchObject({ code: 'VALID' });
  });

  it("fails closed without a clientIp for an environment's list too, and asks none of a key without a list", async () => {
    const seeded = await seedTenant(kw, 'SourceEnv');
    const key = await keyWith(seeded, undefined);
    expect((await verify(key.key)).body).toMatchObject({ code: 'VALID' });
    expect(
      (await seeded.admin.patch(`/v1/environments/${seeded.environmentId}`, { ipAllowlist: [`${SOURCE}/32`] })).status,
    ).toBe(200);
    expect((await verify(key.key)).body).toMatchObject({ code: 'FORBIDDEN', missing: { ip: 'unknown' } });
  });

  it('a clientIp decides over the request source', async () => {
    const key = await keyWith(await seedTenant(kw, 'ClientIp'), [`${SOURCE}/32`]);
    expect((await verify(key.key, { clientIp: '192.0.2.1' })).body).toMatchObject({
      code: 'FORBIDDEN',
      missing: { ip: '192.0.2.1' },
    });
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
    const reply = await seeded.admin.post('/v1/keys', {
      name: 'svc',
      kind: 'application',
      ipAllowlist: ['10.0.0.0/8', '10.0.0.0/33'],
    });
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
    expect((await verify(key.key, { clientIp: '192.0.2.1' })).body).toMatchObject({
      code: 'FORBIDDEN',
      missing: { ip: '192.0.2.1' },
    });
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
    const events = await seeded.admin.get(`/v1/audit?action=key.ip_allowlist_changed`);
    expect(events.status).toBe(200);
    expect(JSON.stringify(events.body.items)).toContain('10.0.0.0/8');
  });

  it("the key's and the environment's lists both apply", async () => {
    const seeded = await seedTenant(kw, 'BothLists');
    const key = await keyWith(seeded, ['10.0.0.0/8']);
    const environment = await seeded.admin.patch(`/v1/environments/${seeded.environmentId}`, {
      ipAllowlist: ['10.1.0.0/16'],
    });
    expect(environment.status).toBe(200);
    expect(environment.body.ipAllowlist).toEqual(['10.1.0.0/16']);
    expect((await verify(key.key, { clientIp: '10.1.2.3' })).body).toMatchObject({ code: 'VALID' });
    expect((await verify(key.key, { clientIp: '10.2.0.1' })).body).toMatchObject({
      code: 'FORBIDDEN',
      missing: { ip: '10.2.0.1' },
    });
  });

  it("an environment's list applies to a key without its own", async () => {
    const seeded = await seedTenant(kw, 'EnvOnly');
    const key = await keyWith(seeded, undefined);
    await seeded.admin.patch(`/v1/environments/${seeded.environmentId}`, { ipAllowlist: ['10.1.0.0/16'] });
    expect((await verify(key.key, { clientIp: '192.0.2.1' })).body).toMatchObject({
      code: 'FORBIDDEN',
      missing: { ip: '192.0.2.1' },
    });
  });

  it('an environment refuses an invalid CIDR with 400 naming the entry', async () => {
    const seeded = await seedTenant(kw, 'EnvInvalid');
    const reply = await seeded.admin.patch(`/v1/environments/${seeded.environmentId}`, {
      ipAllowlist: ['not-a-range'],
    });
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

describe.each(sqliteOnly())('IP allowlists behind a trusted proxy on $name', (db) => {
  // The proxy in front of Keyward is 127.0.0.1, where injected requests come from.
  const kw = keywardForSuite(db, { config: { trustProxy: loadConfig({ KEYWARD_TRUST_PROXY: SOURCE }).trustProxy } });
  const seeded = tenantForSuite(kw, 'Proxied');

  const verifyVia = (key: string, forwardedFor: string, clientIp?: string) =>
    kw.client().raw({
      method: 'POST',
      path: '/v1/verify',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      payload: JSON.stringify({ key, ...(clientIp === undefined ? {} : { clientIp }) }),
    });

  it('fails closed without a clientIp behind a trusted proxy too: the forwarded address is the platform service’s as well', async () => {
    const key = created(
      await seeded.admin.post('/v1/keys', { name: 'svc', kind: 'application', ipAllowlist: ['10.0.0.0/8'] }),
    );
    expect((await verifyVia(key.key, '10.1.2.3')).body).toMatchObject({
      valid: false,
      code: 'FORBIDDEN',
      missing: { ip: 'unknown' },
    });
    expect((await verifyVia(key.key, '10.1.2.3', '10.9.9.9')).body).toMatchObject({ valid: true, code: 'VALID' });
    expect((await verifyVia(key.key, '10.1.2.3', '192.0.2.1')).body).toMatchObject({
      code: 'FORBIDDEN',
      missing: { ip: '192.0.2.1' },
    });
  });
});
