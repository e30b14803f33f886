/**
 * What the security matrix runs against, built once per database: a home tenant with two
 * environments (the fixtures' objects live in its first), another tenant, and one calling key per
 * case. Every case key but `otherEnvironment` holds every grant in the home environment, so its
 * state, and nothing it lacks, is what refuses it.
 */
import { DAY_MS, manualClock, type ManualClock } from '../../../src/core/clock.js';
import { defaultModel } from '../../../src/core/model/load-model.js';
import type { TestDatabase } from '../../support/databases.js';
import { everyGrant, seedTenant, startKeyward, type Seeded, type TestKeyward } from '../../support/keyward.js';
import { created } from '../../support/problem.js';
import type { CaseName, StateCase } from './cases.js';
import { codeAt } from '../../support/totp.js';
import { soonExpiring, stateKeys, type MadeKey } from './state-keys.js';

/** The grants a route's no-permission caller lacks, and those it keeps so the target stays in sight. */
export interface Withheld {
  readonly needs: readonly string[];
  readonly keeps?: readonly string[];
}

/** A user of the home tenant with one key in each stopping state, for the routes a key may call on itself. */
export interface OwnKeys {
  readonly userId: string;
  readonly keys: Readonly<Record<StateCase, MadeKey>>;
}

export interface World {
  readonly kw: TestKeyward;
  readonly clock: ManualClock;
  /** The tenant whose objects every fixture names; `environmentId` is where they live. */
  readonly home: Seeded;
  /** The home tenant's second environment. */
  readonly stagingId: string;
  readonly other: Seeded;
  /** The key each case calls with (undefined: none), its no-permission key made for what the route needs. */
  keyFor(name: CaseName, withheld: Withheld): Promise<string | undefined>;
  /** A fresh set of state keys of a fresh user (at most `ownKeySets` of them, see `buildWorld`). */
  ownKeys(): Promise<OwnKeys>;
  /** A name no other fixture has used. */
  unique(label: string): string;
}

const MODEL = defaultModel();
const ALL = everyGrant(MODEL);
/** What a non-admin key may hold: every environment-scoped permission and every scope. */
const ENVIRONMENT_GRANTS = {
  permissions: ALL.permissions.filter((id) => MODEL.permissions.get(id)?.scope === 'environment'),
  scopes: ALL.scopes,
};
const MIGHTY = { kind: 'application', admin: true, ...ALL };

/** `ownKeySets`: how many `ownKeys()` sets the fixtures will ask for (their expired keys are made up front). */
export async function buildWorld(db: TestDatabase, ownKeySets: number): Promise<World> {
  const clock = manualClock(Date.UTC(2026, 5, 1));
  // Each case sends failed authentications from the same address: the flood throttle must not answer first.
  // Change streams end at once: the matrix reads each answer to its end.
  const kw = await startKeyward(db, { clock, config: { authFailureLimit: 1_000_000, changeStreamMaxMs: 20 } });
  const home = await seedTenant(kw, 'Home');
  const other = await seedTenant(kw, 'Other');
  const stagingId = created(await home.admin.post('/v1/environments', { name: 'staging' })).id as string;
  let names = 0;
  const unique = (label: string): string => `${label}-${++names}`;

  // Keys that must be expired are made now, then the clock moves on two days: past their expiry,
  // inside their rotation window, where they may rotate themselves and do nothing else.
  const expired = await soonExpiring(home.admin, MIGHTY);
  const mfaDue = await dueForMfa(kw, home, clock);
  const owners: { userId: string; body: Record<string, unknown>; expired: MadeKey }[] = [];
  for (let n = 0; n < ownKeySets; n++) {
    const name = unique('owner');
    const userId = created(await home.admin.post('/v1/users', { name, email: `${name}@home.example`, role: 'admin' }))
      .id as string;
    const body = { ...MIGHTY, kind: 'user', userId };
    owners.push({ userId, body, expired: await soonExpiring(home.admin, body) });
  }
  clock.advance(2 * DAY_MS);
  await kw.keyward.follower.catchUp();

  const shared = await stateKeys(home.admin, MIGHTY, expired);
  const outsideAllowlist = created(
    await home.admin.post('/v1/keys', { ...MIGHTY, name: 'fenced', ipAllowlist: ['192.0.2.0/24'] }),
  );
  const otherEnvironment = created(
    await kw.root.post('/v1/keys', {
      environmentId: stagingId,
      name: 'staging',
      kind: 'application',
      ...ENVIRONMENT_GRANTS,
    }),
  );
  const fixed: Record<Exclude<CaseName, 'noPermission'>, string | undefined> = {
    anonymous: undefined,
    otherTenant: other.adminKey,
    otherEnvironment: otherEnvironment.key,
    revoked: shared.revoked.key,
    expired: shared.expired.key,
    disabled: shared.disabled.key,
    rotatedOut: shared.rotatedOut.key,
    rotatedOutPastGrace: shared.rotatedOutPastGrace.key,
    mfaDue: mfaDue.key,
    outsideAllowlist: outsideAllowlist.key,
  };

  // Routes needing the same grants share their no-permission key.
  const lacking = new Map<string, Promise<string>>();
  const noPermissionKey = (withheld: Withheld): Promise<string> => {
    const id = `${[...withheld.needs].sort().join(',')}|${[...(withheld.keeps ?? [])].sort().join(',')}`;
    let key = lacking.get(id);
    if (key === undefined) {
      const body = {
        ...MIGHTY,
        name: unique('lacking'),
        permissions: ALL.permissions.filter((grant) => !withheld.needs.includes(grant)),
        scopes: [...ALL.scopes.filter((grant) => !withheld.needs.includes(grant)), ...(withheld.keeps ?? [])],
      };
      key = home.admin.post('/v1/keys', body).then((reply) => created(reply).key as string);
      lacking.set(id, key);
    }
    return key;
  };

  return {
    kw,
    clock,
    home,
    stagingId,
    other,
    keyFor: async (name, withheld) => (name === 'noPermission' ? noPermissionKey(withheld) : fixed[name]),
    ownKeys: async () => {
      const owner = owners.shift();
      if (owner === undefined)
        throw new Error('more fixtures call on themselves than buildWorld was told: raise ownKeySets');
      return { userId: owner.userId, keys: await stateKeys(home.admin, owner.body, owner.expired) };
    },
    unique,
  };
}

/**
 * A key holding every grant, of a user who passed MFA now, in an environment that asks for it
 * again after a day: due once the clock moves on two days.
 */
async function dueForMfa(kw: TestKeyward, home: Seeded, clock: ManualClock): Promise<MadeKey> {
  const environmentId = created(await home.admin.post('/v1/environments', { name: 'reverify', mfaReverifyDays: 1 }))
    .id as string;
  const userId = created(await home.admin.post('/v1/users', { name: 'Due', email: 'due@home.example', role: 'admin' }))
    .id as string;
  const enrolment = created(await home.admin.post(`/v1/users/${userId}/mfa`));
  const confirmed = await home.admin.post(`/v1/users/${userId}/mfa/confirm`, {
    code: codeAt(enrolment.secret, clock.now()),
  });
  if (confirmed.status !== 200) throw new Error(`confirming MFA failed: ${JSON.stringify(confirmed.body)}`);
  return created(await kw.root.post('/v1/keys', { ...MIGHTY, environmentId, name: 'due', kind: 'user', userId }));
}
