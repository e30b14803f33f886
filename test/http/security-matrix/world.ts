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
import type { CaseName } from './cases.js';

/** The grants a route's no-permission caller lacks, and those it keeps so the target stays in sight. */
export interface Withheld {
  readonly needs: readonly string[];
  readonly keeps?: readonly string[];
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

export async function buildWorld(db: TestDatabase): Promise<World> {
  const clock = manualClock(Date.UTC(2026, 5, 1));
  // Each case sends failed authentications from the same address: the flood throttle must not answer first.
  const kw = await startKeyward(db, { clock, config: { authFailureLimit: 1_000_000 } });
  const home = await seedTenant(kw, 'Home');
  const other = await seedTenant(kw, 'Other');
  const stagingId = created(await home.admin.post('/v1/environments', { name: 'staging' })).id as string;
  let names = 0;
  const unique = (label: string): string => `${label}-${++names}`;

  /** A key of the home environment holding every grant (or `grants`), made by the home admin. */
  const mightyKey = async (grants: { permissions: readonly string[]; scopes: readonly string[] } = ALL, name = 'mighty'): Promise<{ id: string; key: string }> => {
    const body = { name: unique(name), kind: 'application', admin: true, ...grants };
    return created(await home.admin.post('/v1/keys', body));
  };

  // Expired a day ago: still inside the rotation window, where it may rotate itself and nothing else.
  const expired = created(await home.admin.post('/v1/keys', { name: 'expired', kind: 'application', admin: true, expiresInDays: 1, ...ALL }));
  clock.advance(2 * DAY_MS);
  await kw.keyward.follower.catchUp();

  const revoked = await mightyKey(ALL, 'revoked');
  expectOk(await home.admin.post(`/v1/keys/${revoked.id}/revoke`));
  const disabled = await mightyKey(ALL, 'disabled');
  expectOk(await home.admin.patch(`/v1/keys/${disabled.id}`, { enabled: false }));
  const rotatedOut = await mightyKey(ALL, 'rotated-out');
  expectOk(await home.admin.post(`/v1/keys/${rotatedOut.id}/rotate`, { gracePeriodSeconds: 3600 }));
  const pastGrace = await mightyKey(ALL, 'past-grace');
  expectOk(await home.admin.post(`/v1/keys/${pastGrace.id}/rotate`, { gracePeriodSeconds: 0 }));
  const otherEnvironment = created(await kw.root.post('/v1/keys', { environmentId: stagingId, name: 'staging', kind: 'application', ...ENVIRONMENT_GRANTS }));

  const fixed: Record<Exclude<CaseName, 'noPermission'>, string | undefined> = {
    anonymous: undefined,
    otherTenant: other.adminKey,
    otherEnvironment: otherEnvironment.key,
    revoked: revoked.key,
    expired: expired.key,
    disabled: disabled.key,
    rotatedOut: rotatedOut.key,
    rotatedOutPastGrace: pastGrace.key,
  };
  // Routes needing the same grants share their no-permission key.
  const lacking = new Map<string, Promise<string>>();
  const noPermissionKey = (withheld: Withheld): Promise<string> => {
    const id = `${[...withheld.needs].sort().join(',')}|${[...(withheld.keeps ?? [])].sort().join(',')}`;
    let key = lacking.get(id);
    if (key === undefined) {
      const grants = {
        permissions: ALL.permissions.filter((grant) => !withheld.needs.includes(grant)),
        scopes: [...ALL.scopes.filter((grant) => !withheld.needs.includes(grant)), ...(withheld.keeps ?? [])],
      };
      key = mightyKey(grants, 'lacking').then((made) => made.key);
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
    unique,
  };
}

function expectOk(reply: { status: number; body: unknown }): void {
  if (reply.status !== 200) throw new Error(`setting up the matrix failed: ${reply.status} ${JSON.stringify(reply.body)}`);
}
