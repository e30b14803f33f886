/**
 * What the root key does in a tenant is the instance operator's doing (issue 21): the tenant's
 * audit log shows it as `actor: {type: 'operator'}`, without the root key's id or the operator's
 * address; the instance chain keeps the full record (key id, address, the tenant it acted in).
 * Both chains stay verifiable.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { seedTenant, type Seeded } from '../support/keyward.js';
import { keywardForSuite } from '../support/suite-keyward.js';

describe.each(testDatabases())("the operator in tenants' audit logs on $name", (db) => {
  let seeded: Seeded;
  let rootKeyId: string;
  const kw = keywardForSuite(db);
  beforeAll(async () => {
    rootKeyId = kw.keyward.rootKey.rootKeyId;
    // The root key makes the tenant, its environment, user and admin key, then renames the tenant.
    seeded = await seedTenant(kw, 'Operated');
    expect((await kw.root.patch(`/v1/tenants/${seeded.tenantId}`, { name: 'Operated Ltd' })).status).toBe(200);
    expect((await seeded.admin.post('/v1/groups', { name: 'ops' })).status).toBe(201);
  });

  it("shows the root key's actions in the tenant as the instance operator's, with no key id or address", async () => {
    const events = (await seeded.admin.get('/v1/audit?limit=100')).body.items as Record<string, unknown>[];
    const byOperator = events.filter(
      (event) => event['action'] === 'tenant.update' || event['action'] === 'tenant.create',
    );
    expect(byOperator).toHaveLength(2);
    for (const event of byOperator)
      expect(event).toMatchObject({
        actor: { type: 'operator' },
        actorKeyId: null,
        sourceIp: null,
        tenantId: seeded.tenantId,
      });
    expect(JSON.stringify(events)).not.toContain(rootKeyId);
  });

  it("shows a tenant key's own actions with its key id", async () => {
    const [group] = (await seeded.admin.get('/v1/audit?action=group.create')).body.items;
    expect(group).toMatchObject({
      actor: { type: 'key', keyId: seeded.adminKeyId },
      actorKeyId: seeded.adminKeyId,
      sourceIp: '127.0.0.1',
    });
  });

  it('keeps the full record in the instance chain: the root key, its address and the tenant', async () => {
    const events = (await kw.root.get(`/v1/audit?actorKeyId=${rootKeyId}&action=tenant.update`)).body.items;
    expect(events).toEqual([
      expect.objectContaining({
        tenantId: null,
        actorKeyId: rootKeyId,
        actor: { type: 'key', keyId: rootKeyId },
        sourceIp: '127.0.0.1',
        target: { type: 'tenant', id: seeded.tenantId },
        details: expect.objectContaining({
          tenantId: seeded.tenantId,
          changes: { name: { from: 'Operated', to: 'Operated Ltd' } },
        }),
        chain: expect.objectContaining({ id: 'instance' }),
      }),
    ]);
  });

  it('leaves both chains verifiable', async () => {
    expect((await seeded.admin.get('/v1/audit/verify')).body).toMatchObject({ ok: true });
    expect((await kw.root.get('/v1/audit/verify')).body).toMatchObject({ ok: true });
  });
});
