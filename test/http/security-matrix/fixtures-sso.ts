/**
 * Fixtures of identity providers (SPEC §5: `authConfig.manage`, or `tenant.manage`), sessions
 * (any key: its own person's; `users.manage`: the tenant's) and the public steps of SSO sign-in.
 */
import { newSessionToken, hashSessionToken } from '../../../src/modules/sessions/session-tokens.js';
import { newId } from '../../../src/core/ids.js';
import { created } from '../../support/problem.js';
import type { Fixtures } from './fixture.js';
import { newUser } from './objects.js';
import type { World } from './world.js';

const AUTH_CONFIG = ['authConfig.manage', 'tenant.manage'];
const USERS = ['users.manage'];
const SSO_TEST = 'test/http/sso.test.ts';
const OPERATOR_TEST = 'test/http/sso-operator.test.ts';
const CLI_TEST = 'test/http/sso-cli.test.ts';

async function newIdentityProvider(world: World): Promise<string> {
  const domain = `${world.unique('corp')}.home.example`;
  return created(
    await world.home.admin.post('/v1/identity-providers', {
      name: world.unique('idp'),
      issuer: 'https://login.home.example',
      clientId: 'keyward',
      clientSecret: 'secret',
      emailDomains: [domain],
    }),
  ).id;
}

/** A live session of a new person of the home tenant, written as the SSO callback would. */
async function newSession(world: World): Promise<string> {
  const userId = await newUser(world);
  const now = world.clock.now();
  const id = newId('session', now);
  await world.kw.keyward.storage.db
    .insertInto('sessions')
    .values({
      id,
      token_hash: hashSessionToken(newSessionToken()),
      tenant_id: world.home.tenantId,
      user_id: userId,
      email: `${userId}@home.example`,
      provider_id: null,
      key_id: null,
      candidate_key_ids: '[]',
      mfa_pending: 0,
      client: 'console',
      source_ip: null,
      created_at: now,
      expires_at: now + 3_600_000,
    })
    .execute();
  return id;
}

export const SSO_FIXTURES: Fixtures = {
  'POST /v1/identity-providers': {
    prepare: async (world) => ({
      url: '/v1/identity-providers',
      body: {
        tenantId: world.home.tenantId,
        name: world.unique('idp'),
        issuer: 'https://login.home.example',
        clientId: 'keyward',
        clientSecret: 'secret',
        emailDomains: [`${world.unique('made')}.home.example`],
      },
      needs: AUTH_CONFIG,
    }),
  },
  'GET /v1/identity-providers': {
    prepare: async (world) => ({ url: `/v1/identity-providers?tenantId=${world.home.tenantId}`, needs: AUTH_CONFIG }),
  },
  'GET /v1/identity-providers/:id': {
    prepare: async (world) => ({
      url: `/v1/identity-providers/${await newIdentityProvider(world)}`,
      needs: AUTH_CONFIG,
    }),
  },
  'PATCH /v1/identity-providers/:id': {
    prepare: async (world) => ({
      url: `/v1/identity-providers/${await newIdentityProvider(world)}`,
      body: { provisioning: 'member' },
      needs: AUTH_CONFIG,
    }),
  },
  'DELETE /v1/identity-providers/:id': {
    prepare: async (world) => ({
      url: `/v1/identity-providers/${await newIdentityProvider(world)}`,
      needs: AUTH_CONFIG,
    }),
  },
  'GET /v1/sessions': {
    prepare: async (world) => {
      const sessionId = await newSession(world);
      return {
        url: `/v1/sessions?tenantId=${world.home.tenantId}`,
        needs: USERS,
        hidden: { otherEnvironment: [sessionId], noPermission: [sessionId] },
      };
    },
    answers: {
      otherEnvironment: { allowed: 'a key without users.manage lists its own person’s sessions only (none here)' },
      noPermission: { allowed: 'a key without users.manage lists its own person’s sessions only (none here)' },
    },
  },
  'GET /v1/sessions/:id': {
    prepare: async (world) => ({ url: `/v1/sessions/${await newSession(world)}`, needs: USERS }),
  },
  'DELETE /v1/sessions/:id': {
    prepare: async (world) => ({ url: `/v1/sessions/${await newSession(world)}`, needs: USERS }),
  },
  'GET /v1/sso/start': {
    public: { why: 'the person signing in has no key: the email names the provider', coveredBy: SSO_TEST },
  },
  'GET /v1/sso/callback': {
    public: {
      why: "the provider's answer, checked against the flow in the browser's sealed cookie",
      coveredBy: SSO_TEST,
    },
  },
  'GET /v1/sso/pending': {
    public: { why: 'read with the session cookie, before the session acts with a key', coveredBy: SSO_TEST },
  },
  'GET /v1/sso/operator': {
    public: {
      why: "an operator signing in has no key: the operators' provider and KEYWARD_OPERATOR_OIDC_EMAILS decide",
      coveredBy: OPERATOR_TEST,
    },
  },
  'GET /v1/sso/options': {
    public: { why: 'the sign-in page asks what it may offer before anyone signs in', coveredBy: OPERATOR_TEST },
  },
  'POST /v1/sso/token': {
    public: { why: "the CLI's code and PKCE verifier are the proof, before it holds a session", coveredBy: CLI_TEST },
  },
  'POST /v1/sso/complete': {
    public: { why: 'the session cookie and its CSRF token, before the session acts with a key', coveredBy: SSO_TEST },
  },
};
