/**
 * `GET /v1/model` tells any valid key the model in force, so clients build their pickers from it
 * instead of guessing: each type's roles, the levels a type takes, each preset's grants.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteOnly } from '../support/databases.js';
import { seedTenant, startKeyward, type Seeded, type TestKeyward } from '../support/keyward.js';

// SQLite only (databases.ts): the model answered is the configuration's, read from no table.
describe.each(sqliteOnly())('GET /v1/model ($name)', (db) => {
  let kw: TestKeyward;
  let seeded: Seeded;
  beforeAll(async () => {
    kw = await startKeyward(db);
    seeded = await seedTenant(kw);
  });
  afterAll(async () => kw.close());

  it('answers the model in force to a key with no grants at all', async () => {
    const bare = await seeded.admin.post('/v1/keys', { name: 'bare', kind: 'application' });
    const reply = await kw.client(bare.body.key).get('/v1/model');
    expect(reply.status).toBe(200);
    expect(reply.body.actions).toContain('discover');
    const agent = reply.body.types.find((type: { name: string }) => type.name === 'agent');
    expect(agent.roles).toEqual(expect.arrayContaining(['viewer', 'executor']));
    expect(agent.parents).toEqual(expect.arrayContaining(['namespace', 'project']));
    const deploy = reply.body.presets.find((preset: { name: string }) => preset.name === 'deploy');
    expect(deploy.scopes).toEqual(['namespace:admin', 'agent:editor', 'project:editor']);
    const usersManage = reply.body.permissions.find((permission: { id: string }) => permission.id === 'users.manage');
    expect(usersManage).toMatchObject({ scope: 'tenant', adminOnly: true });
  });

  it('names the role a legacy role is stored as, so clients read a stored agent:viewer+run as the server does', async () => {
    const reply = await seeded.admin.get('/v1/model');
    const role = (name: string) => reply.body.roles.find((candidate: { name: string }) => candidate.name === name);
    expect(role('executor')).toMatchObject({
      storeAs: 'viewer',
      actions: expect.arrayContaining(['discover', 'read', 'run']),
    });
    expect(role('viewer').storeAs).toBeNull();
  });

  it('says which types take levels, and not namespace, whose only role is admin', async () => {
    const reply = await seeded.admin.get('/v1/model');
    const view = reply.body.levels.find((level: { name: string }) => level.name === 'view');
    expect(view.types).toContain('agent');
    expect(view.types).not.toContain('namespace');
    expect(view.actions).toEqual(expect.arrayContaining(['discover', 'read']));
  });

  it('seed 001: says what each level grants, component access that never runs or shares', async () => {
    const reply = await seeded.admin.get('/v1/model');
    const actionsOf = (name: string): string[] =>
      [...reply.body.levels.find((level: { name: string }) => level.name === name).actions].sort();
    expect(actionsOf('view')).toEqual(['discover', 'read']);
    expect(actionsOf('edit')).toEqual(['discover', 'read', 'update']);
    expect(actionsOf('full')).toEqual(['create', 'delete', 'discover', 'read', 'update']);
    expect(actionsOf('none')).toEqual([]);
  });

  it('seed 000: shows the tenant-admin preset with every named permission, for admin keys only', async () => {
    const reply = await seeded.admin.get('/v1/model');
    const preset = reply.body.presets.find((candidate: { name: string }) => candidate.name === 'tenant-admin');
    expect(preset.adminOnly).toBe(true);
    expect(preset.scopes).toEqual(['org:admin']);
    const named = reply.body.permissions
      .filter((permission: { alwaysHeld: boolean }) => !permission.alwaysHeld)
      .map((permission: { id: string }) => permission.id);
    expect([...preset.permissions].sort()).toEqual([...named].sort());
    expect(reply.body.presets.find((candidate: { name: string }) => candidate.name === 'deploy')).toMatchObject({
      permissions: [],
      adminOnly: false,
    });
  });

  it('seed 004: "Presets provide sensible default scopes for common use cases": each with its icon and use case', async () => {
    const reply = await seeded.admin.get('/v1/model');
    const shown = reply.body.presets
      .filter((preset: { adminOnly: boolean }) => !preset.adminOnly)
      .map(({ name, icon, useCase }: { name: string; icon: string; useCase: string }) => ({ name, icon, useCase }));
    // Seed 004's table: :rocket:, :eye:, :robot: and :gear:, in the file as the emoji they stand for.
    expect(shown).toEqual([
      { name: 'deploy', icon: '🚀', useCase: 'CI/CD pipelines, deployments' },
      { name: 'read-only', icon: '👁️', useCase: 'Monitoring, dashboards' },
      { name: 'agent-runner', icon: '🤖', useCase: 'Execute tasks, manage files' },
      { name: 'custom', icon: '⚙️', useCase: 'Manual scope configuration' },
    ]);
  });

  it('seed 003: lists Cloud Events among the types', async () => {
    const reply = await seeded.admin.get('/v1/model');
    expect(reply.body.types.find((type: { name: string }) => type.name === 'cloudEvent')).toMatchObject({
      roles: ['viewer', 'editor', 'owner'],
      topLevel: true,
    });
  });

  it('refuses a caller without a key', async () => {
    const reply = await kw.client().get('/v1/model');
    expect(reply.status).toBe(401);
    expect(reply.body.code).toBe('UNAUTHENTICATED');
  });
});
