/**
 * Fastify's own failures (schema validation, malformed JSON, unknown routes, oversized bodies)
 * as problem details, so every 4xx/5xx body has the same shape. Unexpected errors are logged
 * with the request id and answered without their message.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import type { ErrorObject } from 'ajv';
import type { Problem } from '../../core/error-codes.js';
import { sendProblem } from '../problem.js';
import { isStorageUnavailable, unavailableDetail } from '../../storage/unavailable.js';

function fieldOf(error: ErrorObject, context: string | undefined): string {
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const params = error.params as Record<string, unknown>;
  const leaf =
    typeof params['missingProperty'] === 'string'
      ? params['missingProperty']
      : typeof params['additionalProperty'] === 'string'
        ? params['additionalProperty']
        : '';
  const parts = [path, leaf].filter((part) => part !== '');
  return parts.length > 0 ? parts.join('.') : (context ?? 'body');
}

function describe(error: ErrorObject, field: string, context: string): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown field "${field}" in ${context}`;
    case 'required':
      return `${field} is required in ${context}`;
    default:
      return `${field} ${error.message ?? 'is invalid'} in ${context}${error.keyword === 'enum' || error.keyword === 'const' ? ` (${JSON.stringify(params['allowedValues'] ?? params['allowedValue'])})` : ''}`;
  }
}

export function validationProblem(errors: ErrorObject[], context: string): Problem {
  // A union's branches each fail; the first error of the narrowest path says the most.
  const first = errors[0];
  if (first === undefined) return { code: 'VALIDATION', detail: `invalid ${context}` };
  const field = fieldOf(first, context);
  // A union of literals fails once per branch, each naming one value: said as the one list.
  const allowed = errors
    .filter((error) => error.keyword === 'const' && error.instancePath === first.instancePath)
    .map((error) => (error.params as { allowedValue?: unknown }).allowedValue);
  if (first.keyword === 'const' && allowed.length > 1) {
    return {
      code: 'VALIDATION',
      detail: `${field} must be one of ${allowed.map((value) => JSON.stringify(value)).join(', ')} in ${context}`,
      extra: { field, in: context },
    };
  }
  return { code: 'VALIDATION', detail: describe(first, field, context), extra: { field, in: context } };
}

function fromFastifyError(error: FastifyError): Problem | null {
  const status = error.statusCode ?? 500;
  if (status >= 500) return null;
  if (status === 404) return { code: 'NOT_FOUND', detail: 'no such route' };
  if (status === 429) return { code: 'RATE_LIMITED', detail: 'too many requests' };
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return { code: 'VALIDATION', detail: 'unsupported content type; send application/json', status };
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return { code: 'VALIDATION', detail: 'request body is too large', status };
  if (error.code === 'KEYWARD_NUL_CHARACTER') return { code: 'VALIDATION', detail: error.message, status: 400 };
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return { code: 'VALIDATION', detail: 'the JSON body is empty', status: 400 };
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return { code: 'VALIDATION', detail: 'the body is not valid JSON', status: 400 };
  return { code: 'VALIDATION', detail: 'the request is invalid', status };
}

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      return sendProblem(
        request,
        reply,
        validationProblem(error.validation as ErrorObject[], error.validationContext ?? 'body'),
      );
    }
    const problem = fromFastifyError(error);
    if (problem !== null) return sendProblem(request, reply, problem);
    if (isStorageUnavailable(error)) {
      request.log.warn({ err: error }, 'storage does not answer');
      return sendProblem(request, reply, { code: 'UNAVAILABLE', detail: unavailableDetail(error) });
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendProblem(request, reply, { code: 'INTERNAL', detail: 'an unexpected error occurred' });
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, { code: 'NOT_FOUND', detail: `no route for ${request.method} on this path` }),
  );
}
