/**
 * Verify on a resource reads it once and then answers from this node's cache; a resource change
 * recorded in the change log (from this node or another) clears what the cache holds.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';

describe.each(testDatabases())('verify on resources on $name', (db) => {
  const kw = keywardForSuite(db);
  const seeded = tenantForSuite(kw, 'Cached');

  const code = async (key: string, action: string, resource: Record<string, unknown>) =>
    (await kw.client().post('/v1/verify', { key, action, resource })).body.code as string;

  it('answers a second verify of a resource without reading storage, until a change is recorded', async () => {
    const agent = await seeded.admin.post('/v1/resources', { type: 'agent', name: 'cached', externalId: 'cached-1' });
    expect(agent.status).toBe(201);
    const runner = await seeded.admin.post('/v1/keys', {
      name: 'runner',
      kind: 'application',
      scopes: ['agent:executor'],
    });
    const byId = { type: 'agent', id: agent.body.id };
    const byExternalId = { type: 'agent', externalId: 'cached-1' };
    expect(await code(runner.body.key, 'run', byId)).toBe('VALID');
    expect(await code(runner.body.key, 'run', byExternalId)).toBe('VALID');

    // Behind Keyward's back (no change-log row): the cached answers stand, proving no read.
    await kw.keyward.storage.db
      .updateTable('resources')
      .set({ environment_id: seeded.environmentId, type: 'project' })
      .where('id', '=', agent.body.id)
      .execute();
    expect(await code(runner.body.key, 'run', byId)).toBe('VALID');
    expect(await code(runner.body.key, 'run', byExternalId)).toBe('VALID');

    // A recorded change anywhere (here: another resource created) clears the cache.
    await seeded.admin.post('/v1/resources', { type: 'agent', name: 'other' });
    expect(await code(runner.body.key, 'run', byId)).toBe('FORBIDDEN');
    expect(await code(runner.body.key, 'run', byExternalId)).toBe('FORBIDDEN');
  });

  it('sees a deletion at once on the node that took it', async () => {
    const agent = await seeded.admin.post('/v1/resources', { type: 'agent', name: 'doomed' });
    const runner = await seeded.admin.post('/v1/keys', {
      name: 'runner',
      kind: 'application',
      scopes: ['agent:executor'],
    });
    expect(await code(runner.body.key, 'run', { type: 'agent', id: agent.body.id })).toBe('VALID');
    expect((await seeded.admin.delete(`/v1/resources/${agent.body.id}`)).status).toBe(200);
    expect(await code(runner.body.key, 'run', { type: 'agent', id: agent.body.id })).toBe('FORBIDDEN');
  });

  it('follows changes other nodes recorded in the change log', async () => {
    const agent = await seeded.admin.post('/v1/resources', { type: 'agent', name: 'remote' });
    const runner = await seeded.admin.post('/v1/keys', {
      name: 'runner',
      kind: 'application',
      scopes: ['agent:executor'],
    });
    expect(await code(runner.body.key, 'run', { type: 'agent', id: agent.body.id })).toBe('VALID');
    // Another node deleted it: its rows and its change-log row, nothing on this node.
    const storage = kw.keyward.storage.db;
    await storage.deleteFrom('resource_roles').where('resource_id', '=', agent.body.id).execute();
    await storage.deleteFrom('resources').where('id', '=', agent.body.id).execute();
    await storage
      .insertInto('change_log')
      .values({
        entity: 'resource',
        entity_id: agent.body.id,
        tenant_id: seeded.tenantId,
        op: 'delete',
        at: Date.now(),
      })
      .execute();
    expect(await code(runner.body.key, 'run', { type: 'agent', id: agent.body.id })).toBe('VALID');
    await kw.keyward.follower.catchUp();
    expect(await code(runner.body.key, 'run', { type: 'agent', id: agent.body.id })).toBe('FORBIDDEN');
  });
});
