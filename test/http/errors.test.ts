/**
 * Every failure answers one shape (SPEC §5): RFC 9457 problem details as
 * `application/problem+json`, with `code`, `requestId` (also the `x-request-id` header) and, for
 * a bad body, query or path, a `detail` and `field` naming what was wrong. Unknown fields are
 * rejected, never stripped, and a rejected request changes nothing.
 */
import { expectProblem } from '../support/problem.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { sqliteOnly } from '../support/databases.js';
import type { Client, Reply } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';

/** A 400 VALIDATION whose `field` and `detail` both name the field. */
function expectInvalidField(reply: Reply, field: string): void {
  expectProblem(reply, 400, 'VALIDATION');
  expect(reply.body.field).toBe(field);
  expect(reply.body.detail).toContain(field);
}

const newUser = { name: 'Bo', email: 'bo@errors.example' };

// SQLite only (databases.ts): problem bodies and request validation are decided before storage.
describe.each(sqliteOnly())('problem details on $name', (db) => {
  let admin: Client;
  const kw = keywardForSuite(db);
  const seeded = tenantForSuite(kw, 'Errors');
  beforeAll(async () => {
    admin = seeded.admin;
  });

  const postRaw = (payload: string, contentType = 'application/json') =>
    admin.raw({ method: 'POST', path: '/v1/users', headers: { 'content-type': contentType }, payload });

  it('answers a body that is not JSON with 400 VALIDATION', async () => {
    const reply = await postRaw('{"name": "Bo", ');
    expectProblem(reply, 400, 'VALIDATION');
    expect(reply.body.detail).toContain('JSON');
  });

  it('answers a field of the wrong type with 400 naming the field', async () => {
    expectInvalidField(await admin.post('/v1/users', { ...newUser, name: 42 }), 'name');
  });

  it('does not coerce a body value to the expected type', async () => {
    const reply = await admin.patch(`/v1/keys/${seeded.adminKeyId}`, { enabled: 'false' });
    expectInvalidField(reply, 'enabled');
    expect((await admin.get(`/v1/keys/${seeded.adminKeyId}`)).body.enabled).toBe(true);
  });

  it('names every allowed value of a field that takes one of a few, not only the first', async () => {
    const kind = await admin.post('/v1/keys', { name: 'x', kind: 'robot' });
    expectInvalidField(kind, 'kind');
    expect(kind.body.detail).toBe('kind must be one of "user", "application" in body');
    const interval = await admin.post('/v1/keys', {
      name: 'x',
      kind: 'application',
      credits: { remaining: 1, refill: { amount: 1, interval: 'week' } },
    });
    expectInvalidField(interval, 'credits.refill.interval');
    expect(interval.body.detail).toBe('credits.refill.interval must be one of "day", "month" in body');
  });

  it('rejects an unknown field with 400 naming it, rather than stripping it', async () => {
    const reply = await admin.post('/v1/users', { ...newUser, nickname: 'bobby' });
    expectInvalidField(reply, 'nickname');
    expect(reply.body.detail).toContain('unknown field');
  });

  it('answers a missing required field with 400 naming it', async () => {
    const reply = await admin.post('/v1/users', { name: 'Bo' });
    expectInvalidField(reply, 'email');
    expect(reply.body.detail).toContain('required');
  });

  it('answers a query value out of range (limit=101) with 400 naming it', async () => {
    const reply = await admin.get('/v1/users?limit=101');
    expectInvalidField(reply, 'limit');
    expect(reply.body.in).toBe('querystring');
  });

  it('answers a limit that is not a number with 400 naming it', async () => {
    expectInvalidField(await admin.get('/v1/keys?limit=many'), 'limit');
  });

  it('answers an unknown query parameter with 400 naming it', async () => {
    expectInvalidField(await admin.get('/v1/users?sort=name'), 'sort');
  });

  it('answers a path id that is not an id of its kind with 400 naming it', async () => {
    for (const path of ['/v1/keys/nope', `/v1/keys/${seeded.adminUserId}`, `/v1/users/${seeded.adminKeyId}`]) {
      const reply = await admin.get(path);
      expectInvalidField(reply, 'id');
      expect(reply.body.in).toBe('params');
    }
  });

  it('answers an unknown route with 404 NOT_FOUND, with a key or without', async () => {
    for (const client of [admin, kw.client()]) {
      const reply = await client.get('/v1/widgets');
      expectProblem(reply, 404, 'NOT_FOUND');
      expect(reply.body.detail).toContain('GET');
    }
  });

  it('answers a method a path does not serve with 404 NOT_FOUND', async () => {
    expectProblem(await admin.delete(`/v1/keys/${seeded.adminKeyId}`), 404, 'NOT_FOUND');
  });

  it('answers an unsupported content type with 415 VALIDATION', async () => {
    const reply = await postRaw('name=Bo&email=bo@errors.example', 'application/x-www-form-urlencoded');
    expectProblem(reply, 415, 'VALIDATION');
    expect(reply.body.detail).toContain('application/json');
  });

  it('answers a body over 64 KiB with 413 VALIDATION', async () => {
    const reply = await postRaw(JSON.stringify({ ...newUser, name: 'x'.repeat(65 * 1024) }));
    expectProblem(reply, 413, 'VALIDATION');
    expect(reply.body.detail).toContain('too large');
  });

  it('answers a cursor it did not give out with 400 naming it', async () => {
    for (const cursor of ['bm9wZQ', '!!!', Buffer.from('usr_../../etc').toString('base64url')]) {
      expectInvalidField(await admin.get(`/v1/users?cursor=${encodeURIComponent(cursor)}`), 'cursor');
    }
  });

  it('answers a bad request with a fresh request id each time', async () => {
    const first = await admin.get('/v1/users?limit=0');
    const second = await admin.get('/v1/users?limit=0');
    expect(first.body.requestId).not.toBe(second.body.requestId);
  });

  it('changes nothing when it rejects a request', async () => {
    const snapshot = async () =>
      Promise.all(
        ['/v1/users', '/v1/keys', '/v1/environments', `/v1/tenants/${seeded.tenantId}`].map(
          async (path) => (await admin.get(path)).body,
        ),
      );
    const before = await snapshot();
    const rejected = [
      await postRaw('{"name":'),
      await admin.post('/v1/users', { ...newUser, role: 'owner' }),
      await admin.post('/v1/users', { ...newUser, nickname: 'bobby' }),
      await admin.post('/v1/keys', {
        name: 'svc',
        kind: 'application',
        permissions: ['functions.execute'],
        scopes: ['agent:commander'],
      }),
      await admin.post('/v1/keys', { name: 'svc', kind: 'application', expiresInDays: 0 }),
      await admin.post('/v1/environments', { name: 'staging', keyPrefix: 'Not_A_Prefix' }),
      await admin.patch(`/v1/tenants/${seeded.tenantId}`, { name: 'Renamed', colour: 'red' }),
      await admin.patch(`/v1/keys/${seeded.adminKeyId}`, { name: 'renamed', enabled: 'no' }),
      await postRaw(JSON.stringify({ ...newUser, name: 'x'.repeat(65 * 1024) })),
    ];
    for (const reply of rejected) expect(reply.status, JSON.stringify(reply.body)).toBeGreaterThanOrEqual(400);
    expect(await snapshot()).toEqual(before);
  });
});
