/**
 * The outbox (SPEC §4, events out): a key's change and its events commit together or not at all,
 * one delivery per subscribing endpoint of the tenant, in the order the changes were made.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EndpointRow } from '../../src/modules/webhooks/endpoints.repository.js';
import { testDatabases } from '../support/databases.js';
import { seedTenant, startKeyward, type Seeded, type TestKeyward } from '../support/keyward.js';
import { storedEndpoint } from '../support/stored-endpoint.js';

const ALL_EVENTS = ['key.created', 'key.updated', 'key.rotated', 'key.revoked'];

function endpoint(kw: TestKeyward, tenantId: string, overrides: Partial<EndpointRow> = {}): Promise<string> {
  return storedEndpoint(kw.keyward.storage.db, tenantId, ALL_EVENTS, overrides);
}

async function deliveriesOf(kw: TestKeyward, endpointId: string) {
  const rows = await kw.keyward.storage.db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => ({ type: row.type, keyId: row.key_id, body: JSON.parse(row.payload) }));
}

describe.each(testDatabases())('the webhook outbox on $name', (testDb) => {
  let kw: TestKeyward;
  let acme: Seeded;
  beforeEach(async () => {
    kw = await startKeyward(testDb);
    acme = await seedTenant(kw);
  });
  afterEach(async () => {
    await kw.close();
  });

  it('writes one event per key change, in order, with {type, timestamp, data} and no secret', async () => {
    const hook = await endpoint(kw, acme.tenantId);
    const created = await acme.admin.post('/v1/keys', { name: 'ci', kind: 'application' });
    const id = created.body.id;
    expect((await acme.admin.patch(`/v1/keys/${id}`, { name: 'ci-2' })).status).toBe(200);
    const rotated = await acme.admin.post(`/v1/keys/${id}/rotate`, {});
    expect(rotated.status).toBe(200);
    expect((await acme.admin.post(`/v1/keys/${id}/revoke`)).status).toBe(200);

    const seen = await deliveriesOf(kw, hook);
    expect(seen.map((row) => row.type)).toEqual(ALL_EVENTS);
    for (const row of seen) {
      expect(row.keyId).toBe(id);
      expect(Object.keys(row.body).sort()).toEqual(['data', 'timestamp', 'type']);
      expect(row.body.data.keyId).toBe(id);
      expect(row.body.data.tenantId).toBe(acme.tenantId);
    }
    const everything = JSON.stringify(seen);
    expect(everything).not.toContain(created.body.key);
    expect(everything).not.toContain(rotated.body.key);
  });

  it('writes nothing for a change that is refused, and nothing to disabled, unsubscribed or other tenants’ endpoints', async () => {
    const subscribed = await endpoint(kw, acme.tenantId, { events: ['key.revoked'] });
    const disabled = await endpoint(kw, acme.tenantId, { enabled: false });
    const globex = await seedTenant(kw, 'Globex');
    const foreign = await endpoint(kw, globex.tenantId);
    const created = await acme.admin.post('/v1/keys', { name: 'ci', kind: 'application' });
    expect((await acme.admin.post(`/v1/keys/${created.body.id}/revoke`)).status).toBe(200);
    // A revoked key cannot change: refused, so no event either.
    expect((await acme.admin.patch(`/v1/keys/${created.body.id}`, { name: 'late' })).status).toBe(409);

    expect((await deliveriesOf(kw, subscribed)).map((row) => row.type)).toEqual(['key.revoked']);
    expect(await deliveriesOf(kw, disabled)).toEqual([]);
    // Globex's own admin key was created before its endpoint: nothing of Acme's reaches it.
    expect(await deliveriesOf(kw, foreign)).toEqual([]);
  });

  it('hears only its environment when bound to one', async () => {
    const other = await acme.admin.post('/v1/environments', { name: 'staging' });
    const bound = await endpoint(kw, acme.tenantId, { environment_id: other.body.id });
    await acme.admin.post('/v1/keys', { name: 'prod-key', kind: 'application' });
    const staging = await acme.admin.post('/v1/keys', {
      name: 'staging-key',
      kind: 'application',
      environmentId: other.body.id,
    });
    expect((await deliveriesOf(kw, bound)).map((row) => row.keyId)).toEqual([staging.body.id]);
  });

  it('revokes a deleted user’s keys with one key.revoked each', async () => {
    const hook = await endpoint(kw, acme.tenantId, { events: ['key.revoked'] });
    const user = await acme.admin.post('/v1/users', { name: 'Bo', email: 'bo@acme.example' });
    const key = await acme.admin.post('/v1/keys', { name: 'bo', kind: 'user', userId: user.body.id });
    expect((await acme.admin.delete(`/v1/users/${user.body.id}`)).status).toBe(200);
    const seen = await deliveriesOf(kw, hook);
    expect(seen.map((row) => [row.type, row.keyId])).toEqual([['key.revoked', key.body.id]]);
    expect(seen[0]?.body.data.reason).toBe('user deleted');
  });
});
