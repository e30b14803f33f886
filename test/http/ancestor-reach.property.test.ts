/**
 * Property (SPEC §3 steps 4–5): over random trees of namespaces, projects, applications, agents
 * and secrets in two tenants and three environments, with random visibilities and random grants
 * (type-wide, on one resource, library.generate), verify, GET and the listing answer what the
 * spec's rules say for every resource — in particular, nothing is covered through an ancestor the
 * key may not discover, and a catalogue resource (application, secret) is discovered with no
 * grant where it and its ancestors are reached, listed then with id, type, name, parent and
 * visibility only. The expected answers come from the rules as the spec words them, written recursively
 * here and independently of src/core/check.ts. SQLite only: the run is heavy and storage-neutral.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultModel } from '../../src/core/model/load-model.js';
import { sqliteOnly } from '../support/databases.js';
import { seedTenant, type Client } from '../support/keyward.js';
import { keywardForSuite } from '../support/suite-keyward.js';
import { created } from '../support/problem.js';

const model = defaultModel();
const REACHING = new Set(['discover', 'read', 'run']);
const VISIBILITIES = ['ENVIRONMENT', 'TENANT', 'PUBLIC'] as const;
type Visibility = (typeof VISIBILITIES)[number];

/** Types that may sit at the top, and under each parent type, in the default model (a subset). */
const TOP_TYPES = ['namespace', 'project', 'agent', 'secret', 'application'];
const CHILD_TYPES: Record<string, readonly string[]> = {
  namespace: ['project', 'agent', 'secret', 'application'],
  project: ['agent', 'secret'],
  application: ['secret'],
};
/** The role a resource scope gives on a resource of each type. */
const SCOPE_ROLE: Record<string, string> = {
  namespace: 'admin',
  project: 'viewer',
  agent: 'viewer',
  secret: 'viewer',
  application: 'viewer',
};
/** Types every key discovers where it reaches them (`catalogue: true` in the default model). */
const CATALOGUE = new Set(['secret', 'application']);
const TYPE_WIDE = [
  'namespace:admin',
  'project:viewer',
  'project:editor',
  'agent:viewer',
  'secret:viewer',
  'secret:owner',
];

interface Place {
  readonly environmentId: string;
  readonly tenantId: string;
}

interface Node {
  readonly id: string;
  readonly type: string;
  readonly visibility: Visibility;
  readonly place: Place;
  /** The parent first, up to the top. */
  readonly ancestors: readonly Node[];
}

interface Grants {
  readonly place: Place;
  readonly typeWide: ReadonlyMap<string, ReadonlySet<string>>;
  readonly onResource: ReadonlyMap<string, ReadonlySet<string>>;
  readonly readDiscoverable: boolean;
}

function roleActions(role: string): ReadonlySet<string> {
  return model.roles.get(role)?.actions ?? new Set();
}

/** The grant held on this very resource (type-wide on its type, or a scope naming it). */
function heldOn(grants: Grants, action: string, node: Node): boolean {
  return grants.typeWide.get(node.type)?.has(action) === true || grants.onResource.get(node.id)?.has(action) === true;
}

/** Step 4: its own environment, or for discover, read and run a TENANT resource of its tenant or a PUBLIC one. */
function reaches(grants: Grants, action: string, node: Node): boolean {
  if (node.place.environmentId === grants.place.environmentId) return true;
  if (!REACHING.has(action)) return false;
  return (
    node.visibility === 'PUBLIC' || (node.visibility === 'TENANT' && node.place.tenantId === grants.place.tenantId)
  );
}

/**
 * Step 5 as worded: held on the resource, or on an ancestor from which the grant passes down
 * only through resources the key may itself discover (the ancestor included).
 */
function covered(grants: Grants, action: string, node: Node): boolean {
  if (!reaches(grants, action, node)) return false;
  if (heldOn(grants, action, node)) return true;
  return node.ancestors.some(
    (ancestor, index) =>
      heldOn(grants, action, ancestor) &&
      node.ancestors.slice(0, index + 1).every((between) => covered(grants, 'discover', between)),
  );
}

/** Step 4's catalogue: discovered with no grant where the resource and every ancestor are reached. */
function inCatalogue(grants: Grants, node: Node): boolean {
  return CATALOGUE.has(node.type) && [node, ...node.ancestors].every((at) => reaches(grants, 'discover', at));
}

function allowed(grants: Grants, action: string, node: Node): boolean {
  if (action === 'discover' && inCatalogue(grants, node)) return true;
  return (
    covered(grants, action, node) || (action === 'read' && grants.readDiscoverable && covered(grants, 'discover', node))
  );
}

interface NodeSpec {
  readonly parentPick: number | null;
  readonly typePick: number;
  readonly visibility: Visibility;
  readonly placePick: number;
}

/** What to build: each node names a parent among the earlier ones that may have children, or none. */
const scenario = fc.record({
  nodes: fc.array(
    fc.record({
      parentPick: fc.option(fc.nat(), { nil: null }),
      typePick: fc.nat(),
      visibility: fc.constantFrom(...VISIBILITIES),
      placePick: fc.nat(),
    }),
    {
      minLength: 1,
      maxLength: 10,
    },
  ),
  keyPlacePick: fc.nat(),
  typeWide: fc.subarray(TYPE_WIDE),
  scopePicks: fc.array(fc.nat(), { maxLength: 3 }),
  libraryGenerate: fc.boolean(),
});

describe.each(sqliteOnly())('grants reach only through ancestors the key may discover, on $name (property)', (db) => {
  let places: Place[];
  let runs = 0;
  const kw = keywardForSuite(db);
  beforeAll(async () => {
    const a = await seedTenant(kw, 'Alpha');
    const b = await seedTenant(kw, 'Beta');
    const staging = created(await a.admin.post('/v1/environments', { name: 'staging' }));
    places = [
      { environmentId: a.environmentId, tenantId: a.tenantId },
      { environmentId: staging.id, tenantId: a.tenantId },
      { environmentId: b.environmentId, tenantId: b.tenantId },
    ];
  });

  async function build(nodes: readonly NodeSpec[]): Promise<Node[]> {
    const built: Node[] = [];
    for (const spec of nodes) {
      const parents = built.filter((node) => CHILD_TYPES[node.type] !== undefined);
      const parent =
        spec.parentPick === null || parents.length === 0 ? null : (parents[spec.parentPick % parents.length] ?? null);
      const types = parent === null ? TOP_TYPES : (CHILD_TYPES[parent.type] ?? []);
      const type = types[spec.typePick % types.length] ?? 'agent';
      const place = parent?.place ?? places[spec.placePick % places.length] ?? places[0];
      if (place === undefined) throw new Error('no places');
      const body = created(
        await kw.root.post('/v1/resources', {
          environmentId: place.environmentId,
          type,
          name: `${type}-${built.length}`,
          visibility: spec.visibility,
          ...(parent === null ? {} : { parentId: parent.id }),
          ...(type === 'secret' ? { value: `value-${built.length}` } : {}),
        }),
      );
      built.push({
        id: body.id,
        type,
        visibility: spec.visibility,
        place,
        ancestors: parent === null ? [] : [parent, ...parent.ancestors],
      });
    }
    return built;
  }

  async function listed(client: Client, ids: ReadonlySet<string>): Promise<Map<string, Record<string, unknown>>> {
    const shown = new Map<string, Record<string, unknown>>();
    let cursor: string | null = null;
    do {
      const reply = await client.get(`/v1/resources?limit=100${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      for (const item of reply.body.items) if (ids.has(item.id)) shown.set(item.id, item);
      cursor = reply.body.nextCursor;
    } while (cursor !== null);
    return shown;
  }

  it('verify, GET and the listing each answer as the rules say, for every resource of random trees', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (given) => {
        runs += 1;
        const nodes = await build(given.nodes);
        const place = places[given.keyPlacePick % 2] ?? places[0];
        if (place === undefined) throw new Error('no places');
        const ownTenant = nodes.filter((node) => node.place.tenantId === place.tenantId);
        const scoped =
          ownTenant.length === 0
            ? []
            : given.scopePicks
                .map((pick) => ownTenant[pick % ownTenant.length])
                .filter((node): node is Node => node !== undefined);
        const scopes = [
          ...given.typeWide,
          ...scoped.map((node) => `${node.type}:${node.id}:${SCOPE_ROLE[node.type] ?? 'viewer'}`),
        ];
        const key = created(
          await kw.root.post('/v1/keys', {
            environmentId: place.environmentId,
            name: `prop-${runs}`,
            kind: 'application',
            scopes,
            permissions: given.libraryGenerate ? ['library.generate'] : [],
          }),
        );
        const typeWide = new Map<string, Set<string>>();
        for (const text of given.typeWide) {
          const [type = '', role = ''] = text.split(':');
          typeWide.set(type, new Set([...(typeWide.get(type) ?? []), ...roleActions(role)]));
        }
        // library.generate discovers and reads every application (never a secret).
        if (given.libraryGenerate)
          typeWide.set('application', new Set([...(typeWide.get('application') ?? []), 'discover', 'read']));
        const onResource = new Map<string, Set<string>>();
        for (const node of scoped)
          onResource.set(
            node.id,
            new Set([...(onResource.get(node.id) ?? []), ...roleActions(SCOPE_ROLE[node.type] ?? 'viewer')]),
          );
        const grants: Grants = { place, typeWide, onResource, readDiscoverable: given.libraryGenerate };
        const client = kw.client(key.key);

        for (const node of nodes) {
          const expected = Object.fromEntries([...REACHING].map((action) => [action, allowed(grants, action, node)]));
          for (const action of REACHING) {
            const verdict = await kw
              .client()
              .post('/v1/verify', { key: key.key, action, resource: { type: node.type, id: node.id } });
            expect(verdict.body.code, `verify ${action} on ${node.type} ${node.id}`).toBe(
              expected[action] ? 'VALID' : 'FORBIDDEN',
            );
          }
          const read = await client.get(`/v1/resources/${node.id}`);
          const knows = expected['discover'] === true || expected['read'] === true || expected['run'] === true;
          expect(read.status, `GET ${node.type} ${node.id}`).toBe(expected['read'] ? 200 : knows ? 403 : 404);
          if (read.status === 200) {
            const parent = node.ancestors[0];
            expect(read.body.parentId).toBe(
              parent !== undefined && allowed(grants, 'discover', parent) ? parent.id : null,
            );
            if (node.type === 'secret') expect(read.body.value).toMatch(/^value-/);
          } else {
            expect(JSON.stringify(read.body)).not.toContain('value-');
          }
        }
        const ids = new Set(nodes.map((node) => node.id));
        const listing = await listed(client, ids);
        expect([...listing.keys()].sort(), 'the listing').toEqual(
          nodes
            .filter((node) => allowed(grants, 'discover', node))
            .map((node) => node.id)
            .sort(),
        );
        // What it may discover but not read shows id, type, name, parent and visibility only.
        for (const node of nodes.filter(
          (candidate) => listing.has(candidate.id) && !allowed(grants, 'read', candidate),
        )) {
          expect(Object.keys(listing.get(node.id) ?? {}).sort(), `listed ${node.type} ${node.id}`).toEqual([
            'id',
            'name',
            'parentId',
            'type',
            'visibility',
          ]);
        }
      }),
      { numRuns: 30 },
    );
    expect(runs).toBeGreaterThanOrEqual(30);
  }, 180_000);
});
