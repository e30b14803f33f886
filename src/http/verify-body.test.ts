import type { FastifySchemaValidationError } from 'fastify';
import { describe, expect, it } from 'vitest';
import { VerifyBody } from '../api/verify.js';
import { makeAjv } from './plugins/validation.js';
import { isVerifyBody, verifyBodyCompiler } from './verify-body.js';

// The schema's validator exactly as the app compiles a body's (plugins/validation.ts).
const schemaCheck = makeAjv(false).compile(VerifyBody);

const KEY = 'kw_0123456789ABCDEFGHIJKLMNOPQRSTUVabcdef';
const RES = `res_${'a'.repeat(26)}`;
const emoji = '😀';

/** Bodies the schema refuses, one per rule it holds, and bodies it accepts at every bound. */
const TABLE: [string, unknown][] = [
  // What the body is
  ['no body', null],
  ['a string', 'key'],
  ['a number', 1],
  ['an array', [KEY]],
  ['an empty object', {}],
  ['true', true],
  // key
  ['key only', { key: KEY }],
  ['key empty', { key: '' }],
  ['key of one character', { key: 'k' }],
  ['key of 512', { key: 'k'.repeat(512) }],
  ['key of 513', { key: 'k'.repeat(513) }],
  ['key of 512 emoji (1 024 UTF-16 units)', { key: emoji.repeat(512) }],
  ['key of 513 emoji', { key: emoji.repeat(513) }],
  ['key of 511 emoji and a lone high surrogate', { key: `${emoji.repeat(511)}\ud83d` }],
  ['key of 512 emoji and a lone low surrogate', { key: `${emoji.repeat(512)}\ude00` }],
  ['key a number', { key: 12 }],
  ['key null', { key: null }],
  ['key an object', { key: { value: KEY } }],
  ['key an array', { key: [KEY] }],
  ['unknown field', { key: KEY, extra: 1 }],
  ['unknown field named like a prototype member', { key: KEY, toString: 'x' }],
  ['field named with a different case', { key: KEY, Permission: 'a.b' }],
  ['no key but the rest', { permission: 'functions.execute' }],
  // permission
  ['permission', { key: KEY, permission: 'functions.execute' }],
  ['permission of one segment', { key: KEY, permission: 'admin' }],
  ['permission with an empty segment', { key: KEY, permission: 'functions..execute' }],
  ['permission ending in a dot', { key: KEY, permission: 'functions.' }],
  ['permission starting with a digit', { key: KEY, permission: '1functions' }],
  ['permission with a dash', { key: KEY, permission: 'functions.ex-ecute' }],
  ['permission with a trailing newline', { key: KEY, permission: 'functions\n' }],
  ['permission of 100', { key: KEY, permission: `a${'b'.repeat(99)}` }],
  ['permission of 101', { key: KEY, permission: `a${'b'.repeat(100)}` }],
  ['permission empty', { key: KEY, permission: '' }],
  ['permission not a string', { key: KEY, permission: ['functions.execute'] }],
  ['permission null', { key: KEY, permission: null }],
  ['permission not ASCII', { key: KEY, permission: 'fünctions' }],
  // action and resource
  ['action and resource type', { key: KEY, action: 'run', resource: { type: 'apiFunction' } }],
  ['action with _ and -', { key: KEY, action: 'a_b-c', resource: { type: 'x' } }],
  ['action starting with _', { key: KEY, action: '_run', resource: { type: 'x' } }],
  ['action of 64', { key: KEY, action: `a${'b'.repeat(63)}` }],
  ['action of 65', { key: KEY, action: `a${'b'.repeat(64)}` }],
  ['action empty', { key: KEY, action: '' }],
  ['action with a dot', { key: KEY, action: 'a.b' }],
  ['action a number', { key: KEY, action: 7 }],
  ['resource alone (the verifier pairs it, not the schema)', { key: KEY, resource: { type: 'x' } }],
  ['resource with id', { key: KEY, resource: { type: 'x', id: RES } }],
  ['resource with an id too short', { key: KEY, resource: { type: 'x', id: RES.slice(0, -1) } }],
  ['resource with an id in capitals', { key: KEY, resource: { type: 'x', id: RES.toUpperCase() } }],
  ['resource with an id of another prefix', { key: KEY, resource: { type: 'x', id: `key_${'a'.repeat(26)}` } }],
  ['resource with an id a number', { key: KEY, resource: { type: 'x', id: 5 } }],
  ['resource with externalId', { key: KEY, resource: { type: 'x', externalId: 'proj-1' } }],
  ['resource with externalId empty', { key: KEY, resource: { type: 'x', externalId: '' } }],
  ['resource with externalId of 200', { key: KEY, resource: { type: 'x', externalId: 'e'.repeat(200) } }],
  ['resource with externalId of 201', { key: KEY, resource: { type: 'x', externalId: 'e'.repeat(201) } }],
  ['resource with externalId of 200 emoji', { key: KEY, resource: { type: 'x', externalId: emoji.repeat(200) } }],
  ['resource with externalId of 201 emoji', { key: KEY, resource: { type: 'x', externalId: emoji.repeat(201) } }],
  [
    'resource with both (the verifier refuses it, not the schema)',
    { key: KEY, resource: { type: 'x', id: RES, externalId: 'e' } },
  ],
  ['resource without type', { key: KEY, resource: { id: RES } }],
  ['resource with a bad type', { key: KEY, resource: { type: '9x' } }],
  ['resource type of 65', { key: KEY, resource: { type: `a${'b'.repeat(64)}` } }],
  ['resource with an unknown field', { key: KEY, resource: { type: 'x', name: 'n' } }],
  ['resource a string', { key: KEY, resource: 'x' }],
  ['resource an array', { key: KEY, resource: [{ type: 'x' }] }],
  ['resource null', { key: KEY, resource: null }],
  // clientIp
  ['clientIp v4', { key: KEY, clientIp: '203.0.113.7' }],
  ['clientIp v6', { key: KEY, clientIp: '2001:db8::1' }],
  ['clientIp of 1', { key: KEY, clientIp: '1' }],
  ['clientIp of 45', { key: KEY, clientIp: '1'.repeat(45) }],
  ['clientIp of 46', { key: KEY, clientIp: '1'.repeat(46) }],
  ['clientIp with a zone', { key: KEY, clientIp: 'fe80::1%eth0' }],
  ['clientIp with a space', { key: KEY, clientIp: '10.0.0.1 ' }],
  ['clientIp a number', { key: KEY, clientIp: 10 }],
  // tags
  ['tags', { key: KEY, tags: ['region=eu', 'route=/v1/run'] }],
  ['tags empty', { key: KEY, tags: [] }],
  ['tag with an empty value', { key: KEY, tags: ['a='] }],
  ['tag without =', { key: KEY, tags: ['region'] }],
  ['tag with an empty key', { key: KEY, tags: ['=eu'] }],
  ['tag key of 64', { key: KEY, tags: [`${'k'.repeat(64)}=v`] }],
  ['tag key of 65', { key: KEY, tags: [`${'k'.repeat(65)}=v`] }],
  ['tag value of 128', { key: KEY, tags: [`k=${'v'.repeat(128)}`] }],
  ['tag value of 129', { key: KEY, tags: [`k=${'v'.repeat(129)}`] }],
  ['tag value with a space', { key: KEY, tags: ['k=a b'] }],
  ['tag value with = in it', { key: KEY, tags: ['k=a=b'] }],
  ['tag value not ASCII', { key: KEY, tags: ['k=é'] }],
  ['20 tags', { key: KEY, tags: Array.from({ length: 20 }, (_, i) => `t${i}=v`) }],
  ['21 tags', { key: KEY, tags: Array.from({ length: 21 }, (_, i) => `t${i}=v`) }],
  ['the same tag twice', { key: KEY, tags: ['a=1', 'b=2', 'a=1'] }],
  ['tags not an array', { key: KEY, tags: 'a=1' }],
  ['a tag not a string', { key: KEY, tags: [1] }],
  ['tags an object', { key: KEY, tags: { 0: 'a=1' } }],
  // cost
  ['cost 0', { key: KEY, cost: 0 }],
  ['cost 1', { key: KEY, cost: 1 }],
  ['cost 1 000 000', { key: KEY, cost: 1_000_000 }],
  ['cost 1 000 001', { key: KEY, cost: 1_000_001 }],
  ['cost -1', { key: KEY, cost: -1 }],
  ['cost 1.5', { key: KEY, cost: 1.5 }],
  ['cost 2.0 (an integer in JSON)', { key: KEY, cost: 2.0 }],
  ['cost a string', { key: KEY, cost: '1' }],
  ['cost null', { key: KEY, cost: null }],
  ['cost true', { key: KEY, cost: true }],
  // Everything at once
  [
    'every field',
    {
      key: KEY,
      permission: 'a.b',
      action: 'run',
      resource: { type: 'x', id: RES },
      clientIp: '::1',
      tags: ['a=1'],
      cost: 3,
    },
  ],
  ['every field and one bad', { key: KEY, permission: 'a.b', action: 'run', resource: { type: 'x' }, cost: -3 }],
];

describe('the verify body checked by hand', () => {
  it.each(TABLE)('gives the schema’s verdict: %s', (_name, body) => {
    expect(isVerifyBody(body)).toBe(schemaCheck(body));
  });

  it('accepts some and refuses some of the table (the table tests both sides)', () => {
    const verdicts = TABLE.map(([, body]) => schemaCheck(body));
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(20);
    expect(verdicts.filter((verdict) => !verdict).length).toBeGreaterThan(40);
  });

  it('leaves every refusal to the schema, with its errors, so a bad request gets the 400 it got before', () => {
    const validate = verifyBodyCompiler(() => (route) => makeAjv(false).compile(route.schema as object))({
      schema: VerifyBody,
      method: 'POST',
      url: '/v1/verify',
      httpPart: 'body',
    }) as ((data: unknown) => boolean) & { errors?: FastifySchemaValidationError[] | null };
    for (const [name, body] of TABLE) {
      const expected = schemaCheck(body);
      expect(validate(body), name).toBe(expected);
      if (!expected) expect(validate.errors, name).toEqual(schemaCheck.errors);
    }
  });
});
