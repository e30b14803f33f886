/**
 * Request validation with Ajv: bodies are taken exactly as sent (no type coercion, unknown
 * fields rejected, never silently removed); query strings and path parameters are coerced, since
 * they arrive as text. No text anywhere may hold a NUL character: PostgreSQL cannot store one,
 * and a 500 (or a poisoned usage batch) is not how a bad request should end.
 */
import { Ajv, type Options } from 'ajv';
import formatsPlugin from 'ajv-formats';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { sendProblem } from '../problem.js';
import { addOffHotPath } from './route-hooks.js';

// ajv-formats is CommonJS with a default export; under NodeNext its callable is `.default`.
const addFormats = formatsPlugin.default;

/** The Ajv of request parts: `coerce` for query strings and path parameters, never for bodies. */
export function makeAjv(coerce: boolean): Ajv {
  const options: Options = {
    allErrors: false,
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: coerce,
    strict: false,
  };
  const ajv = new Ajv(options);
  addFormats(ajv);
  return ajv;
}

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).some(([key, inner]) => key.includes('\u0000') || holdsNul(inner));
  return false;
}

/** A body schema every field of which is optional: sending no body means sending `{}`. */
function acceptsEmptyBody(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  const { type, required } = schema as { type?: unknown; required?: unknown };
  return type === 'object' && (!Array.isArray(required) || required.length === 0);
}

const NUL_DETAIL = 'text may not contain NUL (U+0000) characters';

/** Fastify answers an error with `statusCode` 400 through the error handler (plugins/errors.ts). */
class NulCharacterError extends Error {
  readonly statusCode = 400;
  readonly code = 'KEYWARD_NUL_CHARACTER';
  constructor() {
    super(NUL_DETAIL);
  }
}

// One pair per process, not one per app: Ajv keeps what it compiled keyed by the schema object,
// and route schemas are module constants, so a second app in the process (each test suite starts
// several) reuses the first one's validators instead of compiling every route again. Same options,
// same schemas: an app cannot tell the difference.
let shared: { readonly strict: Ajv; readonly coercing: Ajv } | undefined;

export function registerValidation(app: FastifyInstance): void {
  // An empty body sent as JSON (curl -X POST … -H 'Content-Type: application/json') means "no
  // body", not a parse error. A NUL can only arrive in JSON as the escape \u0000, so the parsed
  // value is searched only when the text holds one: the verify path pays a string scan, no more.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') return done(null, undefined);
    // The common case hands Fastify's callback straight on: no closure per request.
    if (!text.includes('\\u0000')) return parseJson(request, text, done);
    parseJson(request, text, (error: Error | null, value: unknown) => {
      if (error === null && holdsNul(value)) return done(new NulCharacterError(), undefined);
      done(error, value);
    });
  });
  // Verify (the hot path) takes a fixed URL and a body with a required field: neither applies.
  addOffHotPath(app, {
    preValidation: (request, reply, done) => {
      // In a path or query string a NUL arrives as %00.
      if (request.url.includes('%00')) {
        sendProblem(request, reply, { code: 'VALIDATION', detail: NUL_DETAIL });
        return;
      }
      // `curl -X POST …/rotate` with no body is the same request as one with `{}`.
      if (request.body === undefined && acceptsEmptyBody(request.routeOptions.schema?.body)) request.body = {};
      done();
    },
  });
  shared ??= { strict: makeAjv(false), coercing: makeAjv(true) };
  const { strict, coercing } = shared;
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    return ajv.compile(schema as FastifySchema & object);
  });
}
