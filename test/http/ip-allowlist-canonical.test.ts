/**
 * Issue 21: an IP allowlist entry is a canonical address or prefix. `010.0.0.0/8` was taken and
 * meant 8.0.0.0/8, and `10.0.0.1/8` left it to the parser whether the network or the address was
 * meant: both are refused with 400 VALIDATION naming the entry, changing nothing. IPv6, which has
 * one reading however it is written, is stored and shown in its RFC 5952 form.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { seedTenant } from '../support/keyward.js';
import { keywardForSuite } from '../support/suite-keyward.js';

describe.each(testDatabases())('IP allowlist entries as written on $name', (db) => {
  const kw = keywardForSuite(db);

  it('refuses an IPv4 address with a leading zero, creating no key', async () => {
    const seeded = await seedTenant(kw, 'LeadingZero');
    const before = (await seeded.admin.get('/v1/keys')).body.items.length;
    const reply = await seeded.admin.post('/v1/keys', {
      name: 'svc',
      kind: 'application',
      ipAllowlist: ['192.0.2.0/24', '010.0.0.0/8'],
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'ipAllowlist.1' });
    expect(reply.body.detail).toContain('010.0.0.0/8');
    expect((await seeded.admin.get('/v1/keys')).body.items).toHaveLength(before);
  });

  it('refuses a range with host bits set on PATCH, naming the network it may have meant, and keeps the list', async () => {
    const seeded = await seedTenant(kw, 'HostBits');
    const created = await seeded.admin.post('/v1/keys', {
      name: 'svc',
      kind: 'application',
      permissions: ['functions.execute'],
      ipAllowlist: ['192.0.2.0/24'],
    });
    expect(created.status).toBe(201);
    const reply = await seeded.admin.patch(`/v1/keys/${created.body.id}`, { ipAllowlist: ['10.0.0.1/8'] });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'ipAllowlist.0' });
    expect(reply.body.detail).toContain('10.0.0.1/8');
    expect(reply.body.detail).toContain('10.0.0.0/8');
    expect((await seeded.admin.get(`/v1/keys/${created.body.id}`)).body.ipAllowlist).toEqual(['192.0.2.0/24']);
  });

  it("refuses a non-canonical entry in an environment's list", async () => {
    const seeded = await seedTenant(kw, 'EnvZero');
    const reply = await seeded.admin.patch(`/v1/environments/${seeded.environmentId}`, {
      ipAllowlist: ['10.0.0.0/08'],
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'VALIDATION', field: 'ipAllowlist.0' });
    expect(reply.body.detail).toContain('10.0.0.0/08');
  });

  it('stores and shows IPv6 entries in their RFC 5952 form, on keys and environments', async () => {
    const seeded = await seedTenant(kw, 'Canonical');
    const written = ['2001:0DB8:0:0::/32', '::FFFF:10.0.0.0/104', '203.0.113.7'];
    const canonical = ['2001:db8::/32', '::ffff:10.0.0.0/104', '203.0.113.7'];
    const created = await seeded.admin.post('/v1/keys', {
      name: 'svc',
      kind: 'application',
      permissions: ['functions.execute'],
      ipAllowlist: written,
    });
    expect(created.status).toBe(201);
    expect(created.body.ipAllowlist).toEqual(canonical);
    expect((await seeded.admin.get(`/v1/keys/${created.body.id}`)).body.ipAllowlist).toEqual(canonical);
    const environment = await seeded.admin.patch(`/v1/environments/${seeded.environmentId}`, { ipAllowlist: written });
    expect(environment.status).toBe(200);
    expect(environment.body.ipAllowlist).toEqual(canonical);
    expect((await kw.client().post('/v1/verify', { key: created.body.key, clientIp: '10.1.2.3' })).body).toMatchObject({
      code: 'VALID',
    });
  });
});
