/**
 * Issue 23 item 2, end to end over HTTP: visibility makes the catalogue discoverable to its
 * audience (seed 003), with no grant, showing id, type, name, parent and visibility only; the
 * agent platform still needs a grant (seed 001); an ancestor out of reach hides what is under it;
 * and listings and verify agree on every resource.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sqliteOnly } from '../support/databases.js';
import type { Client } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created, expectProblem } from '../support/problem.js';

const DISCOVERED_FIELDS = ['id', 'name', 'parentId', 'type', 'visibility'];

// SQLite only (databases.ts): the seeds' stories are decided by the model and the services; each
// statement they run is one resources, group-doors, policies-groups and key-grants run on both databases.
describe.each(sqliteOnly())('the catalogue seed stories on $name', (db) => {
  let stagingId: string;
  /** Keys with no grant at all: in acme's prod, acme's staging, and beta. */
  const bare = { prod: '', staging: '', beta: '' };
  const kw = keywardForSuite(db);
  const acme = tenantForSuite(kw, 'Catalogue');
  const beta = tenantForSuite(kw, 'Outsider');
  beforeAll(async () => {
    stagingId = created(await acme.admin.post('/v1/environments', { name: 'staging' })).id;
    bare.prod = created(await acme.admin.post('/v1/keys', { name: 'bare', kind: 'application' })).key;
    bare.staging = created(
      await acme.admin.post('/v1/keys', { environmentId: stagingId, name: 'bare', kind: 'application' }),
    ).key;
    bare.beta = created(await beta.admin.post('/v1/keys', { name: 'bare', kind: 'application' })).key;
  });

  const make = async (client: Client, body: Record<string, unknown>) =>
    created(await client.post('/v1/resources', { name: `r-${Math.random().toString(36).slice(2, 8)}`, ...body }));
  const verify = async (key: string, action: string, resource: { type: string; id: string }) =>
    (await kw.client().post('/v1/verify', { key, action, resource: { type: resource.type, id: resource.id } })).body
      .code as string;
  /** The key's listing, as id → item, of the resources given. */
  const listing = async (
    key: string,
    among: readonly { id: string }[],
  ): Promise<Map<string, Record<string, unknown>>> => {
    const wanted = new Set(among.map((resource) => resource.id));
    const items = new Map<string, Record<string, unknown>>();
    let cursor: string | null = null;
    do {
      const reply = await kw.client(key).get(`/v1/resources?limit=100${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      for (const item of reply.body.items) if (wanted.has(item.id)) items.set(item.id, item);
      cursor = reply.body.nextCursor;
    } while (cursor !== null);
    return items;
  };

  it('seed 003: "made available for discovery … to all API Keys of the same environment, of the same tenant, or even of the same PolyAPI instance"', async () => {
    const inEnvironment = await make(acme.admin, { type: 'apiFunction', visibility: 'ENVIRONMENT' });
    const inTenant = await make(acme.admin, { type: 'webhook', visibility: 'TENANT' });
    const inInstance = await make(acme.admin, { type: 'schema', visibility: 'PUBLIC' });
    const made = [inEnvironment, inTenant, inInstance];
    const expected: [string, typeof made][] = [
      [bare.prod, made],
      [bare.staging, [inTenant, inInstance]],
      [bare.beta, [inInstance]],
    ];
    for (const [key, sees] of expected) {
      expect([...(await listing(key, made)).keys()].sort()).toEqual(sees.map((resource) => resource.id).sort());
      for (const resource of made)
        expect(await verify(key, 'discover', resource)).toBe(sees.includes(resource) ? 'VALID' : 'FORBIDDEN');
    }
  });

  it('seed 003: "easily discoverable by ANY user from any other Tenant" — its id, type, name, parent and visibility, never its value or metadata', async () => {
    const secret = await make(acme.admin, {
      type: 'secret',
      visibility: 'PUBLIC',
      value: 'hunter2-catalogue',
      metadata: { owner: 'payments' },
    });
    const shown = (await listing(bare.beta, [secret])).get(secret.id);
    expect(shown).toEqual({ id: secret.id, type: 'secret', name: secret.name, parentId: null, visibility: 'PUBLIC' });
    expect(Object.keys(shown ?? {}).sort()).toEqual(DISCOVERED_FIELDS);
    const read = await kw.client(bare.beta).get(`/v1/resources/${secret.id}`);
    expectProblem(read, 403, 'FORBIDDEN');
    expect(JSON.stringify(read.body)).not.toContain('hunter2');
    expect(await verify(bare.beta, 'read', secret)).toBe('FORBIDDEN');
    expect(await verify(bare.beta, 'run', secret)).toBe('FORBIDDEN');
  });

  it('seed 003: "it will still only be modifiable by API keys with the necessary permissions in the same environment"', async () => {
    const variable = await make(acme.admin, { type: 'variable', visibility: 'PUBLIC', value: 'eu' });
    const manager = created(
      await beta.admin.post('/v1/keys', { name: 'vars', kind: 'application', permissions: ['variables.manage'] }),
    );
    expectProblem(
      await kw.client(manager.key).patch(`/v1/resources/${variable.id}`, { value: 'us' }),
      403,
      'FORBIDDEN',
    );
    expectProblem(
      await kw.client(bare.prod).patch(`/v1/resources/${variable.id}`, { name: 'renamed' }),
      403,
      'FORBIDDEN',
    );
    expect((await acme.admin.get(`/v1/resources/${variable.id}`)).body).toMatchObject({
      name: variable.name,
      value: 'eu',
    });
  });

  it('seed 001: "None: no access to agents" — the agent platform needs a grant even to be discovered, PUBLIC or not', async () => {
    const agent = await make(acme.admin, { type: 'agent', visibility: 'PUBLIC' });
    const project = await make(acme.admin, { type: 'project' });
    for (const key of [bare.prod, bare.beta]) {
      expect((await listing(key, [agent, project])).size).toBe(0);
      expect(await verify(key, 'discover', agent)).toBe('FORBIDDEN');
      expectProblem(await kw.client(key).get(`/v1/resources/${agent.id}`), 404, 'NOT_FOUND');
    }
    const viewer = created(
      await acme.admin.post('/v1/keys', { name: 'v', kind: 'application', levels: { agent: 'view' } }),
    );
    expect(await verify(viewer.key, 'discover', agent)).toBe('VALID');
  });

  it("the ancestor rule holds: a PUBLIC secret under another tenant's ENVIRONMENT namespace is hidden, under a PUBLIC application it is found", async () => {
    const namespace = await make(acme.admin, { type: 'namespace', visibility: 'ENVIRONMENT' });
    const hidden = await make(acme.admin, { type: 'secret', visibility: 'PUBLIC', parentId: namespace.id, value: 'x' });
    const application = await make(acme.admin, { type: 'application', visibility: 'PUBLIC' });
    const found = await make(acme.admin, {
      type: 'secret',
      visibility: 'PUBLIC',
      parentId: application.id,
      value: 'y',
    });
    const listed = await listing(bare.beta, [hidden, found, application]);
    expect([...listed.keys()].sort()).toEqual([found.id, application.id].sort());
    expect(listed.get(found.id)?.['parentId']).toBe(application.id);
    expect(await verify(bare.beta, 'discover', hidden)).toBe('FORBIDDEN');
    expectProblem(await kw.client(bare.beta).get(`/v1/resources/${hidden.id}`), 404, 'NOT_FOUND');
    // In its own environment the namespace is reached, so the secret is discovered there.
    expect(await verify(bare.prod, 'discover', hidden)).toBe('VALID');
  });

  it('listings and verify agree: a key lists exactly what verify lets it discover, for every resource of the tenant', async () => {
    const all = await everything();
    expect(all.length).toBeGreaterThan(5);
    const keys = [
      bare.prod,
      bare.staging,
      bare.beta,
      created(await acme.admin.post('/v1/keys', { name: 'f', kind: 'application', permissions: ['functions.execute'] }))
        .key,
    ];
    for (const key of keys) {
      const listed = await listing(key, all);
      for (const resource of all) {
        const verdict = await verify(key, 'discover', resource);
        expect(listed.has(resource.id), `${resource.type} ${resource.id}: listed vs verify ${verdict}`).toBe(
          verdict === 'VALID',
        );
      }
    }
  });

  /** Every resource of the instance, as the root key lists them. */
  async function everything(): Promise<{ id: string; type: string }[]> {
    const items: { id: string; type: string }[] = [];
    let cursor: string | null = null;
    do {
      const reply = await kw.root.get(`/v1/resources?limit=100${cursor === null ? '' : `&cursor=${cursor}`}`);
      items.push(...reply.body.items);
      cursor = reply.body.nextCursor;
    } while (cursor !== null);
    return items;
  }

  it('GET /v1/model marks the catalogue types, and no type of the agent platform', async () => {
    const types = (await kw.client(bare.prod).get('/v1/model')).body.types as { name: string; catalogue: boolean }[];
    const catalogue = types.filter((type) => type.catalogue).map((type) => type.name);
    expect(catalogue.sort()).toEqual(
      [
        'apiFunction',
        'serverFunction',
        'clientFunction',
        'webhook',
        'trigger',
        'job',
        'variable',
        'secret',
        'schema',
        'snippet',
        'application',
        'cloudEvent',
      ].sort(),
    );
  });
});
