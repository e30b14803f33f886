/**
 * Resources over HTTP (SPEC §1–§3, §5): created, read, changed, moved and deleted as the check
 * allows; visibility reaches other environments and tenants for discover, read and run only and
 * never grants anything by itself; a role on a resource covers its descendants; verify finds a
 * resource by id, or by externalId in the key's own environment; and a list shows exactly what
 * the key may discover, leaking no name, id or count of anything else.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { seedTenant, type Client, type Reply, type Seeded, type TestKeyward } from '../support/keyward.js';
import { keywardForSuite } from '../support/suite-keyward.js';
import { expectProblem } from '../support/problem.js';

/** A map's entry that the arrangement made sure exists. */
function got<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`nothing for ${String(key)}`);
  return value;
}

type Visibility = 'ENVIRONMENT' | 'TENANT' | 'PUBLIC';

/** A name no other resource, key or value in the run shares, so finding it in a body means a leak. */
const unique = (label: string): string => `${label}-${randomBytes(5).toString('hex')}`;

/** A key made for one test: its id, its secret, and a client sending requests as it. */
interface TestKey {
  readonly id: string;
  readonly key: string;
  readonly client: Client;
}

interface Listing {
  /** Every item of every page, in order. */
  readonly items: any[];
  /** Every page's body as sent, and every cursor decoded: where nothing invisible may appear. */
  readonly texts: string[];
  /** The same, but with each item's `parentId` left out (asked about apart: see the listing tests). */
  readonly textsWithoutParentIds: string[];
}

/** A 400 VALIDATION naming `field`. */
function expectInvalid(reply: Reply, field: string): void {
  expectProblem(reply, 400, 'VALIDATION');
  expect(reply.body.field, JSON.stringify(reply.body)).toBe(field);
}

/** A 201 answer's body. */
function created(reply: Reply): any {
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body;
}

function helpers(kw: TestKeyward) {
  /** A key made by `admin` (in its environment unless `environmentId` is given) holding exactly `grants`. */
  async function makeKey(admin: Client, grants: Record<string, unknown>): Promise<TestKey> {
    const body = created(await admin.post('/v1/keys', { name: unique('key'), kind: 'application', ...grants }));
    return { id: body.id, key: body.key, client: kw.client(body.key) };
  }

  /** A resource created by `client`, named uniquely unless a name is given; must answer 201. */
  async function make(client: Client, body: Record<string, unknown>): Promise<any> {
    return created(await client.post('/v1/resources', { name: unique(`r-${String(body['type'])}`), ...body }));
  }

  async function verify(key: string, action: string, resource: Record<string, string>): Promise<string> {
    const reply = await kw.client().post('/v1/verify', { key, action, resource });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.valid).toBe(reply.body.code === 'VALID');
    return reply.body.code;
  }

  /**
   * Every page of `GET /v1/resources?query` at `limit` per page. A page before the last must be
   * full (a short page with a next cursor would count what was left out), and the last one
   * answers `nextCursor: null`.
   */
  async function listAll(client: Client, query: string, limit = 100): Promise<Listing> {
    const items: any[] = [];
    const texts: string[] = [];
    const textsWithoutParentIds: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 500; page++) {
      const path = `/v1/resources?${query === '' ? '' : `${query}&`}limit=${limit}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const reply = await client.get(path);
      expect(reply.status, `${path}: ${JSON.stringify(reply.body)}`).toBe(200);
      expect(Object.keys(reply.body).sort()).toEqual(['items', 'nextCursor']);
      texts.push(JSON.stringify(reply.body));
      textsWithoutParentIds.push(
        JSON.stringify({
          ...reply.body,
          items: reply.body.items.map(({ parentId: _parentId, ...rest }: { parentId: unknown }) => rest),
        }),
      );
      items.push(...reply.body.items);
      const next: string | null = reply.body.nextCursor;
      if (next === null) return { items, texts, textsWithoutParentIds };
      expect(reply.body.items.length, `${path}: a page with a next cursor must be full`).toBe(limit);
      const cursorTexts = [next, Buffer.from(next, 'base64url').toString('utf8')];
      texts.push(...cursorTexts);
      textsWithoutParentIds.push(...cursorTexts);
      cursor = next;
    }
    throw new Error(`${query}: the cursor never ended`);
  }

  const idsOf = (listing: Listing): string[] => listing.items.map((item: { id: string }) => item.id);

  return { makeKey, make, verify, listAll, idsOf };
}

// ---------------------------------------------------------------------------------------------
// 1. The visibility matrix
// ---------------------------------------------------------------------------------------------

type Caller = 'same environment' | 'other environment of the tenant' | 'other tenant';
type Action = 'discover' | 'read' | 'run' | 'update' | 'delete';
type Outcome = 'listed' | 'not listed' | 200 | 403 | 404 | 'VALID' | 'FORBIDDEN';

/** [visibility, caller, discover (list), read (GET), run (verify), update (PATCH name), delete (DELETE)]. */
const MATRIX: [Visibility, Caller, Outcome, Outcome, Outcome, Outcome, Outcome][] = [
  ['ENVIRONMENT', 'same environment', 'listed', 200, 'VALID', 200, 200],
  ['ENVIRONMENT', 'other environment of the tenant', 'not listed', 404, 'FORBIDDEN', 404, 404],
  ['ENVIRONMENT', 'other tenant', 'not listed', 404, 'FORBIDDEN', 404, 404],
  ['TENANT', 'same environment', 'listed', 200, 'VALID', 200, 200],
  ['TENANT', 'other environment of the tenant', 'listed', 200, 'VALID', 403, 403],
  ['TENANT', 'other tenant', 'not listed', 404, 'FORBIDDEN', 404, 404],
  ['PUBLIC', 'same environment', 'listed', 200, 'VALID', 200, 200],
  ['PUBLIC', 'other environment of the tenant', 'listed', 200, 'VALID', 403, 403],
  ['PUBLIC', 'other tenant', 'listed', 200, 'VALID', 403, 403],
];
const ACTIONS: Action[] = ['discover', 'read', 'run', 'update', 'delete'];

describe.each(testDatabases())('resource visibility matrix on $name', (db) => {
  let h: ReturnType<typeof helpers>;
  let acme: Seeded;
  const callers = new Map<Caller, TestKey>();
  const kw = keywardForSuite(db);
  beforeAll(async () => {
    h = helpers(kw);
    acme = await seedTenant(kw, 'Acme');
    const other = await seedTenant(kw, 'Other');
    const staging = created(await acme.admin.post('/v1/environments', { name: 'staging' }));
    // Every caller owns every agent type-wide: only where it stands can deny it.
    callers.set('same environment', await h.makeKey(acme.admin, { scopes: ['agent:owner'] }));
    callers.set(
      'other environment of the tenant',
      await h.makeKey(acme.admin, { environmentId: staging.id, scopes: ['agent:owner'] }),
    );
    callers.set('other tenant', await h.makeKey(other.admin, { scopes: ['agent:owner'] }));
  });

  const problemCode = (status: Outcome) => (status === 403 ? 'FORBIDDEN' : 'NOT_FOUND');

  async function act(
    action: Action,
    caller: TestKey,
    resource: any,
    expected: Outcome,
    fromOtherTenant: boolean,
  ): Promise<void> {
    const path = `/v1/resources/${resource.id}`;
    // Another tenant sees a PUBLIC resource without the id of the key that created it.
    const seen = fromOtherTenant ? { ...resource, createdByKeyId: null } : resource;
    switch (action) {
      case 'discover': {
        const listing = await h.listAll(caller.client, 'type=agent');
        if (expected === 'listed') {
          expect(listing.items.find((item) => item.id === resource.id)).toEqual(seen);
        } else {
          expect(h.idsOf(listing)).not.toContain(resource.id);
          for (const text of listing.texts) {
            expect(text).not.toContain(resource.id);
            expect(text).not.toContain(resource.name);
          }
        }
        return;
      }
      case 'read': {
        const reply = await caller.client.get(path);
        if (expected === 200) {
          expect(reply.status, JSON.stringify(reply.body)).toBe(200);
          expect(reply.body).toEqual(seen);
        } else {
          expectProblem(reply, expected as number, problemCode(expected));
          expect(JSON.stringify(reply.body)).not.toContain(resource.name);
        }
        return;
      }
      case 'run':
        expect(await h.verify(caller.key, 'run', { type: 'agent', id: resource.id })).toBe(expected);
        return;
      case 'update': {
        const name = unique('renamed');
        const reply = await caller.client.patch(path, { name });
        if (expected === 200) {
          expect(reply.status, JSON.stringify(reply.body)).toBe(200);
          expect(reply.body).toMatchObject({ id: resource.id, name, visibility: resource.visibility });
          expect((await acme.admin.get(path)).body.name).toBe(name);
        } else {
          expectProblem(reply, expected as number, problemCode(expected));
          expect((await acme.admin.get(path)).body).toEqual(resource);
        }
        return;
      }
      case 'delete': {
        const reply = await caller.client.delete(path);
        if (expected === 200) {
          expect(reply.status, JSON.stringify(reply.body)).toBe(200);
          expect(reply.body).toMatchObject({ id: resource.id, name: resource.name });
          expectProblem(await acme.admin.get(path), 404, 'NOT_FOUND');
        } else {
          expectProblem(reply, expected as number, problemCode(expected));
          expect((await acme.admin.get(path)).body).toEqual(resource);
        }
        return;
      }
    }
  }

  for (const [visibility, caller, ...outcomes] of MATRIX) {
    ACTIONS.forEach((action, index) => {
      const expected = outcomes[index] as Outcome;
      it(`${visibility} agent, caller in the ${caller}: ${action} → ${expected}`, async () => {
        // A fresh resource per cell: update and delete change it.
        const resource = await h.make(acme.admin, { type: 'agent', visibility });
        expect(resource).toMatchObject({ visibility, environmentId: acme.environmentId });
        await act(action, callers.get(caller) as TestKey, resource, expected, caller === 'other tenant');
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------
// CRUD, the rules of creating, changing and moving, inheritance and verify
// ---------------------------------------------------------------------------------------------

describe.each(testDatabases())('resources on $name', (db) => {
  let h: ReturnType<typeof helpers>;
  let acme: Seeded;
  let other: Seeded;
  let stagingId: string;
  /** A key in staging that may create agents, projects and namespaces there. */
  let stagingOwner: TestKey;
  const kw = keywardForSuite(db);
  beforeAll(async () => {
    h = helpers(kw);
    acme = await seedTenant(kw, 'Acme');
    other = await seedTenant(kw, 'Other');
    stagingId = created(await acme.admin.post('/v1/environments', { name: 'staging' })).id;
    stagingOwner = await h.makeKey(acme.admin, {
      environmentId: stagingId,
      scopes: ['agent:owner', 'project:owner', 'namespace:admin'],
    });
  });

  const path = (id: string) => `/v1/resources/${id}`;
  /** Every resource the admin lists in its environment: to show a refused request created nothing. */
  const adminIds = async () => h.idsOf(await h.listAll(acme.admin, `environmentId=${acme.environmentId}`));

  describe('create, read, update, delete', () => {
    it("creates a resource in the caller's environment and answers it with 201, then reads it back", async () => {
      const owner = await h.makeKey(acme.admin, { scopes: ['agent:owner'] });
      const externalId = unique('ext');
      const reply = await owner.client.post('/v1/resources', {
        type: 'agent',
        name: 'Support bot',
        externalId,
        metadata: { team: 'cx' },
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      expect(reply.body).toEqual({
        id: expect.stringMatching(/^res_[0-9a-z]{26}$/),
        tenantId: acme.tenantId,
        environmentId: acme.environmentId,
        type: 'agent',
        name: 'Support bot',
        externalId,
        parentId: null,
        visibility: 'ENVIRONMENT',
        metadata: { team: 'cx' },
        createdByKeyId: owner.id,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(reply.body).not.toHaveProperty('value');
      expect(Number.isNaN(Date.parse(reply.body.createdAt))).toBe(false);
      const read = await owner.client.get(path(reply.body.id));
      expect(read.status).toBe(200);
      expect(read.body).toEqual(reply.body);
    });

    it('defaults externalId and parentId to null, visibility to ENVIRONMENT and metadata to {}', async () => {
      const reply = await acme.admin.post('/v1/resources', { type: 'project', name: 'Bare' });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      expect(reply.body).toMatchObject({
        type: 'project',
        name: 'Bare',
        externalId: null,
        parentId: null,
        visibility: 'ENVIRONMENT',
        metadata: {},
        createdByKeyId: acme.adminKeyId,
      });
    });

    it('updates name, metadata and externalId with PATCH, answering the updated object', async () => {
      const agent = await h.make(acme.admin, { type: 'agent', metadata: { a: 1 } });
      const reply = await acme.admin.patch(path(agent.id), {
        name: 'Renamed',
        metadata: { b: 2 },
        externalId: unique('ext'),
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toMatchObject({
        id: agent.id,
        name: 'Renamed',
        metadata: { b: 2 },
        createdAt: agent.createdAt,
        createdByKeyId: acme.adminKeyId,
      });
      expect(Date.parse(reply.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(agent.updatedAt));
      expect((await acme.admin.get(path(agent.id))).body).toEqual(reply.body);
      const cleared = await acme.admin.patch(path(agent.id), { externalId: null });
      expect(cleared.status).toBe(200);
      expect(cleared.body.externalId).toBeNull();
    });

    it('deletes with 200 answering the deleted object; it is gone after', async () => {
      const agent = await h.make(acme.admin, { type: 'agent' });
      const reply = await acme.admin.delete(path(agent.id));
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toMatchObject({ id: agent.id, name: agent.name, type: 'agent' });
      expectProblem(await acme.admin.get(path(agent.id)), 404, 'NOT_FOUND');
      expectProblem(await acme.admin.delete(path(agent.id)), 404, 'NOT_FOUND');
      expectProblem(await acme.admin.patch(path(agent.id), { name: 'ghost' }), 404, 'NOT_FOUND');
      expect(await h.verify(acme.adminKey, 'read', { type: 'agent', id: agent.id })).toBe('FORBIDDEN');
    });

    it('refuses to delete a resource that has children with 409, deleting nothing', async () => {
      const project = await h.make(acme.admin, { type: 'project' });
      const agent = await h.make(acme.admin, { type: 'agent', parentId: project.id });
      expectProblem(await acme.admin.delete(path(project.id)), 409, 'CONFLICT');
      expect((await acme.admin.get(path(project.id))).status).toBe(200);
      expect((await acme.admin.get(path(agent.id))).body.parentId).toBe(project.id);
      expect((await acme.admin.delete(path(agent.id))).status).toBe(200);
      expect((await acme.admin.delete(path(project.id))).status).toBe(200);
    });

    it('answers 404 for an unknown id, read, changed or deleted', async () => {
      const unknown = 'res_01aaaaaaaaaaaaaaaaaaaaaaaa';
      expectProblem(await acme.admin.get(path(unknown)), 404, 'NOT_FOUND');
      expectProblem(await acme.admin.patch(path(unknown), { name: 'x' }), 404, 'NOT_FOUND');
      expectProblem(await acme.admin.delete(path(unknown)), 404, 'NOT_FOUND');
    });

    it('answers 403 to a key that may discover a resource but not read it', async () => {
      const agent = await h.make(acme.admin, { type: 'agent' });
      const discoverer = await h.makeKey(acme.admin, { scopes: ['agent:discoverer'] });
      expectProblem(await discoverer.client.get(path(agent.id)), 403, 'FORBIDDEN');
      // Discover shows id, type, name, parent and visibility only (SPEC §3 step 4).
      const { id, type, name, parentId, visibility } = agent;
      expect((await h.listAll(discoverer.client, 'type=agent')).items.find((item) => item.id === agent.id)).toEqual({
        id,
        type,
        name,
        parentId,
        visibility,
      });
    });
  });

  describe('a bad request is a 400 naming the field, and creates nothing', () => {
    it('refuses an unknown type (type)', async () => {
      const before = await adminIds();
      expectInvalid(await acme.admin.post('/v1/resources', { type: 'robot', name: 'r2' }), 'type');
      expect(await adminIds()).toEqual(before);
    });

    it('refuses a type its parent type does not allow: a document under a project (parentId)', async () => {
      const project = await h.make(acme.admin, { type: 'project' });
      const before = await adminIds();
      expectInvalid(
        await acme.admin.post('/v1/resources', { type: 'document', name: 'doc', parentId: project.id }),
        'parentId',
      );
      expect(await adminIds()).toEqual(before);
    });

    it('refuses a type that needs a parent given none: a session (parentId)', async () => {
      const before = await adminIds();
      expectInvalid(await acme.admin.post('/v1/resources', { type: 'session', name: 'orphan' }), 'parentId');
      expect(await adminIds()).toEqual(before);
    });

    it('refuses a value on a type that carries none (value)', async () => {
      const before = await adminIds();
      expectInvalid(await acme.admin.post('/v1/resources', { type: 'agent', name: 'valued', value: 'x' }), 'value');
      expect(await adminIds()).toEqual(before);
      const agent = await h.make(acme.admin, { type: 'agent' });
      expectInvalid(await acme.admin.patch(path(agent.id), { value: 'x' }), 'value');
    });

    it('refuses an unknown field (it is not stripped)', async () => {
      const before = await adminIds();
      expectInvalid(await acme.admin.post('/v1/resources', { type: 'agent', name: 'a', colour: 'blue' }), 'colour');
      expect(await adminIds()).toEqual(before);
    });

    it('makes the root key name environmentId', async () => {
      expectInvalid(await kw.root.post('/v1/resources', { type: 'agent', name: 'rootless' }), 'environmentId');
      const reply = await kw.root.post('/v1/resources', {
        type: 'agent',
        name: 'rooted',
        environmentId: acme.environmentId,
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      expect(reply.body).toMatchObject({ tenantId: acme.tenantId, environmentId: acme.environmentId, name: 'rooted' });
    });
  });

  describe('externalId is unique per environment and type', () => {
    it('answers 409 to a second resource of the type with the same externalId in the environment', async () => {
      const externalId = unique('ext');
      await h.make(acme.admin, { type: 'agent', externalId });
      const before = await adminIds();
      expectProblem(
        await acme.admin.post('/v1/resources', { type: 'agent', name: 'twin', externalId }),
        409,
        'CONFLICT',
      );
      expect(await adminIds()).toEqual(before);
    });

    it('allows the same externalId for another type, or in another environment', async () => {
      const externalId = unique('ext');
      const agent = await h.make(acme.admin, { type: 'agent', externalId });
      expect((await h.make(acme.admin, { type: 'project', externalId })).externalId).toBe(externalId);
      const elsewhere = await h.make(stagingOwner.client, { type: 'agent', externalId });
      expect(elsewhere).toMatchObject({ externalId, environmentId: stagingId });
      expect(elsewhere.id).not.toBe(agent.id);
    });

    it('answers 409 to a PATCH taking an externalId another resource of the type holds', async () => {
      const externalId = unique('ext');
      await h.make(acme.admin, { type: 'agent', externalId });
      const second = await h.make(acme.admin, { type: 'agent' });
      expectProblem(await acme.admin.patch(path(second.id), { externalId }), 409, 'CONFLICT');
      expect((await acme.admin.get(path(second.id))).body.externalId).toBeNull();
    });
  });

  describe('where a resource may be created', () => {
    it("refuses to create in another environment of the tenant (403) or another tenant's (404)", async () => {
      const before = await adminIds();
      const [away, abroad] = [unique('away'), unique('abroad')];
      expectProblem(
        await acme.admin.post('/v1/resources', { type: 'agent', name: away, environmentId: stagingId }),
        403,
        'FORBIDDEN',
      );
      expectProblem(
        await acme.admin.post('/v1/resources', { type: 'agent', name: abroad, environmentId: other.environmentId }),
        404,
        'NOT_FOUND',
      );
      expect(await adminIds()).toEqual(before);
      const everywhere = JSON.stringify((await h.listAll(kw.root, '')).items);
      expect(everywhere).not.toContain(away);
      expect(everywhere).not.toContain(abroad);
    });

    it('answers 404 for an unknown parent', async () => {
      expectProblem(
        await acme.admin.post('/v1/resources', {
          type: 'agent',
          name: 'lost',
          parentId: 'res_01aaaaaaaaaaaaaaaaaaaaaaaa',
        }),
        404,
        'NOT_FOUND',
      );
    });

    it("answers 404 for another tenant's ENVIRONMENT or TENANT parent, 403 under its PUBLIC one", async () => {
      for (const visibility of ['ENVIRONMENT', 'TENANT'] as const) {
        const project = await h.make(other.admin, { type: 'project', visibility });
        expectProblem(
          await acme.admin.post('/v1/resources', { type: 'agent', name: 'mole', parentId: project.id }),
          404,
          'NOT_FOUND',
        );
      }
      const open = await h.make(other.admin, { type: 'project', visibility: 'PUBLIC' });
      expectProblem(
        await acme.admin.post('/v1/resources', { type: 'agent', name: 'mole', parentId: open.id }),
        403,
        'FORBIDDEN',
      );
      const children = await h.listAll(other.admin, `parentId=${open.id}`);
      expect(children.items).toEqual([]);
    });

    it('never creates under a parent in another environment of the tenant, even a TENANT one (403)', async () => {
      const project = await h.make(stagingOwner.client, { type: 'project', visibility: 'TENANT' });
      expectProblem(
        await acme.admin.post('/v1/resources', { type: 'agent', name: 'cross', parentId: project.id }),
        403,
        'FORBIDDEN',
      );
      expect((await h.listAll(stagingOwner.client, `parentId=${project.id}`)).items).toEqual([]);
    });

    const topLevel: [string, Record<string, unknown>, Record<string, unknown>, 201 | 403][] = [
      ['a type-wide agent:owner', { scopes: ['agent:owner'] }, { type: 'agent' }, 201],
      ['level full on agent', { levels: { agent: 'full' } }, { type: 'agent' }, 201],
      ['namespace:admin', { scopes: ['namespace:admin'] }, { type: 'namespace' }, 201],
      ['apiFunctions.manage', { permissions: ['apiFunctions.manage'] }, { type: 'apiFunction' }, 201],
      ['secrets.manage', { permissions: ['secrets.manage'] }, { type: 'secret', value: 'top-level-secret' }, 201],
      [
        'variables.manage',
        { permissions: ['variables.manage'] },
        { type: 'variable', value: 'top-level-variable' },
        201,
      ],
      ['a type-wide agent:editor', { scopes: ['agent:editor'] }, { type: 'agent' }, 201],
      ['a type-wide agent:viewer (no type-wide create)', { scopes: ['agent:viewer'] }, { type: 'agent' }, 403],
      ['level edit on agent (edits, never creates)', { levels: { agent: 'edit' } }, { type: 'agent' }, 403],
      ['functions.execute (run, not create)', { permissions: ['functions.execute'] }, { type: 'apiFunction' }, 403],
      ['project:editor (for an agent at the top level)', { scopes: ['project:editor'] }, { type: 'agent' }, 403],
    ];
    for (const [holder, grants, body, status] of topLevel) {
      it(`${status === 201 ? 'lets' : 'refuses'} ${holder} create a top-level ${String(body['type'])}${status === 403 ? ' (403)' : ''}`, async () => {
        const key = await h.makeKey(acme.admin, grants);
        const before = await adminIds();
        const reply = await key.client.post('/v1/resources', { name: unique('top'), ...body });
        if (status === 201) {
          expect(reply.status, JSON.stringify(reply.body)).toBe(201);
          expect(reply.body).toMatchObject({ type: body['type'], parentId: null, createdByKeyId: key.id });
        } else {
          expectProblem(reply, 403, 'FORBIDDEN');
          expect(await adminIds()).toEqual(before);
        }
      });
    }

    it('lets a key with create on the parent (project:editor) create under it, and own what it created', async () => {
      const project = await h.make(acme.admin, { type: 'project' });
      const sibling = await h.make(acme.admin, { type: 'agent', parentId: project.id });
      const editor = await h.makeKey(acme.admin, { scopes: ['project:editor'] });
      const agent = created(
        await editor.client.post('/v1/resources', { type: 'agent', name: 'mine', parentId: project.id }),
      );
      expect(agent).toMatchObject({ parentId: project.id, createdByKeyId: editor.id });
      // project:editor covers the sibling for update, not for delete…
      expect((await editor.client.patch(path(sibling.id), { name: unique('touched') })).status).toBe(200);
      expectProblem(await editor.client.delete(path(sibling.id)), 403, 'FORBIDDEN');
      // …but the key owns what it created: it may share and delete it.
      expect((await editor.client.patch(path(agent.id), { visibility: 'TENANT' })).status).toBe(200);
      expect((await editor.client.delete(path(agent.id))).status).toBe(200);
    });

    it('lets a type-wide owner of the type create under a parent it may discover, not under one it may not (404)', async () => {
      const project = await h.make(acme.admin, { type: 'project' });
      const ownerAndViewer = await h.makeKey(acme.admin, { scopes: ['agent:owner', 'project:viewer'] });
      expect(
        (await ownerAndViewer.client.post('/v1/resources', { type: 'agent', name: 'allowed', parentId: project.id }))
          .status,
      ).toBe(201);
      const ownerOnly = await h.makeKey(acme.admin, { scopes: ['agent:owner'] });
      expectProblem(
        await ownerOnly.client.post('/v1/resources', { type: 'agent', name: 'blind', parentId: project.id }),
        404,
        'NOT_FOUND',
      );
    });

    it('refuses a key that may discover the parent but neither create on it nor create the type (403)', async () => {
      const project = await h.make(acme.admin, { type: 'project' });
      const viewer = await h.makeKey(acme.admin, { scopes: ['project:viewer', 'agent:viewer+update'] });
      expectProblem(
        await viewer.client.post('/v1/resources', { type: 'agent', name: 'nope', parentId: project.id }),
        403,
        'FORBIDDEN',
      );
      expect((await h.listAll(acme.admin, `parentId=${project.id}`)).items).toEqual([]);
    });
  });

  describe('changing visibility needs share; moving needs create under the new parent', () => {
    it('answers 403 to an editor changing visibility, 200 to an owner', async () => {
      const agent = await h.make(acme.admin, { type: 'agent' });
      const editor = await h.makeKey(acme.admin, { scopes: ['agent:editor'] });
      expect((await editor.client.patch(path(agent.id), { name: unique('edited') })).status).toBe(200);
      const before = (await acme.admin.get(path(agent.id))).body;
      expectProblem(await editor.client.patch(path(agent.id), { visibility: 'PUBLIC' }), 403, 'FORBIDDEN');
      expectProblem(
        await editor.client.patch(path(agent.id), { name: unique('sneaky'), visibility: 'TENANT' }),
        403,
        'FORBIDDEN',
      );
      expect((await acme.admin.get(path(agent.id))).body).toEqual(before);
      const owner = await h.makeKey(acme.admin, { scopes: ['agent:owner'] });
      const shared = await owner.client.patch(path(agent.id), { visibility: 'TENANT' });
      expect(shared.status, JSON.stringify(shared.body)).toBe(200);
      expect(shared.body.visibility).toBe('TENANT');
    });

    it('moves a resource for a key that may update and delete it where it is and create it under the new parent', async () => {
      const [p1, p2] = [await h.make(acme.admin, { type: 'project' }), await h.make(acme.admin, { type: 'project' })];
      const agent = await h.make(acme.admin, { type: 'agent', parentId: p1.id });
      const editorOnly = await h.makeKey(acme.admin, { scopes: ['agent:editor', 'project:editor'] });
      expectProblem(await editorOnly.client.patch(path(agent.id), { parentId: p2.id }), 403, 'FORBIDDEN');
      const mover = await h.makeKey(acme.admin, { scopes: ['agent:editor+delete', 'project:editor'] });
      const moved = await mover.client.patch(path(agent.id), { parentId: p2.id });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect(moved.body.parentId).toBe(p2.id);
      expect(h.idsOf(await h.listAll(acme.admin, `parentId=${p2.id}`))).toEqual([agent.id]);
      expect(h.idsOf(await h.listAll(acme.admin, `parentId=${p1.id}`))).toEqual([]);
    });

    it('refuses a move without create under the new parent (403), changing nothing', async () => {
      const [p1, p2] = [await h.make(acme.admin, { type: 'project' }), await h.make(acme.admin, { type: 'project' })];
      const agent = await h.make(acme.admin, { type: 'agent', parentId: p1.id });
      const editor = await h.makeKey(acme.admin, { scopes: ['agent:editor', 'project:viewer'] });
      expectProblem(await editor.client.patch(path(agent.id), { parentId: p2.id }), 403, 'FORBIDDEN');
      expect((await acme.admin.get(path(agent.id))).body.parentId).toBe(p1.id);
    });

    it('refuses a move for a key that may create under the new parent but not update the resource (403)', async () => {
      const [p1, p2] = [await h.make(acme.admin, { type: 'project' }), await h.make(acme.admin, { type: 'project' })];
      const agent = await h.make(acme.admin, { type: 'agent', parentId: p1.id });
      const key = await h.makeKey(acme.admin, { scopes: [`project:${p2.id}:editor`, 'agent:viewer'] });
      expectProblem(await key.client.patch(path(agent.id), { parentId: p2.id }), 403, 'FORBIDDEN');
      expect((await acme.admin.get(path(agent.id))).body.parentId).toBe(p1.id);
    });

    it('moves to the top level for a key that may create the type outright', async () => {
      const project = await h.make(acme.admin, { type: 'project' });
      const agent = await h.make(acme.admin, { type: 'agent', parentId: project.id });
      const owner = await h.makeKey(acme.admin, { scopes: ['agent:owner'] });
      const moved = await owner.client.patch(path(agent.id), { parentId: null });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect(moved.body.parentId).toBeNull();
    });

    it('refuses to move a resource under itself or a descendant (400 parentId)', async () => {
      const namespace = await h.make(acme.admin, { type: 'namespace' });
      const project = await h.make(acme.admin, { type: 'project', parentId: namespace.id });
      const agent = await h.make(acme.admin, { type: 'agent', parentId: project.id });
      expectInvalid(await acme.admin.patch(path(project.id), { parentId: project.id }), 'parentId');
      expectInvalid(await acme.admin.patch(path(namespace.id), { parentId: project.id }), 'parentId');
      expectInvalid(await acme.admin.patch(path(project.id), { parentId: agent.id }), 'parentId');
      expect((await acme.admin.get(path(project.id))).body.parentId).toBe(namespace.id);
      expect((await acme.admin.get(path(namespace.id))).body.parentId).toBeNull();
    });

    it('refuses to move under a parent of a type that may not hold it (400 parentId)', async () => {
      const [a1, a2] = [await h.make(acme.admin, { type: 'agent' }), await h.make(acme.admin, { type: 'agent' })];
      expectInvalid(await acme.admin.patch(path(a1.id), { parentId: a2.id }), 'parentId');
      expect((await acme.admin.get(path(a1.id))).body.parentId).toBeNull();
    });

    it('never moves under a parent in another environment (403)', async () => {
      const project = await h.make(stagingOwner.client, { type: 'project', visibility: 'TENANT' });
      const agent = await h.make(acme.admin, { type: 'agent' });
      expectProblem(await acme.admin.patch(path(agent.id), { parentId: project.id }), 403, 'FORBIDDEN');
      expect((await acme.admin.get(path(agent.id))).body.parentId).toBeNull();
    });
  });

  describe('never across environments', () => {
    it('answers 403 to update, share and delete of a TENANT or PUBLIC resource of another environment, 404 for an ENVIRONMENT one', async () => {
      const owner = await h.makeKey(acme.admin, { scopes: ['agent:owner', 'project:owner'] });
      for (const visibility of ['TENANT', 'PUBLIC'] as const) {
        const agent = await h.make(stagingOwner.client, { type: 'agent', visibility });
        expect((await owner.client.get(path(agent.id))).status).toBe(200);
        expectProblem(await owner.client.patch(path(agent.id), { name: unique('x') }), 403, 'FORBIDDEN');
        expectProblem(await owner.client.patch(path(agent.id), { visibility: 'ENVIRONMENT' }), 403, 'FORBIDDEN');
        expectProblem(await owner.client.delete(path(agent.id)), 403, 'FORBIDDEN');
        expect((await stagingOwner.client.get(path(agent.id))).body).toEqual(agent);
      }
      const hidden = await h.make(stagingOwner.client, { type: 'agent' });
      expectProblem(await owner.client.get(path(hidden.id)), 404, 'NOT_FOUND');
      expectProblem(await owner.client.patch(path(hidden.id), { visibility: 'PUBLIC' }), 404, 'NOT_FOUND');
      expectProblem(await owner.client.delete(path(hidden.id)), 404, 'NOT_FOUND');
      expect((await stagingOwner.client.get(path(hidden.id))).body).toEqual(hidden);
    });

    it("answers 404 for another tenant's ENVIRONMENT and TENANT resources, even to an all-powerful admin", async () => {
      for (const visibility of ['ENVIRONMENT', 'TENANT'] as const) {
        const agent = await h.make(other.admin, { type: 'agent', visibility });
        expectProblem(await acme.admin.get(path(agent.id)), 404, 'NOT_FOUND');
        expectProblem(await acme.admin.patch(path(agent.id), { name: 'stolen' }), 404, 'NOT_FOUND');
        expectProblem(await acme.admin.delete(path(agent.id)), 404, 'NOT_FOUND');
        expect(await h.verify(acme.adminKey, 'read', { type: 'agent', id: agent.id })).toBe('FORBIDDEN');
        expect((await other.admin.get(path(agent.id))).body).toEqual(agent);
      }
    });
  });

  describe('a role reaches descendants', () => {
    it("a grant on a project covers its agents but not a sibling project's", async () => {
      const ns = await h.make(acme.admin, { type: 'namespace' });
      const p1 = await h.make(acme.admin, { type: 'project', parentId: ns.id });
      const p2 = await h.make(acme.admin, { type: 'project', parentId: ns.id });
      const a1 = await h.make(acme.admin, { type: 'agent', parentId: p1.id });
      const a2 = await h.make(acme.admin, { type: 'agent', parentId: p2.id });
      const key = await h.makeKey(acme.admin, { scopes: [`project:${p1.id}:editor`] });

      const read = await key.client.get(path(a1.id));
      expect(read.status, JSON.stringify(read.body)).toBe(200);
      expect(read.body).toEqual(a1);
      const renamed = await key.client.patch(path(a1.id), { name: unique('a1') });
      expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
      expect(await h.verify(key.key, 'run', { type: 'agent', id: a1.id })).toBe('VALID');
      expect(await h.verify(key.key, 'update', { type: 'project', id: p1.id })).toBe('VALID');
      expectProblem(await key.client.delete(path(a1.id)), 403, 'FORBIDDEN');

      const mine = await key.client.post('/v1/resources', { type: 'agent', name: unique('mine'), parentId: p1.id });
      expect(mine.status, JSON.stringify(mine.body)).toBe(201);
      expect(mine.body).toMatchObject({ parentId: p1.id, createdByKeyId: key.id });
      expect((await key.client.delete(path(mine.body.id))).status).toBe(200);

      for (const hidden of [a2, p2, ns]) {
        expectProblem(await key.client.get(path(hidden.id)), 404, 'NOT_FOUND');
        expectProblem(await key.client.patch(path(hidden.id), { name: 'x' }), 404, 'NOT_FOUND');
        expectProblem(await key.client.delete(path(hidden.id)), 404, 'NOT_FOUND');
      }
      expectProblem(
        await key.client.post('/v1/resources', { type: 'agent', name: 'no', parentId: p2.id }),
        404,
        'NOT_FOUND',
      );
      expect(await h.verify(key.key, 'run', { type: 'agent', id: a2.id })).toBe('FORBIDDEN');
      expect(await h.verify(key.key, 'read', { type: 'agent', id: a2.id })).toBe('FORBIDDEN');
      expect(await h.verify(key.key, 'read', { type: 'project', id: p2.id })).toBe('FORBIDDEN');
      expect((await acme.admin.get(path(a2.id))).body).toEqual(a2);
      // Beside the catalogue every key of the environment discovers (SPEC §3 step 4).
      const listed = (await h.listAll(key.client, '')).items.filter(
        (item) => item.type === 'agent' || item.type === 'project' || item.type === 'namespace',
      );
      expect(listed.map((item) => item.id).sort()).toEqual([p1.id, a1.id].sort());
    });

    it('a type-wide role on projects covers the agents under any project, not top-level agents', async () => {
      const project = await h.make(acme.admin, { type: 'project' });
      const inside = await h.make(acme.admin, { type: 'agent', parentId: project.id });
      const outside = await h.make(acme.admin, { type: 'agent' });
      const viewer = await h.makeKey(acme.admin, { scopes: ['project:viewer'] });
      expect((await viewer.client.get(path(inside.id))).status).toBe(200);
      expect(await h.verify(viewer.key, 'read', { type: 'agent', id: inside.id })).toBe('VALID');
      expect(await h.verify(viewer.key, 'run', { type: 'agent', id: inside.id })).toBe('FORBIDDEN');
      expectProblem(await viewer.client.patch(path(inside.id), { name: 'x' }), 403, 'FORBIDDEN');
      expectProblem(await viewer.client.get(path(outside.id)), 404, 'NOT_FOUND');
      expect(await h.verify(viewer.key, 'read', { type: 'agent', id: outside.id })).toBe('FORBIDDEN');
    });

    it('namespace admin on one namespace owns everything under it, and nothing outside', async () => {
      const ns = await h.make(acme.admin, { type: 'namespace' });
      const project = await h.make(acme.admin, { type: 'project', parentId: ns.id });
      const deep = await h.make(acme.admin, { type: 'agent', parentId: project.id });
      const elsewhere = await h.make(acme.admin, { type: 'agent' });
      const admin = await h.makeKey(acme.admin, { scopes: [`namespace:${ns.id}:admin`] });
      const shared = await admin.client.patch(path(deep.id), { visibility: 'TENANT' });
      expect(shared.status, JSON.stringify(shared.body)).toBe(200);
      expect((await admin.client.delete(path(deep.id))).status).toBe(200);
      expectProblem(await admin.client.delete(path(elsewhere.id)), 404, 'NOT_FOUND');
      expect((await acme.admin.get(path(elsewhere.id))).status).toBe(200);
    });
  });

  describe('verify finds a resource by id or by externalId', () => {
    it('looks an externalId up in the key’s environment, for the type asked', async () => {
      const externalId = unique('agent-42');
      const agent = await h.make(acme.admin, { type: 'agent', externalId, visibility: 'PUBLIC' });
      const executor = await h.makeKey(acme.admin, { scopes: ['agent:executor', 'project:editor'] });
      const viewer = await h.makeKey(acme.admin, { scopes: ['agent:viewer'] });

      expect(await h.verify(executor.key, 'run', { type: 'agent', externalId })).toBe('VALID');
      expect(await h.verify(executor.key, 'run', { type: 'agent', id: agent.id })).toBe('VALID');
      expect(await h.verify(viewer.key, 'run', { type: 'agent', externalId })).toBe('FORBIDDEN');
      expect(await h.verify(viewer.key, 'read', { type: 'agent', externalId })).toBe('VALID');
      expect(await h.verify(executor.key, 'run', { type: 'agent', externalId: unique('agent-43') })).toBe('FORBIDDEN');
      // The right externalId, the wrong type: project:editor would allow run on a project.
      expect(await h.verify(executor.key, 'run', { type: 'project', externalId })).toBe('FORBIDDEN');
      expect(await h.verify(executor.key, 'run', { type: 'project', id: agent.id })).toBe('FORBIDDEN');
    });

    it('does not match the same externalId in another environment', async () => {
      const externalId = unique('agent-42');
      // PUBLIC, so by id the staging key may run it: only the lookup's environment differs.
      const prodAgent = await h.make(acme.admin, { type: 'agent', externalId, visibility: 'PUBLIC' });
      const stagingExecutor = await h.makeKey(acme.admin, { environmentId: stagingId, scopes: ['agent:executor'] });
      expect(await h.verify(stagingExecutor.key, 'run', { type: 'agent', id: prodAgent.id })).toBe('VALID');
      expect(await h.verify(stagingExecutor.key, 'run', { type: 'agent', externalId })).toBe('FORBIDDEN');

      // A staging agent with the same externalId is the one staging keys find.
      const stagingAgent = await h.make(stagingOwner.client, { type: 'agent', externalId });
      const scoped = await h.makeKey(acme.admin, {
        environmentId: stagingId,
        scopes: [`agent:${stagingAgent.id}:executor`],
      });
      expect(await h.verify(scoped.key, 'run', { type: 'agent', id: prodAgent.id })).toBe('FORBIDDEN');
      expect(await h.verify(scoped.key, 'run', { type: 'agent', externalId })).toBe('VALID');
      const prodScoped = await h.makeKey(acme.admin, { scopes: [`agent:${prodAgent.id}:executor`] });
      expect(await h.verify(prodScoped.key, 'run', { type: 'agent', externalId })).toBe('VALID');
    });

    it('answers FORBIDDEN for an unknown id and for an id of another type than asked', async () => {
      const project = await h.make(acme.admin, { type: 'project' });
      expect(await h.verify(acme.adminKey, 'read', { type: 'project', id: project.id })).toBe('VALID');
      expect(await h.verify(acme.adminKey, 'read', { type: 'agent', id: project.id })).toBe('FORBIDDEN');
      expect(await h.verify(acme.adminKey, 'read', { type: 'project', id: 'res_01aaaaaaaaaaaaaaaaaaaaaaaa' })).toBe(
        'FORBIDDEN',
      );
    });
  });
});

// ---------------------------------------------------------------------------------------------
// 5. Listing shows exactly what the key may discover, and leaks nothing else
// ---------------------------------------------------------------------------------------------

/** Where each resource of the listing world lives and how visible it is. */
const WORLD = {
  // Acme, prod (the callers' home unless said otherwise)
  pEnvAgent: { home: 'prod', type: 'agent', visibility: 'ENVIRONMENT' },
  pTenAgent: { home: 'prod', type: 'agent', visibility: 'TENANT' },
  pPubAgent: { home: 'prod', type: 'agent', visibility: 'PUBLIC' },
  pProject: { home: 'prod', type: 'project', visibility: 'ENVIRONMENT' },
  pProjAgent: { home: 'prod', type: 'agent', visibility: 'ENVIRONMENT', parent: 'pProject' },
  pPubWebhook: { home: 'prod', type: 'webhook', visibility: 'PUBLIC' },
  pVariable: { home: 'prod', type: 'variable', visibility: 'ENVIRONMENT', value: true },
  // Acme, staging
  sEnvAgent: { home: 'staging', type: 'agent', visibility: 'ENVIRONMENT' },
  sTenAgent: { home: 'staging', type: 'agent', visibility: 'TENANT' },
  sPubAgent: { home: 'staging', type: 'agent', visibility: 'PUBLIC' },
  sTenWebhook: { home: 'staging', type: 'webhook', visibility: 'TENANT' },
  // Other tenant, prod
  oEnvAgent: { home: 'other', type: 'agent', visibility: 'ENVIRONMENT' },
  oTenAgent: { home: 'other', type: 'agent', visibility: 'TENANT' },
  oPubAgent: { home: 'other', type: 'agent', visibility: 'PUBLIC' },
  oPubWebhook: { home: 'other', type: 'webhook', visibility: 'PUBLIC' },
} as const satisfies Record<
  string,
  { home: 'prod' | 'staging' | 'other'; type: string; visibility: Visibility; parent?: string; value?: boolean }
>;
type Label = keyof typeof WORLD;
const ALL_LABELS = Object.keys(WORLD) as Label[];

/** The catalogue entries every key of prod discovers with no grant: its own, its tenant's TENANT ones, every PUBLIC one. */
const PROD_CATALOGUE: Label[] = ['pPubWebhook', 'pVariable', 'sTenWebhook', 'oPubWebhook'];

/** Each caller: where its key lives, its grants, and — by hand, from SPEC §3 — exactly what it discovers. */
const LISTERS: {
  who: string;
  home: 'prod' | 'staging' | 'other';
  grants: Record<string, unknown>;
  byRoot?: true;
  sees: Label[];
}[] = [
  {
    who: 'agent:viewer in prod',
    home: 'prod',
    grants: { scopes: ['agent:viewer'] },
    sees: [
      'pEnvAgent',
      'pTenAgent',
      'pPubAgent',
      'pProjAgent',
      'sTenAgent',
      'sPubAgent',
      'oPubAgent',
      ...PROD_CATALOGUE,
    ],
  },
  {
    who: 'project:viewer in prod (its projects and what is under them)',
    home: 'prod',
    grants: { scopes: ['project:viewer'] },
    sees: ['pProject', 'pProjAgent', ...PROD_CATALOGUE],
  },
  {
    who: 'agent:discoverer in staging',
    home: 'staging',
    grants: { scopes: ['agent:discoverer'] },
    sees: [
      'sEnvAgent',
      'sTenAgent',
      'sPubAgent',
      'pTenAgent',
      'pPubAgent',
      'oPubAgent',
      'pPubWebhook',
      'sTenWebhook',
      'oPubWebhook',
    ],
  },
  {
    who: 'agent:viewer and webhook:viewer in the other tenant',
    home: 'other',
    grants: { scopes: ['agent:viewer', 'webhook:viewer'] },
    sees: ['oEnvAgent', 'oTenAgent', 'oPubAgent', 'oPubWebhook', 'pPubAgent', 'sPubAgent', 'pPubWebhook'],
  },
  // Seed 000: a key sees the catalogue of what it may call (the webhooks, here and where visibility shows them).
  {
    who: 'functions.execute in prod (discover, read and run on webhooks)',
    home: 'prod',
    grants: { permissions: ['functions.execute'] },
    sees: ['pPubWebhook', 'sTenWebhook', 'oPubWebhook', 'pVariable'],
  },
  // Seed 003: the catalogue is discoverable by every key its visibility reaches; PUBLIC agents are not (seed 001).
  {
    who: 'no grant at all in prod (the catalogue only: no agent, even PUBLIC)',
    home: 'prod',
    grants: {},
    sees: PROD_CATALOGUE,
  },
  {
    who: 'org:member in prod (discover on every type)',
    home: 'prod',
    grants: { scopes: ['org:member'] },
    byRoot: true,
    sees: [
      'pEnvAgent',
      'pTenAgent',
      'pPubAgent',
      'pProject',
      'pProjAgent',
      'pPubWebhook',
      'pVariable',
      'sTenAgent',
      'sPubAgent',
      'sTenWebhook',
      'oPubAgent',
      'oPubWebhook',
    ],
  },
];

describe.each(testDatabases())('listing resources on $name', (db) => {
  let h: ReturnType<typeof helpers>;
  const world = new Map<Label, { id: string; name: string; value?: string }>();
  const homes = new Map<'prod' | 'staging' | 'other', { environmentId: string; admin: Client }>();
  const listers = new Map<string, TestKey>();

  const kw = keywardForSuite(db);
  beforeAll(async () => {
    h = helpers(kw);
    const acme = await seedTenant(kw, 'Acme');
    const other = await seedTenant(kw, 'Other');
    const stagingId = created(await acme.admin.post('/v1/environments', { name: 'staging' })).id;
    const stagingMaker = await h.makeKey(acme.admin, {
      environmentId: stagingId,
      scopes: ['agent:owner', 'webhook:owner'],
    });
    homes.set('prod', { environmentId: acme.environmentId, admin: acme.admin });
    homes.set('staging', { environmentId: stagingId, admin: acme.admin });
    homes.set('other', { environmentId: other.environmentId, admin: other.admin });
    const makers = { prod: acme.admin, staging: stagingMaker.client, other: other.admin };
    for (const label of ALL_LABELS) {
      const spec: {
        home: 'prod' | 'staging' | 'other';
        type: string;
        visibility: Visibility;
        parent?: string;
        value?: boolean;
      } = WORLD[label];
      const name = unique(`secretname-${label}`);
      const value = spec.value === true ? unique('listed-value') : undefined;
      const parent = spec.parent === undefined ? undefined : world.get(spec.parent as Label);
      const body = await h.make(makers[spec.home], {
        type: spec.type,
        name,
        visibility: spec.visibility,
        ...(parent === undefined ? {} : { parentId: parent.id }),
        ...(value === undefined ? {} : { value }),
      });
      world.set(label, { id: body.id, name, ...(value === undefined ? {} : { value }) });
    }
    for (const lister of LISTERS) {
      const home = got(homes, lister.home);
      const maker = lister.byRoot === true ? kw.root : home.admin;
      listers.set(lister.who, await h.makeKey(maker, { environmentId: home.environmentId, ...lister.grants }));
    }
  });

  const labelsOf = (listing: Listing): string[] =>
    listing.items
      .map(
        (item: { id: string }) =>
          [...world.entries()].find(([, made]) => made.id === item.id)?.[0] ?? `unexpected ${item.id}`,
      )
      .sort();

  /**
   * Nothing outside `sees` appears in any body or cursor: no id, no name, no value. A visible
   * item's `parentId` is left to its own test below, so that question fails on its own.
   */
  function expectNoLeak(listing: Listing, sees: readonly Label[]): void {
    for (const label of ALL_LABELS.filter((one) => !sees.includes(one))) {
      const made = got(world, label);
      for (const text of listing.textsWithoutParentIds) {
        expect(text.includes(made.id), `${label}'s id leaked`).toBe(false);
        expect(text.includes(made.name), `${label}'s name leaked`).toBe(false);
      }
    }
    for (const made of world.values()) {
      if (made.value !== undefined)
        for (const text of listing.texts) expect(text.includes(made.value), 'a value was listed').toBe(false);
    }
    for (const item of listing.items) expect(item).not.toHaveProperty('value');
  }

  for (const lister of LISTERS) {
    it(`lists exactly what ${lister.who} may discover, on every page size`, async () => {
      const key = got(listers, lister.who);
      for (const limit of [1, 2, 100]) {
        const listing = await h.listAll(key.client, '', limit);
        expect(labelsOf(listing), `limit ${limit}`).toEqual([...lister.sees].sort());
        expect(new Set(h.idsOf(listing)).size, 'no item twice').toBe(listing.items.length);
        expectNoLeak(listing, lister.sees);
      }
    });
  }

  it('never shows, as the parentId of an item it lists, the id of a parent the key may not discover', async () => {
    // pProjAgent (an agent) sits under pProject (a project): agent:viewer lists the agent but may
    // not discover the project, so the project's id must not reach it through the agent.
    for (const lister of LISTERS) {
      const listing = await h.listAll(got(listers, lister.who).client, '', 100);
      const seen = new Set(lister.sees.map((label) => got(world, label).id));
      for (const item of listing.items) {
        expect(
          item.parentId === null || seen.has(item.parentId),
          `${lister.who} is shown parentId ${item.parentId} of item ${item.id}, a parent it may not discover`,
        ).toBe(true);
      }
    }
  });

  it('lists everything, in every tenant and environment, to the root key', async () => {
    for (const limit of [1, 2, 100]) {
      const listing = await h.listAll(kw.root, '', limit);
      expect(labelsOf(listing), `limit ${limit}`).toEqual([...ALL_LABELS].sort());
      for (const item of listing.items) expect(item).not.toHaveProperty('value');
    }
  });

  it('pages in id order, each id once', async () => {
    const listing = await h.listAll(kw.root, '', 2);
    const ids = h.idsOf(listing);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('filters by type, parentId and environmentId, within what the key may discover', async () => {
    const viewer = got(listers, 'agent:viewer in prod');
    const stagingId = got(homes, 'staging').environmentId;
    const cases: [Client, string, Label[]][] = [
      [
        viewer.client,
        'type=agent',
        ['pEnvAgent', 'pTenAgent', 'pPubAgent', 'pProjAgent', 'sTenAgent', 'sPubAgent', 'oPubAgent'],
      ],
      [viewer.client, 'type=webhook', ['pPubWebhook', 'sTenWebhook', 'oPubWebhook']],
      [viewer.client, `environmentId=${stagingId}`, ['sTenAgent', 'sPubAgent', 'sTenWebhook']],
      [viewer.client, `type=agent&environmentId=${stagingId}`, ['sTenAgent', 'sPubAgent']],
      [
        got(listers, 'project:viewer in prod (its projects and what is under them)').client,
        `parentId=${got(world, 'pProject').id}`,
        ['pProjAgent'],
      ],
      [kw.root, 'type=webhook', ['pPubWebhook', 'sTenWebhook', 'oPubWebhook']],
      [kw.root, `parentId=${got(world, 'pProject').id}`, ['pProjAgent']],
    ];
    for (const [client, query, sees] of cases) {
      for (const limit of [1, 100]) {
        const listing = await h.listAll(client, query, limit);
        expect(labelsOf(listing), `${query} limit ${limit}`).toEqual([...sees].sort());
        if (client !== kw.root) expectNoLeak(listing, sees);
      }
    }
  });

  it('reveals nothing when filtering by a parent the key may not discover', async () => {
    const discoverer = got(listers, 'agent:discoverer in staging');
    const reply = await discoverer.client.get(`/v1/resources?parentId=${got(world, 'pProject').id}`);
    // Either answer keeps it hidden: not found, or an empty page.
    if (reply.status === 404) expectProblem(reply, 404, 'NOT_FOUND');
    else expect(reply.body).toEqual({ items: [], nextCursor: null });
    expect(JSON.stringify(reply.body)).not.toContain(got(world, 'pProjAgent').id);
  });

  it('refuses a cursor it did not give out with 400 naming it', async () => {
    expectInvalid(await kw.root.get('/v1/resources?cursor=not-a-cursor'), 'cursor');
  });
});
