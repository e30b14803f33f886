/**
 * The security matrix, generated from the route table (as Unkey's shared route tests are): every
 * `/v1` route the app serves is sent, through its fixture, by each case's caller (cases.ts: no
 * key, another tenant, another environment, revoked, expired, disabled, a rotated-out secret in
 * and past its grace, MFA due, outside the IP allowlist, no permission) and must be answered as
 * SPEC §3–§5 say, a refusal changing nothing; routes a key may call on itself run the key-state
 * cases on the caller itself too. Then a caller that may sends it once and must succeed, so each
 * refusal is the case's and not a broken request's. A route without a fixture, or a fixture
 * without a route, fails the suite by name. A route that takes no key (`POST /v1/leaked-keys`)
 * says so in its fixture (`credential: 'none'`): every case is let through alike, its answers
 * held to naming nothing of the home tenant.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../support/databases.js';
import type { Reply } from '../../support/keyward.js';
import { v1RouteTable } from '../../support/route-table.js';
import {
  BEARER_DEFAULTS,
  BODY_DEFAULTS,
  CASES,
  describeExpectation,
  KEYLESS_DEFAULTS,
  expectAnswer,
  STATE_CASES,
  statusOf,
  type Expectation,
} from './cases.js';
import { changeMark } from './change-mark.js';
import type { Fixture, Prepared } from './fixture.js';
import { FIXTURES } from './fixtures.js';
import { buildWorld, type OwnKeys, type World } from './world.js';

// Read once, before the tests are named: each route becomes a block of them.
const ROUTES = await v1RouteTable();

/** Not a key (its checksum is wrong): what "no key" means where the key is the body. */
const NOT_A_KEY = 'kw_0000000000000000000000000000000000000000';

function send(
  world: World,
  method: string,
  fixture: Fixture,
  prepared: Prepared,
  key: string | undefined,
): Promise<Reply> {
  if (fixture.credential === 'body') {
    return world.kw.client().raw({
      method,
      path: prepared.url,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ ...(prepared.body as object), key: key ?? NOT_A_KEY }),
    });
  }
  const headers: Record<string, string> = key === undefined ? {} : { authorization: `Bearer ${key}` };
  if (prepared.body === undefined) return world.kw.client().raw({ method, path: prepared.url, headers });
  return world.kw.client().raw({
    method,
    path: prepared.url,
    headers: { ...headers, 'content-type': 'application/json' },
    payload: JSON.stringify(prepared.body),
  });
}

describe.each(testDatabases())('security matrix on $name', (db) => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld(
      db,
      Object.values(FIXTURES).filter((fixture) => 'prepare' in fixture && fixture.self !== undefined).length,
    );
  });
  afterAll(async () => {
    await world?.kw.close();
  });

  for (const route of ROUTES) {
    const fixture = FIXTURES[route.key];
    describe(route.key, () => {
      if (fixture === undefined) {
        it('has a fixture', () => {
          throw new Error(
            `${route.key} has no fixture: add one (prepare → request) to test/http/security-matrix/fixtures-*.ts`,
          );
        });
        return;
      }
      if ('public' in fixture) {
        it(`is public (${fixture.public.why}), its refusals covered by ${fixture.public.coveredBy}`, () => {
          expect(route.requires).toEqual({ public: true });
          expect(existsSync(resolve(import.meta.dirname, '../../..', fixture.public.coveredBy))).toBe(true);
        });
        return;
      }
      let prepared: Prepared;
      beforeAll(async () => {
        prepared = await fixture.prepare(world);
      });
      const defaults =
        fixture.credential === 'body'
          ? BODY_DEFAULTS
          : fixture.credential === 'none'
            ? KEYLESS_DEFAULTS
            : BEARER_DEFAULTS;
      for (const name of CASES) {
        const expectation: Expectation = fixture.answers?.[name] ?? defaults[name];
        it(`${name}: ${describeExpectation(expectation)}`, async () => {
          const key = await world.keyFor(name, prepared);
          const before = await changeMark(world.kw);
          expectAnswer(
            await send(world, route.method, fixture, prepared, key),
            expectation,
            prepared.hidden?.[name] ?? [],
          );
          if (!('allowed' in expectation))
            expect(await changeMark(world.kw), 'a refused request changed something').toEqual(before);
        });
      }
      if (route.method === 'GET') {
        // Fastify serves HEAD for each GET route, built through the same onRoute hooks: no case may get further by it.
        it('HEAD: each case gets the status GET gets', async () => {
          for (const name of CASES) {
            const reply = await send(world, 'HEAD', fixture, prepared, await world.keyFor(name, prepared));
            expect(reply.status, name).toBe(statusOf(fixture.answers?.[name] ?? defaults[name]));
          }
        });
      }
      const onItself = fixture.self;
      if (onItself !== undefined) {
        describe('on the caller itself', () => {
          let own: OwnKeys;
          beforeAll(async () => {
            own = await world.ownKeys();
          });
          for (const name of STATE_CASES) {
            const expectation: Expectation = fixture.selfAnswers?.[name] ?? BEARER_DEFAULTS[name];
            it(`${name}: ${describeExpectation(expectation)}`, async () => {
              const key = own.keys[name];
              const request = onItself({ keyId: key.id, userId: own.userId });
              const before = await changeMark(world.kw);
              expectAnswer(
                await send(world, route.method, fixture, { ...request, needs: [] }, key.key),
                expectation,
                [],
              );
              if (!('allowed' in expectation))
                expect(await changeMark(world.kw), 'a refused request changed something').toEqual(before);
            });
          }
        });
      }
      // Last, as it may consume the target (a delete, a revoke).
      it('succeeds for a caller that may', async () => {
        const before = await changeMark(world.kw);
        const reply = await send(world, route.method, fixture, prepared, prepared.controlKey ?? world.home.adminKey);
        expectAnswer(reply, fixture.credential === 'body' ? { verdict: 'VALID' } : { allowed: 'the control' }, []);
        // The mark the refusals were held to does move when a change is let through.
        // A keyless route's cases already made its change (a leaked key revoked by the first report).
        if (
          route.method !== 'GET' &&
          fixture.credential !== 'body' &&
          fixture.credential !== 'none' &&
          fixture.changesNothing !== true
        )
          expect(await changeMark(world.kw)).not.toEqual(before);
      });
    });
  }

  describe('fixtures', () => {
    const served = new Set(ROUTES.map((route) => route.key));
    const orphans = Object.keys(FIXTURES).filter((key) => !served.has(key));
    it('each name a route the app serves', () => {
      if (orphans.length > 0) throw new Error(`fixtures for routes the app does not serve: ${orphans.join(', ')}`);
    });
  });
});
