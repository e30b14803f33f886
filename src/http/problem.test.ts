/**
 * The error-code table as a caller meets it: every failure a service returns is answered with
 * the code's HTTP status as RFC 9457 problem+json naming the code, the request id in the body and
 * the header; a problem's own status wins; its extra members never replace the standard ones.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode, fail, ok, type Problem } from '../core/error-codes.js';
import { PROBLEM_CONTENT_TYPE, sendProblem, sendResult } from './problem.js';

const FAILURES = (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => code !== 'VALID');

describe('a problem answered over HTTP', () => {
  let app: FastifyInstance;
  /** The problem the next request answers with. */
  let next: Problem;
  beforeAll(async () => {
    let requests = 0;
    app = Fastify({ genReqId: () => `req_${++requests}` });
    app.get('/problem', (request, reply) => sendProblem(request, reply, next));
    app.get('/result/:outcome', (request, reply) => {
      const { outcome } = request.params as { outcome: string };
      return sendResult(
        request,
        reply,
        outcome === 'ok' ? ok({ id: 'ten_1' }) : fail('CONFLICT', 'the name is taken', { field: 'name' }),
        201,
      );
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it.each(FAILURES)('answers %s with its status, an error status, as problem+json naming the code', async (code) => {
    next = { code, detail: `why ${code}` };
    const reply = await app.inject({ method: 'GET', url: '/problem' });
    expect(reply.statusCode).toBe(ERROR_CODES[code].status);
    expect(reply.statusCode).toBeGreaterThanOrEqual(400);
    expect(reply.statusCode).toBeLessThan(600);
    expect(reply.headers['content-type']).toMatch(new RegExp(`^${PROBLEM_CONTENT_TYPE.replace('+', '\\+')}`));
    const body = reply.json();
    expect(body).toEqual({
      type: `urn:keyward:problem:${code.toLowerCase()}`,
      title: ERROR_CODES[code].title,
      status: reply.statusCode,
      detail: `why ${code}`,
      code,
      requestId: expect.stringMatching(/^req_\d+$/),
    });
    expect(reply.headers['x-request-id']).toBe(body.requestId);
  });

  it("answers with the problem's own status where it has one (an unknown bearer key is 401, not 404)", async () => {
    next = { code: 'NOT_FOUND', detail: 'no such key', status: 401 };
    const reply = await app.inject({ method: 'GET', url: '/problem' });
    expect(reply.statusCode).toBe(401);
    expect(reply.json()).toMatchObject({ status: 401, code: 'NOT_FOUND', title: ERROR_CODES.NOT_FOUND.title });
  });

  it('adds the extra members, which never replace the code, status, detail or request id', async () => {
    next = {
      code: 'FORBIDDEN',
      detail: 'lacks users.manage',
      extra: { missing: { permission: 'users.manage' }, code: 'VALID', status: 200, detail: 'ok', requestId: 'forged' },
    };
    const reply = await app.inject({ method: 'GET', url: '/problem' });
    expect(reply.statusCode).toBe(403);
    expect(reply.json()).toMatchObject({
      missing: { permission: 'users.manage' },
      code: 'FORBIDDEN',
      status: 403,
      detail: 'lacks users.manage',
      requestId: reply.headers['x-request-id'],
    });
  });

  it('sends a success with the given status and a failure as its problem', async () => {
    const created = await app.inject({ method: 'GET', url: '/result/ok' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ id: 'ten_1' });
    const refused = await app.inject({ method: 'GET', url: '/result/fail' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'CONFLICT', detail: 'the name is taken', field: 'name' });
  });
});
