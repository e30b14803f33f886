/**
 * Request validation with Ajv: bodies are taken exactly as sent (no type coercion, unknown
 * fields rejected, never silently removed); query strings and path parameters are coerced, since
 * they arrive as text.
 */
import { Ajv, type Options } from 'ajv';
import formatsPlugin from 'ajv-formats';
import type { FastifyInstance, FastifySchema } from 'fastify';

// ajv-formats is CommonJS with a default export; under NodeNext its callable is `.default`.
const addFormats = formatsPlugin.default;

function makeAjv(coerce: boolean): Ajv {
  const options: Options = { allErrors: false, removeAdditional: false, useDefaults: true, coerceTypes: coerce, strict: false };
  const ajv = new Ajv(options);
  addFormats(ajv);
  return ajv;
}

export function registerValidation(app: FastifyInstance): void {
  const strict = makeAjv(false);
  const coercing = makeAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    return ajv.compile(schema as FastifySchema & object);
  });
}
