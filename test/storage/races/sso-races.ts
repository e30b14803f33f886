/**
 * Races of sign-in with SSO (issue 25): two providers claiming one email domain, two edits of
 * one provider, a person choosing the key their session acts with while an admin revokes it, and
 * a CLI signing out (`keyward logout`, its bearer session) while an admin ends the same session.
 */
import { newId } from '../../../src/core/ids.js';
import { csrfTokens, hashSessionToken, newSessionToken } from '../../../src/modules/sessions/session-tokens.js';
import type { RaceWorld } from '../concurrency-world.js';
import { appKey, race, user, type AnyRace } from './race.js';

function providerBody(world: RaceWorld, domain: string) {
  return {
    name: world.unique('idp'),
    issuer: 'https://login.races.example',
    clientId: 'keyward',
    clientSecret: 'secret',
    emailDomains: [domain],
  };
}

/** The providers that answer for `domain`. */
async function providersOf(world: RaceWorld, domain: string): Promise<number> {
  const listed = await world.read('/v1/identity-providers?limit=100');
  return listed.body.items.filter((item: { emailDomains: string[] }) => item.emailDomains.includes(domain)).length;
}

interface Choosing {
  readonly keyId: string;
  readonly cookie: string;
  readonly csrf: string;
}

/** A person's session after SSO, still to pick between two of their keys (as the callback leaves it). */
async function choosingSession(world: RaceWorld): Promise<Choosing> {
  const userId = await user(world);
  const everything = { kind: 'user', userId, permissions: ['applications.use'] };
  const first = await appKey(world, everything);
  const second = await appKey(world, everything);
  const token = newSessionToken();
  const now = Date.now();
  await world.db
    .insertInto('sessions')
    .values({
      id: newId('session', now),
      token_hash: hashSessionToken(token),
      tenant_id: world.tenantId,
      user_id: userId,
      email: `${userId}@races.example`,
      provider_id: null,
      key_id: null,
      candidate_key_ids: JSON.stringify([first.id, second.id]),
      mfa_pending: 0,
      client: 'console',
      source_ip: null,
      created_at: now,
      expires_at: now + 3_600_000,
    })
    .execute();
  return {
    keyId: first.id,
    cookie: `keyward_session=${token}`,
    csrf: csrfTokens(Buffer.from(world.pepper, 'utf8')).tokenFor(token),
  };
}

/** A CLI's complete session (as `POST /v1/sso/token` hands it over): its id and bearer. */
async function cliSession(world: RaceWorld): Promise<{ id: string; bearer: string }> {
  const userId = await user(world);
  const key = await appKey(world, { kind: 'user', userId, permissions: ['applications.use'] });
  const token = newSessionToken();
  const now = Date.now();
  const id = newId('session', now);
  await world.db
    .insertInto('sessions')
    .values({
      id,
      token_hash: hashSessionToken(token),
      tenant_id: world.tenantId,
      user_id: userId,
      email: `${userId}@races.example`,
      provider_id: null,
      key_id: key.id,
      candidate_key_ids: JSON.stringify([key.id]),
      mfa_pending: 0,
      client: 'cli',
      source_ip: null,
      created_at: now,
      expires_at: now + 3_600_000,
    })
    .execute();
  return { id, bearer: `kwsession-${token}` };
}

export const SSO_RACES: readonly AnyRace[] = [
  race({
    // Two ends of one session: one ends it; the other finds it gone (the CLI's bearer no longer opens anything).
    name: 'CLI logout (bearer session) vs admin ending the same session',
    setup: (world) => cliSession(world),
    a: (node, state) => node.call('DELETE', `/v1/sessions/${state.id}`, state.bearer),
    b: (node, state, world) => node.call('DELETE', `/v1/sessions/${state.id}`, world.adminKey),
    observe: async (world, state) => ({ me: (await world.nodes[0].call('GET', '/v1/me', state.bearer)).status }),
    serial: () => [
      { order: 'a, b', a: 200, b: 404, end: { me: 401 } },
      // Ended before the CLI's request read it (401 SESSION_ENDED), or after it did but before its delete (404).
      { order: 'b, a', a: [401, 404], b: 200, end: { me: 401 } },
    ],
  }),
  race({
    name: 'identity provider create vs create of the same email domain',
    setup: async (world) => `${world.unique('corp')}.races.example`,
    a: (node, domain, world) =>
      node.call('POST', '/v1/identity-providers', world.adminKey, providerBody(world, domain)),
    b: (node, domain, world) =>
      node.call('POST', '/v1/identity-providers', world.adminKey, providerBody(world, domain)),
    observe: async (world, domain) => ({ providers: await providersOf(world, domain) }),
    serial: () => [
      { order: 'a, b', a: 201, b: 409, end: { providers: 1 } },
      { order: 'b, a', a: 409, b: 201, end: { providers: 1 } },
    ],
  }),
  race({
    // Two edits of different fields: neither undoes the other.
    name: 'identity provider update vs update',
    setup: async (world) =>
      (await world.make('/v1/identity-providers', providerBody(world, `${world.unique('corp')}.races.example`))).id,
    a: (node, id, world) => node.call('PATCH', `/v1/identity-providers/${id}`, world.adminKey, { name: 'renamed' }),
    b: (node, id, world) =>
      node.call('PATCH', `/v1/identity-providers/${id}`, world.adminKey, { provisioning: 'member' }),
    observe: async (world, id) => {
      const read = await world.read(`/v1/identity-providers/${id}`);
      return { name: read.body.name, provisioning: read.body.provisioning };
    },
    serial: () => [
      { order: 'a, b', a: 200, b: 200, end: { name: 'renamed', provisioning: 'member' } },
      { order: 'b, a', a: 200, b: 200, end: { name: 'renamed', provisioning: 'member' } },
    ],
  }),
  race({
    // Never a session acting with a revoked key: chosen first, it ends with the revocation; revoked first, it is refused.
    name: 'session key choice vs key revoke',
    setup: (world) => choosingSession(world),
    a: (node, state) =>
      node.call(
        'POST',
        '/v1/sso/complete',
        '',
        { keyId: state.keyId },
        {
          cookie: state.cookie,
          'x-keyward-csrf': state.csrf,
        },
      ),
    b: (node, state, world) => node.call('POST', `/v1/keys/${state.keyId}/revoke`, world.adminKey, {}),
    observe: async (world, state) => {
      const me = await world.nodes[0].call('GET', '/v1/me', '', undefined, { cookie: state.cookie });
      return { me: me.status };
    },
    serial: () => [
      { order: 'a, b', a: 200, b: 200, end: { me: 401 } },
      { order: 'b, a', a: 400, b: 200, end: { me: 401 } },
    ],
  }),
];
