/** The home tenant's objects fixtures act on, each new (so one fixture's control cannot spoil another's). */
import { created } from '../../support/problem.js';
import type { World } from './world.js';

export async function newUser(world: World, role: 'admin' | 'member' = 'member'): Promise<string> {
  const name = world.unique('person');
  return created(await world.home.admin.post('/v1/users', { name, email: `${name}@home.example`, role })).id;
}

/** An application key of the home environment holding nothing but what `body` adds. */
export async function newKey(world: World, body: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
  return created(await world.home.admin.post('/v1/keys', { name: world.unique('key'), kind: 'application', ...body }));
}

export async function newEnvironment(world: World): Promise<string> {
  return created(await world.home.admin.post('/v1/environments', { name: world.unique('env') })).id;
}

/** A policy of the home environment (users.manage governs it), or a tenant-wide one (changing it also needs tenant.manage). */
export async function newPolicy(world: World, reach: 'environment' | 'tenant' = 'environment'): Promise<string> {
  const where = reach === 'environment' ? { environmentId: world.home.environmentId } : {};
  return created(await world.home.admin.post('/v1/policies', { ...where, name: world.unique('policy') })).id;
}

export async function newGroup(world: World): Promise<string> {
  return created(await world.home.admin.post('/v1/groups', { name: world.unique('group') })).id;
}

/** An agent of the home environment, visible there only: it needs a grant even to be discovered (SPEC §3 step 4). */
export async function newAgent(world: World): Promise<string> {
  return created(await world.home.admin.post('/v1/resources', { type: 'agent', name: world.unique('agent') })).id;
}

/**
 * Every grant that reaches a top-level agent: the no-permission caller of a resource route lacks
 * them. The runtime permissions count: `runtime.run` reads agents, `runtime.sessionCreate` discovers them.
 */
export const AGENT_GRANTS = ['org:admin', 'agent:owner', 'runtime.run', 'runtime.sessionCreate'];
