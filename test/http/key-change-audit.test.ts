/**
 * Issue 26 item 6: a key's PATCH is audited as what it did, not as `key.update`: disabling is
 * `key.disabled`, enabling `key.enabled`, a rename `key.renamed`, new grants `key.grants_changed`,
 * new limits or credits `key.usage_changed`, each with the key's old and new values; a request
 * that does several things records one event for each. A refused PATCH is still `key.update`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { seedTenant, startKeyward, type Seeded, type TestKeyward } from '../support/keyward.js';

describe.each(testDatabases())('key change audit actions on $name', (db) => {
  let kw: TestKeyward;
  let seeded: Seeded;
  beforeAll(async () => {
    kw = await startKeyward(db);
    seeded = await seedTenant(kw, 'Changes');
  });
  afterAll(async () => {
    await kw.close();
  });

  async function keyNamed(name: string): Promise<string> {
    const made = await seeded.admin.post('/v1/keys', { name, kind: 'application', permissions: ['functions.execute'] });
    expect(made.status).toBe(201);
    return made.body.id as string;
  }
  async function eventsOf(id: string) {
    const events = await seeded.admin.get(`/v1/audit?targetId=${id}&order=desc`);
    expect(events.status).toBe(200);
    return events.body.items as { action: string; details: Record<string, unknown> }[];
  }

  it('records a disable as key.disabled and an enable as key.enabled, with old and new values', async () => {
    const id = await keyNamed('toggled');
    await seeded.admin.patch(`/v1/keys/${id}`, { enabled: false });
    await seeded.admin.patch(`/v1/keys/${id}`, { enabled: true });
    const [enabled, disabled] = await eventsOf(id);
    expect(disabled).toMatchObject({
      action: 'key.disabled',
      details: { from: { enabled: true }, to: { enabled: false } },
    });
    expect(enabled).toMatchObject({
      action: 'key.enabled',
      details: { from: { enabled: false }, to: { enabled: true } },
    });
  });

  it('records a rename with the old and the new name', async () => {
    const id = await keyNamed('before');
    expect((await seeded.admin.patch(`/v1/keys/${id}`, { name: 'after' })).status).toBe(200);
    expect((await eventsOf(id))[0]).toMatchObject({
      action: 'key.renamed',
      details: { fields: ['name'], from: { name: 'before' }, to: { name: 'after' } },
    });
  });

  it('records new grants and a linked policy as key.grants_changed', async () => {
    const id = await keyNamed('granted');
    const policy = await seeded.admin.post('/v1/policies', { name: 'readers', permissions: ['functions.execute'] });
    expect(policy.status).toBe(201);
    expect((await seeded.admin.patch(`/v1/keys/${id}`, { policyIds: [policy.body.id] })).status).toBe(200);
    expect((await eventsOf(id))[0]).toMatchObject({
      action: 'key.grants_changed',
      details: { from: { policyIds: [] }, to: { policyIds: [policy.body.id] } },
    });
  });

  it('records one event per kind of change in one request, metadata old and new', async () => {
    const id = await keyNamed('several');
    const reply = await seeded.admin.patch(`/v1/keys/${id}`, {
      metadata: { team: 'billing' },
      credits: { remaining: 10 },
    });
    expect(reply.status).toBe(200);
    const events = await eventsOf(id);
    expect(
      events
        .slice(0, 2)
        .map((event) => event.action)
        .sort(),
    ).toEqual(['key.metadata_changed', 'key.usage_changed']);
    expect(events.find((event) => event.action === 'key.metadata_changed')?.details).toMatchObject({
      from: { metadata: {} },
      to: { metadata: { team: 'billing' } },
    });
    expect(events.find((event) => event.action === 'key.usage_changed')?.details).toMatchObject({
      from: { credits: null },
      to: { credits: { remaining: 10 } },
    });
  });

  it('still files a refused PATCH under the route action key.update', async () => {
    const weak = await seeded.admin.post('/v1/keys', { name: 'weak', kind: 'application' });
    const refused = await kw.client(weak.body.key).patch(`/v1/keys/${seeded.adminKeyId}`, { enabled: false });
    expect(refused.status).toBe(403);
    const denied = await seeded.admin.get(`/v1/audit?targetId=${seeded.adminKeyId}&outcome=denied`);
    expect(denied.body.items.map((event: { action: string }) => event.action)).toEqual(['key.update']);
  });
});
