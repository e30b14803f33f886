/**
 * What every deployment answers without a key: liveness, readiness, the OpenAPI 3.1 document
 * (every /v1 route the app serves, with its methods) and the human docs; and on every response, a request id.
 */
import { describe, expect, it } from 'vitest';
import { sqliteOnly } from '../support/databases.js';
import { seedTenant, type Reply } from '../support/keyward.js';
import { keywardForSuite } from '../support/suite-keyward.js';
import { routeRecorder, type RouteEntry } from '../support/route-table.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The routes of this API table (SPEC §5): the document must list at least these. */
const SPEC_ROUTES: Record<string, string[]> = {
  '/v1/verify': ['post'],
  '/v1/me': ['get'],
  '/v1/tenants': ['get', 'post'],
  '/v1/tenants/{id}': ['get', 'patch'],
  '/v1/environments': ['get', 'post'],
  '/v1/environments/{id}': ['delete', 'get', 'patch'],
  '/v1/users': ['get', 'post'],
  '/v1/users/{id}': ['delete', 'get', 'patch'],
  '/v1/keys': ['get', 'post'],
  '/v1/keys/{id}': ['get', 'patch'],
  '/v1/keys/{id}/revoke': ['post'],
};

/** Every route the app serves under /v1, as `path -> methods`, in OpenAPI's `{param}` syntax. */
function servedV1Routes(routes: readonly RouteEntry[]): Record<string, string[]> {
  const served: Record<string, string[]> = {};
  for (const route of routes) {
    if (!route.url.startsWith('/v1/')) continue;
    const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
    served[path] = [...(served[path] ?? []), route.method.toLowerCase()].sort();
  }
  return served;
}

// SQLite only (databases.ts): the OpenAPI document, docs and request ids are the same whatever the
// storage; /readyz on PostgreSQL is proved by the process suites (database-wait, database-faults).
describe.each(sqliteOnly())('meta endpoints on $name', (db) => {
  // The route table as the app built it, read by an onRoute hook added before any route.
  const recorder = routeRecorder();
  const kw = keywardForSuite(db, { onRoute: recorder.onRoute });

  const documentedV1 = async (): Promise<Record<string, string[]>> => {
    const spec = await kw.client().get('/openapi.json');
    const paths = spec.body.paths as Record<string, Record<string, unknown>>;
    return Object.fromEntries(
      Object.entries(paths)
        .filter(([path]) => path.startsWith('/v1/'))
        .map(([path, operations]) => [
          path,
          Object.keys(operations)
            .filter((method) => METHODS.includes(method))
            .sort(),
        ]),
    );
  };

  it('answers /healthz with 200 and no key', async () => {
    const reply = await kw.client().get('/healthz');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when storage answers', async () => {
    const reply = await kw.client().get('/readyz');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'ready' });
  });

  it('serves an OpenAPI 3.1.0 document at /openapi.json without a key', async () => {
    const reply = await kw.client().get('/openapi.json');
    expect(reply.status).toBe(200);
    expect(reply.body.openapi).toBe('3.1.0');
    expect(reply.body.info).toMatchObject({ title: 'Keyward' });
    expect(reply.body.components.securitySchemes).toHaveProperty('bearer');
  });

  it('documents every route of the API table with its methods', async () => {
    const documented = await documentedV1();
    for (const [path, methods] of Object.entries(SPEC_ROUTES)) {
      expect(documented[path], path).toEqual(expect.arrayContaining(methods));
    }
  });

  it('documents exactly the /v1 routes the server serves, with their methods', async () => {
    const served = servedV1Routes(recorder.routes());
    expect(Object.keys(served)).toEqual(expect.arrayContaining(Object.keys(SPEC_ROUTES)));
    expect(await documentedV1()).toEqual(served);
  });

  it('gives every documented operation a summary and its problem responses', async () => {
    const spec = (await kw.client().get('/openapi.json')).body;
    for (const [path, operations] of Object.entries(
      spec.paths as Record<string, Record<string, { summary?: string; responses?: Record<string, unknown> }>>,
    )) {
      if (!path.startsWith('/v1/')) continue;
      for (const [method, operation] of Object.entries(operations)) {
        expect(operation.summary, `${method} ${path}`).toBeTruthy();
        expect(Object.keys(operation.responses ?? {}), `${method} ${path}`).toEqual(
          expect.arrayContaining(['429', '503']),
        );
      }
    }
  });

  it('sends a browser opening the server address to the management UI', async () => {
    const reply = await kw.client().get('/');
    expect(reply.status).toBe(302);
    expect(reply.headers['location']).toBe('/ui');
  });

  it('answers /docs with an HTML page', async () => {
    let reply = await kw.client().get('/docs');
    for (let hops = 0; hops < 3 && reply.status >= 300 && reply.status < 400; hops++) {
      reply = await kw.client().get(new URL(String(reply.headers['location']), 'http://localhost/docs').pathname);
    }
    expect(reply.status).toBe(200);
    expect(String(reply.headers['content-type'])).toContain('text/html');
    expect(String(reply.body).toLowerCase()).toContain('<html');
  });

  it('puts an x-request-id on every response, success or failure, and the same id in problem bodies', async () => {
    const seeded = await seedTenant(kw, 'RequestIds');
    const replies: Reply[] = [
      await kw.client().get('/healthz'),
      await kw.client().get('/openapi.json'),
      await kw.client().post('/v1/verify', { key: seeded.adminKey }),
      await seeded.admin.post('/v1/users', { name: 'Rid', email: 'rid@requestids.example' }),
      await seeded.admin.post('/v1/users', { name: 'Bad', email: 'nope' }),
      await kw.client().get('/v1/me'),
      await seeded.admin.post('/v1/tenants', { name: 'Nope' }),
      await seeded.admin.get('/v1/nowhere'),
    ];
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 201, 400, 401, 403, 404]);
    const ids = replies.map((reply) => reply.headers['x-request-id']);
    for (const id of ids) expect(id).toMatch(/^req_\w+$/);
    expect(new Set(ids).size).toBe(ids.length);
    for (const reply of replies.filter((candidate) => candidate.status >= 400)) {
      expect(String(reply.headers['content-type'])).toContain('application/problem+json');
      expect(reply.body.requestId).toBe(reply.headers['x-request-id']);
    }
  });

  // Issue 28: a well-formed id is kept, so a proxy's id follows the request (test/http/request-ids.test.ts).
  it('keeps a well-formed request id sent by the client, and replaces one that is not', async () => {
    const kept = await kw
      .client()
      .raw({ method: 'GET', path: '/healthz', headers: { 'x-request-id': 'from-the-proxy' } });
    expect(kept.headers['x-request-id']).toBe('from-the-proxy');
    const replaced = await kw
      .client()
      .raw({ method: 'GET', path: '/healthz', headers: { 'x-request-id': 'forged id\twith spaces' } });
    expect(replaced.headers['x-request-id']).toMatch(/^req_/);
  });
});
