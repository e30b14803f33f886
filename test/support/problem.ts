/** The shape every refusal has (RFC 9457 with `code` and `requestId`), and of a creation, asserted in one place. */
import { expect } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../src/core/error-codes.js';
import type { Reply } from './keyward.js';

export function expectProblem(reply: Reply, status: number, code: ErrorCode): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(reply.body).toMatchObject({
    type: `urn:keyward:problem:${code.toLowerCase()}`,
    title: ERROR_CODES[code].title,
    status,
    code,
  });
  expect(reply.body.requestId).toMatch(/^req_/);
  expect(reply.headers['x-request-id']).toBe(reply.body.requestId);
}

/** The body of a 201, failing the test with the reply when it is anything else. */
export function created(reply: Reply): any {
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body;
}
