/**
 * The OpenAPI document is one that generators accept: valid OpenAPI 3.1, every operation named
 * (`operationId`, camelCase verb + noun) and summarised, every error a problem+json response of
 * its own status, and no key asked where none is needed. A route added without an operationId
 * fails here.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteOnly } from '../support/databases.js';
import { startKeyward, type TestKeyward } from '../support/keyward.js';

interface Operation {
  operationId?: string;
  summary?: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, unknown> }>;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);
// The document is the routes', whatever the storage: SQLite only (databases.ts), by its named way.
const [sqlite] = sqliteOnly();

describe('the OpenAPI document', () => {
  let kw: TestKeyward;
  let spec: { paths: Record<string, Record<string, Operation>>; security?: unknown[] };
  const operations = (): [string, Operation][] =>
    Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method]) => METHODS.has(method))
        .map(([method, operation]): [string, Operation] => [`${method.toUpperCase()} ${path}`, operation]),
    );
  const operation = (name: string): Operation => {
    const found = operations().find(([label]) => label === name);
    if (found === undefined) throw new Error(`${name} is not documented`);
    return found[1];
  };

  beforeAll(async () => {
    if (sqlite === undefined) throw new Error('SQLite is always there');
    kw = await startKeyward(sqlite);
    spec = (await kw.client().get('/openapi.json')).body;
  });
  afterAll(async () => {
    await kw.close();
  });

  it('is valid OpenAPI 3.1 for a schema validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(spec);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('gives every operation a unique camelCase verb-noun operationId', () => {
    const missing = operations()
      .filter(([, op]) => op.operationId === undefined)
      .map(([label]) => label);
    expect(missing, 'routes without schema.operationId').toEqual([]);
    const ids = operations().map(([, op]) => op.operationId);
    for (const id of ids)
      expect(id).toMatch(
        /^(get|list|create|update|delete|add|remove|rotate|revoke|verify|enrol|confirm|reset|import|redeliver|test|export)[A-Z][A-Za-z]*$/,
      );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('names the key operations as client generators expect', () => {
    expect(operation('GET /v1/keys').operationId).toBe('listKeys');
    expect(operation('POST /v1/keys').operationId).toBe('createKey');
    expect(operation('GET /v1/keys/{id}').operationId).toBe('getKey');
    expect(operation('PATCH /v1/keys/{id}').operationId).toBe('updateKey');
    expect(operation('POST /v1/keys/{id}/rotate').operationId).toBe('rotateKey');
    expect(operation('POST /v1/keys/{id}/revoke').operationId).toBe('revokeKey');
    expect(operation('GET /v1/keys/{id}/usage').operationId).toBe('getKeyUsage');
    expect(operation('POST /v1/verify').operationId).toBe('verifyKey');
    expect(operation('GET /v1/me').operationId).toBe('getMe');
    expect(operation('GET /v1/model').operationId).toBe('getModel');
  });

  it('gives every operation a summary', () => {
    for (const [label, op] of operations()) expect(op.summary, label).toBeTruthy();
  });

  it('documents each error status on its own, as application/problem+json, with no 4XX/5XX catch-all', () => {
    for (const [label, op] of operations()) {
      const statuses = Object.keys(op.responses);
      expect(
        statuses.filter((status) => /xx$/i.test(status)),
        label,
      ).toEqual([]);
      for (const status of statuses.filter((candidate) => Number(candidate) >= 400)) {
        expect(Object.keys(op.responses[status]?.content ?? {}), `${label} ${status}`).toEqual([
          'application/problem+json',
        ]);
      }
    }
  });

  it('lists the statuses a management route can answer', () => {
    const statuses = (name: string) => Object.keys(operation(name).responses).sort();
    expect(statuses('POST /v1/keys')).toEqual(['201', '400', '401', '403', '404', '409', '429', '503']);
    expect(statuses('GET /v1/keys/{id}')).toEqual(['200', '400', '401', '403', '404', '429', '503']);
    expect(statuses('GET /v1/me')).toEqual(['200', '401', '429', '503']);
    expect(statuses('POST /v1/verify')).toEqual(['200', '400', '429', '503']);
  });

  it('documents that /readyz answers 503 when the node is not ready', () => {
    expect(Object.keys(operation('GET /readyz').responses).sort()).toEqual(['200', '503']);
  });

  it('asks for a bearer key everywhere but on verify, leaked-key reports, SSO sign-in, health and metrics', () => {
    expect(spec.security).toEqual([{ bearer: [] }]);
    const keyless = [
      'POST /v1/verify',
      'POST /v1/leaked-keys',
      'GET /v1/sso/start',
      'GET /v1/sso/callback',
      'GET /v1/sso/pending',
      'POST /v1/sso/complete',
      'GET /v1/sso/operator',
      'GET /v1/sso/options',
      'POST /v1/sso/token',
    ];
    for (const name of [...keyless, 'GET /healthz', 'GET /readyz', 'GET /metrics'])
      expect(operation(name).security, name).toEqual([]);
    for (const [label, op] of operations().filter(([label]) => label.includes(' /v1/') && !keyless.includes(label))) {
      expect(op.security, label).toBeUndefined();
    }
  });
});
