/**
 * A caller's well-formed `X-Request-Id` is kept: echoed in the answer, in a problem's `requestId`
 * and in the log line; one too long or with characters outside the safe set is replaced by an id
 * of Keyward's own.
 */
import { describe, expect, it } from 'vitest';
import { sqliteOnly } from '../support/databases.js';
import { keywardForSuite } from '../support/suite-keyward.js';

describe.each(sqliteOnly())('X-Request-Id on $name', (db) => {
  const kw = keywardForSuite(db);

  const send = (path: string, id: string, method = 'GET', payload?: string) =>
    kw.client(kw.rootKey).raw({
      method,
      path,
      headers: { 'x-request-id': id, 'content-type': 'application/json' },
      ...(payload === undefined ? {} : { payload }),
    });

  it('keeps a well-formed id: in the answer, the problem body and the log', async () => {
    const id = 'edge-7f3c2a9e-4b1d-4c8e-9a0f-123456789abc';
    const listed = await send('/v1/tenants', id);
    expect(listed.status).toBe(200);
    expect(listed.headers['x-request-id']).toBe(id);
    const missing = await send(
      '/v1/tenants/ten_00000000000000000000000000',
      'trace:00-4bf92f3577b34da6a3ce929d0e0e4736',
    );
    expect(missing.status).toBe(404);
    expect(missing.headers['x-request-id']).toBe('trace:00-4bf92f3577b34da6a3ce929d0e0e4736');
    expect(missing.body.requestId).toBe('trace:00-4bf92f3577b34da6a3ce929d0e0e4736');
    expect(kw.logText()).toContain(`"reqId":"${id}"`);
  });

  it('keeps it on verify too', async () => {
    const verified = await send('/v1/verify', 'verify-call-1', 'POST', JSON.stringify({ key: 'kw_nosuchkey' }));
    expect(verified.status).toBe(200);
    expect(verified.headers['x-request-id']).toBe('verify-call-1');
  });

  it('replaces one that is too long or has characters outside the safe set', async () => {
    for (const bad of ['x'.repeat(129), 'has space', 'quote"d', 'semi;colon', '<script>', 'é']) {
      const reply = await send('/v1/tenants', bad);
      expect(reply.headers['x-request-id'], bad).toMatch(/^req_[0-9A-Za-z]+$/);
    }
    expect((await send('/v1/tenants', 'x'.repeat(128))).headers['x-request-id']).toBe('x'.repeat(128));
  });

  it('makes its own when none is sent, different for each request', async () => {
    const first = await kw.client(kw.rootKey).get('/v1/tenants');
    const second = await kw.client(kw.rootKey).get('/v1/tenants');
    expect(first.headers['x-request-id']).toMatch(/^req_/);
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
  });
});
