/**
 * The group rule at every door (SPEC §3, §4): a key joins a group only if the caller may put keys
 * into it (a member of the group, or tenant.manage; the root key passes), whether the request
 * names the group or the key joins it through its user (a user member brings all its keys,
 * present and future). Every way a key can come into a group is a row here.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import {
  seedTenant,
  startKeyward,
  type Client,
  type Reply,
  type Seeded,
  type TestKeyward,
} from '../support/keyward.js';
import { created, expectProblem } from '../support/problem.js';

interface Scene {
  readonly kw: TestKeyward;
  readonly seeded: Seeded;
  /** The group, which owns a secret its member key created. */
  readonly groupId: string;
  readonly secretId: string;
  /** A user member of the group. */
  readonly memberUserId: string;
  /** A user in no group, and a key in no group, new for each test: what a door would bring in. */
  outsiderUserId: string;
  outsiderKeyId: string;
}

async function scene(db: TestDatabase): Promise<Scene> {
  const kw = await startKeyward(db);
  const seeded = await seedTenant(kw);
  const admin = seeded.admin;
  const groupId = created(await admin.post('/v1/groups', { name: 'vault' })).id;
  const member = created(
    await admin.post('/v1/keys', {
      name: 'maker',
      kind: 'application',
      levels: { secret: 'full' },
      groupIds: [groupId],
    }),
  );
  const secretId = created(
    await kw.client(member.key).post('/v1/resources', { type: 'secret', name: 'db-password', value: 'hunter2' }),
  ).id;
  const memberUserId = created(await admin.post('/v1/users', { name: 'grace', email: 'grace@acme.example' })).id;
  expect((await admin.post(`/v1/groups/${groupId}/members`, { userId: memberUserId })).status).toBe(200);
  return { kw, seeded, groupId, secretId, memberUserId, outsiderUserId: '', outsiderKeyId: '' };
}

/** Each door a key can come into the group through, sent by `caller`. */
const DOORS: ReadonlyArray<{ readonly name: string; send(caller: Client, s: Scene): Promise<Reply> }> = [
  {
    name: 'a key created for a user member of the group',
    send: (caller, s) =>
      caller.post('/v1/keys', {
        environmentId: s.seeded.environmentId,
        name: 'new',
        kind: 'user',
        userId: s.memberUserId,
      }),
  },
  {
    name: 'a key created naming the group',
    send: (caller, s) =>
      caller.post('/v1/keys', {
        environmentId: s.seeded.environmentId,
        name: 'new',
        kind: 'application',
        groupIds: [s.groupId],
      }),
  },
  {
    name: "a key's PATCH naming the group",
    send: (caller, s) => caller.patch(`/v1/keys/${s.outsiderKeyId}`, { groupIds: [s.groupId] }),
  },
  {
    name: 'a key added to the group',
    send: (caller, s) => caller.post(`/v1/groups/${s.groupId}/members`, { keyId: s.outsiderKeyId }),
  },
  {
    name: 'a user added to the group',
    send: (caller, s) => caller.post(`/v1/groups/${s.groupId}/members`, { userId: s.outsiderUserId }),
  },
];

describe.each(testDatabases())('the group rule at every door on $name', (db) => {
  let s: Scene;
  let outsiders = 0;
  beforeAll(async () => {
    s = await scene(db);
  });
  afterAll(async () => {
    await s.kw.close();
  });
  beforeEach(async () => {
    outsiders += 1;
    s.outsiderUserId = created(
      await s.seeded.admin.post('/v1/users', { name: `linus ${outsiders}`, email: `linus${outsiders}@acme.example` }),
    ).id;
    s.outsiderKeyId = created(await s.seeded.admin.post('/v1/keys', { name: 'outsider', kind: 'application' })).id;
  });

  /** A users.manage key of the tenant, in `groupIds`. */
  async function manager(groupIds: string[] = []): Promise<Client> {
    const key = created(
      await s.seeded.admin.post('/v1/keys', {
        name: 'manager',
        kind: 'application',
        admin: true,
        permissions: ['users.manage'],
        groupIds,
      }),
    );
    return s.kw.client(key.key);
  }

  /** Who is in the group, directly or through a user, as its members and its keys' list. */
  async function members(): Promise<unknown> {
    const group = (await s.seeded.admin.get(`/v1/groups/${s.groupId}`)).body;
    const keys = (await s.seeded.admin.get(`/v1/keys?groupId=${s.groupId}&limit=100`)).body.items.map(
      (key: { id: string }) => key.id,
    );
    return { keys: group.memberKeyIds, users: group.memberUserIds, allKeys: keys };
  }

  it.each(DOORS)(
    '$name: refused (403 naming the group) to a users.manage key in no group, and nothing joins',
    async (door) => {
      const caller = await manager();
      const before = await members();
      const refused = await door.send(caller, s);
      expectProblem(refused, 403, 'FORBIDDEN');
      expect(refused.body.detail).toContain(s.groupId);
      expect(refused.body.excess).toEqual([`group ${s.groupId}`]);
      expect(await members()).toEqual(before);
    },
  );

  it.each(DOORS)('$name: allowed to a member of the group, to tenant.manage and to the root key', async (door) => {
    for (const caller of [await manager([s.groupId]), s.seeded.admin, s.kw.root]) {
      const reply = await door.send(caller, s);
      expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(300);
    }
  });

  it("a key refused at the user door never reads the group's secret; one made by tenant.manage does, through its user", async () => {
    const caller = await manager();
    const before = await members();
    expectProblem(
      await caller.post('/v1/keys', { name: 'backdoor', kind: 'user', userId: s.memberUserId }),
      403,
      'FORBIDDEN',
    );
    expect(await members()).toEqual(before);
    // It may know the secret exists (the catalogue, seed 003), never read it.
    const read = await caller.get(`/v1/resources/${s.secretId}`);
    expectProblem(read, 403, 'FORBIDDEN');
    expect(JSON.stringify(read.body)).not.toContain('hunter2');
    const allowed = created(
      await s.seeded.admin.post('/v1/keys', { name: 'laptop', kind: 'user', userId: s.memberUserId }),
    );
    expect(allowed.groupIds).toEqual([s.groupId]);
    expect((await s.kw.client(allowed.key).get(`/v1/resources/${s.secretId}`)).body.value).toBe('hunter2');
  });
});
