/** Fixtures of the replica's routes (SPEC §4, replica: `verify.replicate`, in the key's own environment). */
import type { Fixtures } from './fixture.js';
import { newKey } from './objects.js';

const REPLICATE = ['verify.replicate'];

/** What the usage route answers a caller it lets through whose environment the key is not in. */
const IGNORED = {
  allowed:
    "a replica's usage counts only keys of the caller's own environment: the others are ignored, and the answer names none",
} as const;

export const REPLICA_FIXTURES: Fixtures = {
  'GET /v1/changes/stream': {
    // The matrix's Keyward ends each stream after a few milliseconds (world.ts), so the control's answer ends.
    prepare: async (world) => ({
      url: `/v1/changes/stream?environmentId=${world.home.environmentId}`,
      needs: REPLICATE,
    }),
  },
  'POST /v1/replica/usage': {
    prepare: async (world) => {
      const key = await newKey(world);
      return {
        url: '/v1/replica/usage',
        body: { items: [{ keyId: key.id, code: 'VALID', count: 3, lastUsedAt: new Date(0).toISOString() }] },
        needs: REPLICATE,
        hidden: { otherTenant: [key.id], otherEnvironment: [key.id] },
      };
    },
    // Counts go to the usage recorder, flushed later: no change-log row or audit event, as for a verify.
    changesNothing: true,
    answers: { otherTenant: IGNORED, otherEnvironment: IGNORED },
  },
};
