/**
 * Fixtures of resources and verify (SPEC §3: the check, per action). The target is an agent of the
 * home environment: the no-permission caller keeps the role just below the action's, so the target
 * stays discoverable and the refusal is the action's own (403), not the 404 of the unseen.
 */
import type { Fixtures } from './fixture.js';
import { AGENT_GRANTS, newAgent } from './objects.js';

const UNREACHABLE =
  'an agent visible to its environment only cannot be discovered from another: 404 (SPEC §3 step 4, §5)';

export const RESOURCE_FIXTURES: Fixtures = {
  'POST /v1/resources': {
    prepare: async (world) => ({
      url: '/v1/resources',
      body: { environmentId: world.home.environmentId, type: 'agent', name: world.unique('agent') },
      needs: AGENT_GRANTS,
      keeps: ['agent:viewer'],
    }),
  },
  'GET /v1/resources': {
    prepare: async (world) => {
      const agentId = await newAgent(world);
      return {
        url: `/v1/resources?environmentId=${world.home.environmentId}`,
        needs: AGENT_GRANTS,
        hidden: { otherEnvironment: [agentId], noPermission: [agentId] },
      };
    },
    answers: {
      otherEnvironment: { allowed: 'a listing is what the key may discover: not the other environment’s agent' },
      noPermission: { allowed: 'a listing is what the key may discover: not an agent it holds no grant on' },
    },
  },
  'GET /v1/resources/:id': {
    prepare: async (world) => ({
      url: `/v1/resources/${await newAgent(world)}`,
      needs: AGENT_GRANTS,
      keeps: ['agent:discoverer'],
    }),
    answers: { otherEnvironment: { refused: 404, code: 'NOT_FOUND', why: UNREACHABLE } },
  },
  'PATCH /v1/resources/:id': {
    prepare: async (world) => ({
      url: `/v1/resources/${await newAgent(world)}`,
      body: { name: world.unique('renamed') },
      needs: AGENT_GRANTS,
      keeps: ['agent:viewer'],
    }),
    answers: { otherEnvironment: { refused: 404, code: 'NOT_FOUND', why: UNREACHABLE } },
  },
  'DELETE /v1/resources/:id': {
    prepare: async (world) => ({
      url: `/v1/resources/${await newAgent(world)}`,
      needs: AGENT_GRANTS,
      keeps: ['agent:editor'],
    }),
    answers: { otherEnvironment: { refused: 404, code: 'NOT_FOUND', why: UNREACHABLE } },
  },
  // The key is the credential: each case's key goes in the body, and every outcome is a 200 verdict.
  'POST /v1/verify': {
    credential: 'body',
    prepare: async (world) => ({
      url: '/v1/verify',
      // A clientIp, as a platform passes its caller's: outside the allowlisted key's list (without one, a list fails closed).
      body: { action: 'read', resource: { type: 'agent', id: await newAgent(world) }, clientIp: '198.51.100.7' },
      needs: AGENT_GRANTS,
      keeps: ['agent:discoverer'],
    }),
  },
};
