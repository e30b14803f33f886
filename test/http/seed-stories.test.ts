/**
 * The seed documents' stories, end to end over HTTP: seed 004's sharing groups (what a member
 * creates, every member may manage; outsiders cannot even discover it) and seed 001's API Scopes
 * (one policy linked to several keys; editing it changes all of them at once).
 */
import { created } from '../support/problem.js';
import { describe, expect, it } from 'vitest';
import { sqliteOnly } from '../support/databases.js';
import type { Client } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';

// SQLite only (databases.ts): the seeds' stories are decided by the model and the services; each
// statement they run is one resources, group-doors, policies-groups and key-grants run on both databases.
describe.each(sqliteOnly())('the seed stories on $name', (db) => {
  const kw = keywardForSuite(db);
  const seeded = tenantForSuite(kw, 'Stories');

  const verify = async (key: string, action: string, resource: Record<string, unknown>) =>
    (await kw.client().post('/v1/verify', { key, action, resource })).body.code as string;

  it('seed 004: a deploy key in "engineering" creates an agent every member of the group may manage, and nobody else may see', async () => {
    const engineering = created(await seeded.admin.post('/v1/groups', { name: 'engineering' }));
    const project = created(await seeded.admin.post('/v1/resources', { type: 'project', name: 'checkout' }));
    const deployer = created(
      await seeded.admin.post('/v1/keys', {
        name: 'ci',
        kind: 'application',
        preset: 'deploy',
        groupIds: [engineering.id],
      }),
    );
    const teammate = created(
      await seeded.admin.post('/v1/keys', { name: 'ada', kind: 'application', groupIds: [engineering.id] }),
    );
    const outsider = created(await seeded.admin.post('/v1/keys', { name: 'eve', kind: 'application' }));
    expect(deployer.groupIds).toEqual([engineering.id]);

    const agent = created(
      await kw.client(deployer.key).post('/v1/resources', { type: 'agent', name: 'pricing', parentId: project.id }),
    );

    const mate: Client = kw.client(teammate.key);
    expect((await mate.get(`/v1/resources/${agent.id}`)).status).toBe(200);
    const renamed = await mate.patch(`/v1/resources/${agent.id}`, { name: 'pricing-v2' });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body.name).toBe('pricing-v2');
    expect(await verify(teammate.key, 'run', { type: 'agent', id: agent.id })).toBe('VALID');

    const stranger: Client = kw.client(outsider.key);
    expect((await stranger.get(`/v1/resources/${agent.id}`)).status).toBe(404);
    expect((await stranger.patch(`/v1/resources/${agent.id}`, { name: 'mine' })).status).toBe(404);
    expect((await stranger.delete(`/v1/resources/${agent.id}`)).status).toBe(404);
    expect((await stranger.get('/v1/resources?type=agent')).body.items).toEqual([]);
    expect(await verify(outsider.key, 'discover', { type: 'agent', id: agent.id })).toBe('FORBIDDEN');

    expect((await mate.delete(`/v1/resources/${agent.id}`)).status).toBe(200);
    expect((await seeded.admin.get(`/v1/resources/${agent.id}`)).status).toBe(404);
  });

  it('seed 004: a key that leaves the group loses what only the group gave it', async () => {
    const team = created(await seeded.admin.post('/v1/groups', { name: 'platform' }));
    const maker = created(
      await seeded.admin.post('/v1/keys', {
        name: 'maker',
        kind: 'application',
        levels: { agent: 'full' },
        groupIds: [team.id],
      }),
    );
    const member = created(
      await seeded.admin.post('/v1/keys', { name: 'member', kind: 'application', groupIds: [team.id] }),
    );
    const agent = created(await kw.client(maker.key).post('/v1/resources', { type: 'agent', name: 'shared' }));
    expect(await verify(member.key, 'update', { type: 'agent', id: agent.id })).toBe('VALID');
    expect((await seeded.admin.delete(`/v1/groups/${team.id}/members/${member.id}`)).status).toBe(200);
    expect(await verify(member.key, 'update', { type: 'agent', id: agent.id })).toBe('FORBIDDEN');
    expect(await verify(maker.key, 'update', { type: 'agent', id: agent.id })).toBe('VALID');
  });

  it('seed 001: one policy on two keys; raising it lets both create agents, removing runtime.run stops both runs', async () => {
    const agent = created(await seeded.admin.post('/v1/resources', { type: 'agent', name: 'support-bot' }));
    const scope = created(
      await seeded.admin.post('/v1/policies', {
        environmentId: seeded.environmentId,
        name: 'agent users',
        levels: { agent: 'view' },
        permissions: ['runtime.run'],
      }),
    );
    const first = created(
      await seeded.admin.post('/v1/keys', { name: 'app-1', kind: 'application', policyIds: [scope.id] }),
    );
    const second = created(
      await seeded.admin.post('/v1/keys', { name: 'app-2', kind: 'application', policyIds: [scope.id] }),
    );
    expect(first.policyIds).toEqual([scope.id]);

    const linked = await seeded.admin.get(`/v1/keys?policyId=${scope.id}`);
    expect(linked.body.items.map((key: { id: string }) => key.id).sort()).toEqual([first.id, second.id].sort());

    for (const key of [first.key, second.key]) {
      expect(await verify(key, 'read', { type: 'agent', id: agent.id })).toBe('VALID');
      expect(await verify(key, 'run', { type: 'agent', id: agent.id })).toBe('VALID');
      expect(await verify(key, 'create', { type: 'agent' })).toBe('FORBIDDEN');
      expect((await kw.client(key).post('/v1/resources', { type: 'agent', name: 'nope' })).status).toBe(403);
    }

    expect((await seeded.admin.patch(`/v1/policies/${scope.id}`, { levels: { agent: 'full' } })).status).toBe(200);
    for (const key of [first.key, second.key]) {
      expect(await verify(key, 'create', { type: 'agent' })).toBe('VALID');
      expect(
        (await kw.client(key).post('/v1/resources', { type: 'agent', name: `made by ${key.slice(-4)}` })).status,
      ).toBe(201);
    }

    // Back to view, still with runtime.run: both still run.
    expect((await seeded.admin.patch(`/v1/policies/${scope.id}`, { levels: { agent: 'view' } })).status).toBe(200);
    for (const key of [first.key, second.key])
      expect(await verify(key, 'run', { type: 'agent', id: agent.id })).toBe('VALID');

    expect((await seeded.admin.patch(`/v1/policies/${scope.id}`, { permissions: [] })).status).toBe(200);
    for (const key of [first.key, second.key]) {
      expect(await verify(key, 'run', { type: 'agent', id: agent.id })).toBe('FORBIDDEN');
      expect(await verify(key, 'read', { type: 'agent', id: agent.id })).toBe('VALID');
    }
  });
});
