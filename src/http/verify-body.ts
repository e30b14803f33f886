/**
 * The verify request's body checked by hand (issue 27): the TypeBox schema (`VerifyBody`) still
 * documents it in OpenAPI and stays the judge of every refusal, but a body it accepts is
 * recognised here with a few `typeof` tests and the schema's own patterns, without Ajv's general
 * validator on the hot path. A body refused here is handed to the schema's compiled validator,
 * so a bad request gets the very 400 it got before (same error, same field); if the two ever
 * disagreed, the schema's verdict is the one that stands. verify-body.test.ts holds both to the
 * same verdicts on a table of inputs.
 */
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { VerifyInput } from '../api/verify.js';

// The schema's patterns, compiled as Ajv compiles them (the `u` flag).
const PERMISSION = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/u;
const MODEL_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/u;
const RESOURCE_ID = /^res_[0-9a-z]{26}$/u;
const CLIENT_IP = /^[0-9A-Fa-f:.]{2,45}$/u;
const TAG = /^[A-Za-z0-9_.:-]{1,64}=[!-~]{0,128}$/u;

/** Length in code points, as JSON Schema (and Ajv) counts `minLength` and `maxLength`. */
function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** A string of `min` to `max` characters (code points); `text.length` decides it unless surrogates are near the bound. */
function sized(value: unknown, min: number, max: number): value is string {
  if (typeof value !== 'string') return false;
  if (value.length >= min && value.length <= max) return true;
  if (value.length < min) return false;
  const length = codePoints(value);
  return length >= min && length <= max;
}

function matches(value: unknown, pattern: RegExp, max: number): boolean {
  return typeof value === 'string' && pattern.test(value) && sized(value, 0, max);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isResource(value: unknown): boolean {
  if (!isPlainObject(value) || !('type' in value)) return false;
  for (const field in value) {
    const inner = value[field];
    if (field === 'type') {
      if (!matches(inner, MODEL_NAME, 64)) return false;
    } else if (field === 'id') {
      if (typeof inner !== 'string' || !RESOURCE_ID.test(inner)) return false;
    } else if (field === 'externalId') {
      if (!sized(inner, 1, 200)) return false;
    } else return false;
  }
  return true;
}

function isTags(value: unknown): boolean {
  if (!Array.isArray(value) || value.length > 20) return false;
  for (let i = 0; i < value.length; i++) {
    const tag: unknown = value[i];
    if (typeof tag !== 'string' || !TAG.test(tag)) return false;
    for (let j = 0; j < i; j++) if (value[j] === tag) return false;
  }
  return true;
}

/** Whether `body` is a `VerifyBody`: true only where the schema says yes. */
export function isVerifyBody(body: unknown): body is VerifyInput {
  if (!isPlainObject(body) || !('key' in body)) return false;
  for (const field in body) {
    const value = body[field];
    switch (field) {
      case 'key':
        if (!sized(value, 1, 512)) return false;
        break;
      case 'permission':
        if (!matches(value, PERMISSION, 100)) return false;
        break;
      case 'action':
        if (!matches(value, MODEL_NAME, 64)) return false;
        break;
      case 'resource':
        if (!isResource(value)) return false;
        break;
      case 'clientIp':
        if (typeof value !== 'string' || !CLIENT_IP.test(value)) return false;
        break;
      case 'tags':
        if (!isTags(value)) return false;
        break;
      case 'cost':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1_000_000) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

type Validate = ((data: unknown) => boolean) & { errors?: FastifySchemaValidationError[] | null };

/**
 * A route's `validatorCompiler` for the verify body: `isVerifyBody` first, and the schema's own
 * validator (from `compile`, the app's compiler) for whatever it does not accept.
 */
export function verifyBodyCompiler(
  compiler: () => FastifySchemaCompiler<unknown> | undefined,
): FastifySchemaCompiler<unknown> {
  return (route) => {
    const compile = compiler();
    if (compile === undefined) throw new Error('verify body: the app has no validator compiler to judge refusals');
    const schemaCheck = compile(route) as Validate;
    if (route.httpPart !== 'body') return schemaCheck;
    const validate: Validate = (data) => {
      if (isVerifyBody(data)) return true;
      const valid = schemaCheck(data);
      validate.errors = schemaCheck.errors;
      return valid;
    };
    return validate;
  };
}
