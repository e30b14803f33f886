/**
 * Races between keys holding one part of the administrator's power (issue 23): `tenant.manage`
 * configures a tenant-wide policy while `users.manage` links it to a key (seed 000); a type-wide
 * editor creates under a project it discovers while that project is deleted (seed 004's deploy key).
 */
import type { RaceWorld } from '../concurrency-world.js';
import { appKey, keyFields, race, statusOf, user, type AnyRace } from './race.js';

interface Delegates {
  /** Admin key holding tenant.manage, functions.execute and library.generate, not users.manage. */
  readonly tenantManager: string;
  /** Admin key holding users.manage and functions.execute only: it may not hand out library.generate. */
  readonly usersManager: string;
  /** Application key made from the deploy preset: agent:editor and project:editor type-wide. */
  readonly deployer: string;
}

const delegates = new WeakMap<RaceWorld, Promise<Delegates>>();

/** The world's delegated keys, made once and shared by every trial. */
function delegatesOf(world: RaceWorld): Promise<Delegates> {
  let made = delegates.get(world);
  if (made === undefined) {
    made = (async () => {
      const userId = await user(world, 'admin');
      const adminKey = async (permissions: readonly string[]) =>
        (await appKey(world, { kind: 'user', userId, admin: true, permissions })).key;
      return {
        tenantManager: await adminKey(['tenant.manage', 'functions.execute', 'library.generate']),
        usersManager: await adminKey(['users.manage', 'functions.execute']),
        deployer: (await appKey(world, { preset: 'deploy' })).key,
      };
    })();
    delegates.set(world, made);
  }
  return made;
}

interface PolicyTrial {
  readonly keys: Delegates;
  readonly policyId: string;
  readonly target: { readonly id: string; readonly key: string };
}

/** A tenant-wide policy (no environment) granting functions.execute, and a key to link it to. */
async function tenantWidePolicy(world: RaceWorld): Promise<PolicyTrial> {
  const keys = await delegatesOf(world);
  const policy = await world.make('/v1/policies', { name: world.unique('wide'), permissions: ['functions.execute'] });
  return { keys, policyId: policy.id, target: await appKey(world) };
}

const link = (trial: PolicyTrial) => ({ policyIds: [trial.policyId] });

export const DELEGATED_RACES: readonly AnyRace[] = [
  race({
    // The link is judged by the policy as it is when linked: widened first, it is more than users.manage may hand out.
    name: 'tenant-wide policy widened by tenant.manage vs linked by users.manage',
    setup: tenantWidePolicy,
    a: (node, trial) =>
      node.call('PATCH', `/v1/policies/${trial.policyId}`, trial.keys.tenantManager, {
        permissions: ['functions.execute', 'library.generate'],
      }),
    b: (node, trial) => node.call('PATCH', `/v1/keys/${trial.target.id}`, trial.keys.usersManager, link(trial)),
    observe: async (world, trial) => ({
      permissions: [...(await world.read(`/v1/policies/${trial.policyId}`)).body.permissions].sort(),
      ...(await keyFields(world, trial.target.id, ['policyIds'])),
    }),
    serial: (trial) => {
      const permissions = ['functions.execute', 'library.generate'];
      return [
        { order: 'a, b', a: 200, b: 403, end: { permissions, policyIds: [] } },
        { order: 'b, a', a: 200, b: 200, end: { permissions, policyIds: [trial.policyId] } },
      ];
    },
  }),
  race({
    // Deleting unlinks it from every key in the same transaction: no key is left linked to a policy that is gone.
    name: 'tenant-wide policy deleted by tenant.manage vs linked by users.manage',
    setup: tenantWidePolicy,
    a: (node, trial) => node.call('DELETE', `/v1/policies/${trial.policyId}?force=true`, trial.keys.tenantManager),
    b: (node, trial) => node.call('PATCH', `/v1/keys/${trial.target.id}`, trial.keys.usersManager, link(trial)),
    observe: async (world, trial) => ({
      policy: await statusOf(world, `/v1/policies/${trial.policyId}`),
      ...(await keyFields(world, trial.target.id, ['policyIds'])),
    }),
    serial: () => [
      { order: 'a, b', a: 200, b: 404, end: { policy: 404, policyIds: [] } },
      { order: 'b, a', a: 200, b: 200, end: { policy: 404, policyIds: [] } },
    ],
  }),
  race({
    // No orphan: the agent is refused with its parent gone, or counted and the deletion refused.
    name: 'type-wide editor creates under a discovered project vs its deletion',
    setup: async (world) => ({
      keys: await delegatesOf(world),
      projectId: (await world.make('/v1/resources', { type: 'project', name: world.unique('project') })).id as string,
    }),
    a: (node, trial, world) => node.call('DELETE', `/v1/resources/${trial.projectId}`, world.adminKey),
    b: (node, trial) =>
      node.call('POST', '/v1/resources', trial.keys.deployer, {
        type: 'agent',
        name: 'ci-agent',
        parentId: trial.projectId,
      }),
    observe: async (world, trial, [, made]) => ({
      project: await statusOf(world, `/v1/resources/${trial.projectId}`),
      agentParent: made.status === 201 ? (await world.read(`/v1/resources/${made.body.id}`)).body.parentId : null,
    }),
    serial: (trial) => [
      { order: 'a, b', a: 200, b: 404, end: { project: 404, agentParent: null } },
      { order: 'b, a', a: 409, b: 201, end: { project: 200, agentParent: trial.projectId } },
    ],
  }),
];
