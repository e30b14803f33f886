import { describe, expect, it } from 'vitest';
import {
  CorruptColumnError,
  decodeFlag,
  decodeOptionalFlag,
  encodeFlag,
  encodeOptionalFlag,
  flag,
  jsonObject,
  optionalFlag,
  rateLimitList,
  stringList,
  stringMap,
  tableColumns,
} from './column-codec.js';

describe('flag columns', () => {
  it('read 0 and 1 as false and true, and write them back', () => {
    expect([decodeFlag(0, 't.c'), decodeFlag(1, 't.c')]).toEqual([false, true]);
    expect([encodeFlag(false), encodeFlag(true)]).toEqual([0, 1]);
    expect([decodeOptionalFlag(null, 't.c'), encodeOptionalFlag(null)]).toEqual([null, null]);
  });

  it('refuse any other number, naming the column', () => {
    expect(() => decodeFlag(2, 'api_keys.enabled')).toThrow(
      new CorruptColumnError('api_keys.enabled', 'a flag is 0 or 1'),
    );
    expect(() => decodeOptionalFlag(-1, 'environments.mfa_required')).toThrow(/environments\.mfa_required/);
  });
});

describe('JSON columns', () => {
  it('read what they write', () => {
    expect(stringList.decode(stringList.encode(['a', 'b']), 't.c')).toEqual(['a', 'b']);
    expect(stringMap.decode('{"agent":"viewer"}', 't.c')).toEqual({ agent: 'viewer' });
    expect(jsonObject.decode('{"team":{"n":1}}', 't.c')).toEqual({ team: { n: 1 } });
    expect(rateLimitList.decode('[{"name":"m","limit":5,"durationMs":60000}]', 't.c')).toEqual([
      { name: 'm', limit: 5, durationMs: 60_000 },
    ]);
    expect(stringList.decodeNullable(null, 't.c')).toBeNull();
  });

  it('fail loudly on text that is not JSON, naming the column and not the value', () => {
    const read = () => jsonObject.decode('{"secret":', 'api_keys.metadata');
    expect(read).toThrow(CorruptColumnError);
    expect(read).toThrow('stored api_keys.metadata is not readable: not JSON');
  });

  it('fail loudly on JSON of another shape, saying where', () => {
    expect(() => stringList.decode('["a", 2]', 'api_keys.group_ids')).toThrow(
      /^stored api_keys\.group_ids is not readable: \/1: /,
    );
    expect(() => stringList.decode('{"a":1}', 'api_keys.scopes')).toThrow(CorruptColumnError);
    expect(() => stringMap.decode('{"agent":3}', 'policies.levels')).toThrow(/policies\.levels/);
    expect(() => jsonObject.decode('null', 'audit_events.details')).toThrow(CorruptColumnError);
    expect(() => rateLimitList.decode('[{"name":"m","limit":"5","durationMs":1000}]', 'policies.ratelimits')).toThrow(
      /\/0\/limit/,
    );
  });
});

describe("a table's columns", () => {
  interface StoredThing {
    id: string;
    enabled: number;
    inherited: number | null;
    tags: string;
    allowlist: string | null;
  }
  const things = tableColumns<StoredThing>('things')({
    enabled: flag,
    inherited: optionalFlag,
    tags: stringList.column,
    allowlist: stringList.nullable,
  });
  const stored: StoredThing = { id: 't_1', enabled: 1, inherited: null, tags: '["a","b"]', allowlist: null };

  it('read as domain values, the uncoded columns as stored, and write back to the same row', () => {
    const thing = things.decode(stored);
    expect(thing).toEqual({ id: 't_1', enabled: true, inherited: null, tags: ['a', 'b'], allowlist: null });
    expect(things.encode(thing)).toEqual(stored);
    expect(things.decodeFound(undefined)).toBeUndefined();
  });

  it('write a patch of some columns as just those columns, stored', () => {
    expect(things.encode({ enabled: false, allowlist: ['10.0.0.0/8'] })).toEqual({
      enabled: 0,
      allowlist: '["10.0.0.0/8"]',
    });
  });

  it('fail on a stored value its column cannot hold, naming table and column', () => {
    expect(() => things.decode({ ...stored, enabled: 2 })).toThrow(
      'stored things.enabled is not readable: a flag is 0 or 1',
    );
    expect(() => things.decode({ ...stored, tags: '{"a":1}' })).toThrow(/^stored things\.tags is not readable/);
  });
});
