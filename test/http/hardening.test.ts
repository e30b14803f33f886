/**
 * Security review, the low items (issue 11 items 8, 9, 11, 12): bad input is a 4xx problem, never
 * a 500; no key reaches a log whatever URL it came in; X-Forwarded-For is read only from the
 * proxies named; the docs page has the UI's headers; a taken externalId is named as such.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sqliteOnly, testDatabases } from '../support/databases.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created, expectProblem } from '../support/problem.js';

/** `{"a":{"a":…{}…}}`, `depth` levels deep, as JSON text. */
function nested(depth: number): string {
  return '{"a":'.repeat(depth) + '{}' + '}'.repeat(depth);
}

// SQLite only (databases.ts): input limits, log and header hygiene are decided before storage. A taken
// externalId, named from the database's own unique violation, runs on both (below).
describe.each(sqliteOnly())('hardening on $name', (db) => {
  const kw = keywardForSuite(db);
  const seeded = tenantForSuite(kw, 'Hardening');

  describe('bad input is a 4xx problem', () => {
    it('answers 5 000 levels of nested metadata with 400 VALIDATION naming metadata', async () => {
      const payload = `{"type":"agent","name":"deep","metadata":${nested(5000)}}`;
      const reply = await seeded.admin.raw({
        method: 'POST',
        path: '/v1/resources',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expectProblem(reply, 400, 'VALIDATION');
      expect(reply.body.field).toBe('metadata');
    });

    it('answers 5 000 levels of nested metadata on a key with 400 VALIDATION', async () => {
      const payload = `{"name":"deep","kind":"application","metadata":${nested(5000)}}`;
      expectProblem(
        await seeded.admin.raw({
          method: 'POST',
          path: '/v1/keys',
          headers: { 'content-type': 'application/json' },
          payload,
        }),
        400,
        'VALIDATION',
      );
    });

    it('accepts metadata nested a few levels', async () => {
      created(
        await seeded.admin.post('/v1/resources', { type: 'agent', name: 'shallow', metadata: JSON.parse(nested(8)) }),
      );
    });

    it('answers a path parameter too long for the router with a 414 problem', async () => {
      expectProblem(await seeded.admin.get(`/v1/keys/key_${'x'.repeat(5000)}`), 414, 'VALIDATION');
    });

    it('answers a malformed percent-encoding in the path with a 400 problem', async () => {
      expectProblem(await seeded.admin.get('/v1/keys/%E0%A4%A'), 400, 'VALIDATION');
    });

    it('answers a request whose headers are too large for Node’s parser with a 431 problem', async () => {
      const address = await kw.keyward.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = new URL(address);
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () =>
          socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
        );
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
      expect(raw).toMatch(/^HTTP\/1\.1 431 /);
      expect(raw.toLowerCase()).toContain('content-type: application/problem+json');
      expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 431, code: 'VALIDATION' });
    });

    it('answers a verify with a clientIp that is not an IP address with 400 VALIDATION, and stores nothing', async () => {
      const key = created(await seeded.admin.post('/v1/keys', { name: 'ip', kind: 'application' }));
      const reply = await kw.client().post('/v1/verify', { key: key.key, clientIp: '::::::::' });
      expectProblem(reply, 400, 'VALIDATION');
      expect(reply.body.field).toBe('clientIp');
      await kw.keyward.usage.flush();
      expect((await seeded.admin.get(`/v1/keys/${key.id}/usage`)).body.lastUsedIp).toBeNull();
    });

    it('accepts IPv4 and IPv6 clientIp values', async () => {
      for (const clientIp of ['203.0.113.7', '2001:db8::1', '::ffff:192.0.2.1']) {
        expect((await kw.client().post('/v1/verify', { key: seeded.adminKey, clientIp })).body.code, clientIp).toBe(
          'VALID',
        );
      }
    });
  });

  describe('no key in the log', () => {
    it('never logs a key sent in a query string', async () => {
      const { key } = created(await seeded.admin.post('/v1/keys', { name: 'query', kind: 'application' }));
      expectProblem(await kw.client().get(`/v1/me?key=${key}`), 401, 'UNAUTHENTICATED');
      await kw.client().get(`/v1/keys?limit=1&token=${encodeURIComponent(key)}`);
      expect(kw.logText()).toContain('/v1/me');
      expect(kw.logText()).not.toContain(key);
    });

    it('never logs a key sent as a path segment, percent-encoded or not', async () => {
      const { key } = created(await seeded.admin.post('/v1/keys', { name: 'path', kind: 'application' }));
      expectProblem(await seeded.admin.get(`/v1/keys/${key}`), 400, 'VALIDATION');
      await kw.client().get(`/nowhere/${key.replace('_', '%5F')}`);
      expect(kw.logText()).toContain('/nowhere/');
      expect(kw.logText()).not.toContain(key.slice(key.indexOf('_') + 1));
    });
  });

  describe('the docs page', () => {
    it('has a content security policy that forbids framing, and the UI’s other headers', async () => {
      const reply = await kw.client().get('/docs/');
      expect(reply.status).toBe(200);
      expect(String(reply.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
      expect(String(reply.headers['content-security-policy'])).toContain("default-src 'self'");
      expect(reply.headers['x-frame-options']).toBe('DENY');
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['referrer-policy']).toBe('no-referrer');
    });
  });
});

describe.each(testDatabases())('hardening on $name', (db) => {
  const kw = keywardForSuite(db);
  const seeded = tenantForSuite(kw, 'Hardening');

  describe('a taken externalId', () => {
    it('answers 409 CONFLICT naming the externalId, not a retry', async () => {
      created(await seeded.admin.post('/v1/resources', { type: 'agent', name: 'first', externalId: 'ext-taken' }));
      const reply = await seeded.admin.post('/v1/resources', {
        type: 'agent',
        name: 'second',
        externalId: 'ext-taken',
      });
      expectProblem(reply, 409, 'CONFLICT');
      expect(reply.body.field).toBe('externalId');
      expect(reply.body.detail).toContain('ext-taken');
      expect(reply.body.detail).not.toMatch(/retry/i);
    });

    it('answers a PATCH taking another resource’s externalId with 409 naming it', async () => {
      created(await seeded.admin.post('/v1/resources', { type: 'agent', name: 'holder', externalId: 'ext-held' }));
      const other = created(await seeded.admin.post('/v1/resources', { type: 'agent', name: 'taker' }));
      const reply = await seeded.admin.patch(`/v1/resources/${other.id}`, { externalId: 'ext-held' });
      expectProblem(reply, 409, 'CONFLICT');
      expect(reply.body.field).toBe('externalId');
      expect(reply.body.detail).toContain('ext-held');
    });

    it('lets a resource PATCH its own externalId to itself', async () => {
      const own = created(
        await seeded.admin.post('/v1/resources', { type: 'agent', name: 'own', externalId: 'ext-own' }),
      );
      expect(
        (await seeded.admin.patch(`/v1/resources/${own.id}`, { externalId: 'ext-own', name: 'own2' })).status,
      ).toBe(200);
    });
  });
});
