/** Fixtures of users, their MFA and the calling key itself (SPEC §5: `users.manage`, the user's own key, any key). */
import { codeAt, STEP_MS } from '../../support/totp.js';
import { created } from '../../support/problem.js';
import type { Fixtures } from './fixture.js';
import { newKey, newUser } from './objects.js';
import type { World } from './world.js';

const USERS = ['users.manage'];

/** A user whose MFA enrolment the home admin started: its seed. */
async function enrolling(world: World): Promise<{ userId: string; secret: string }> {
  const userId = await newUser(world);
  const enrolment = created(await world.home.admin.post(`/v1/users/${userId}/mfa`));
  return { userId, secret: enrolment.secret };
}

export const PEOPLE_FIXTURES: Fixtures = {
  'POST /v1/users': {
    prepare: async (world) => {
      const name = world.unique('person');
      return {
        url: '/v1/users',
        body: { tenantId: world.home.tenantId, name, email: `${name}@home.example` },
        needs: USERS,
      };
    },
  },
  'GET /v1/users': {
    prepare: async (world) => ({ url: `/v1/users?tenantId=${world.home.tenantId}`, needs: USERS }),
  },
  'GET /v1/users/:id': {
    prepare: async (world) => ({ url: `/v1/users/${await newUser(world)}`, needs: USERS }),
  },
  'PATCH /v1/users/:id': {
    prepare: async (world) => ({
      url: `/v1/users/${await newUser(world)}`,
      body: { name: world.unique('renamed') },
      needs: USERS,
    }),
  },
  'DELETE /v1/users/:id': {
    prepare: async (world) => ({ url: `/v1/users/${await newUser(world)}`, needs: USERS }),
  },
  'GET /v1/users/:id/mfa': {
    prepare: async (world) => ({ url: `/v1/users/${await newUser(world)}/mfa`, needs: USERS }),
    self: ({ userId }) => ({ url: `/v1/users/${userId}/mfa` }),
  },
  'POST /v1/users/:id/mfa': {
    prepare: async (world) => ({ url: `/v1/users/${await newUser(world)}/mfa`, needs: USERS }),
    self: ({ userId }) => ({ url: `/v1/users/${userId}/mfa` }),
  },
  'POST /v1/users/:id/mfa/confirm': {
    prepare: async (world) => {
      const { userId, secret } = await enrolling(world);
      return {
        url: `/v1/users/${userId}/mfa/confirm`,
        body: { code: codeAt(secret, world.clock.now()) },
        needs: USERS,
      };
    },
    self: ({ userId }) => ({ url: `/v1/users/${userId}/mfa/confirm`, body: { code: '000000' } }),
  },
  'DELETE /v1/users/:id/mfa': {
    prepare: async (world) => ({ url: `/v1/users/${(await enrolling(world)).userId}/mfa`, needs: USERS }),
    self: ({ userId }) => ({ url: `/v1/users/${userId}/mfa` }),
  },
  // Acts on the calling key's own user only: no other tenant's or environment's object is reachable through it.
  'POST /v1/me/mfa/verify': {
    prepare: async (world) => {
      const { userId, secret } = await enrolling(world);
      const confirmed = await world.home.admin.post(`/v1/users/${userId}/mfa/confirm`, {
        code: codeAt(secret, world.clock.now()),
      });
      if (confirmed.status !== 200) throw new Error(`confirming MFA failed: ${JSON.stringify(confirmed.body)}`);
      // A code once accepted is spent: the next step's code is the one the request carries.
      world.clock.advance(STEP_MS);
      const own = await newKey(world, { kind: 'user', userId });
      return {
        url: '/v1/me/mfa/verify',
        body: { code: codeAt(secret, world.clock.now()) },
        needs: [],
        controlKey: own.key,
      };
    },
    answers: {
      otherTenant: {
        refused: 401,
        code: 'MFA_REQUIRED',
        why: "it checks a code of the caller's own user, who has not enrolled (SPEC §4)",
      },
      otherEnvironment: { refused: 400, code: 'VALIDATION', why: 'an application key has no user, so no MFA to check' },
      noPermission: { refused: 400, code: 'VALIDATION', why: 'an application key has no user, so no MFA to check' },
      mfaDue: {
        refused: 401,
        code: 'MFA_INVALID',
        why: "a key due to pass MFA reaches the check (SPEC §4); the code is another user's",
      },
    },
  },
  'GET /v1/me': {
    prepare: async (world) => ({
      url: '/v1/me',
      needs: [],
      hidden: { otherTenant: [world.home.tenantId, world.home.adminKeyId] },
    }),
    answers: {
      otherTenant: { allowed: 'it answers about the calling key alone' },
      otherEnvironment: { allowed: 'it answers about the calling key alone' },
      noPermission: { allowed: 'any valid key reads itself' },
      mfaDue: { allowed: 'a key due to pass MFA again may still read itself (SPEC §4)' },
      rotatedOut: { allowed: 'a rotated-out secret in its grace may read the key it belongs to (SPEC §4)' },
    },
  },
};
