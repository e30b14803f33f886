import { describe, expect, it } from 'vitest';
import { keyOnlyBody, verifyBodyOf } from './verify-fast-path.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('the key-only verify body, read from its bytes', () => {
  it('reads the key of the body clients send', () => {
    const key = 'kw_01abcDEF-xyz_0123456789ABCDEFGHIJKLMNOPQR';
    expect(keyOnlyBody(bytes(JSON.stringify({ key })))).toEqual({ key });
  });

  it('leaves every other body to the general reading', () => {
    for (const text of [
      '{"key":""}',
      `{"key":"${'a'.repeat(513)}"}`,
      '{"key":"a\\u0062c"}',
      '{"key":"a\\"b"}',
      '{"key":"a.b"}',
      '{"key":"a b"}',
      '{"key":"é"}',
      '{ "key":"abc"}',
      '{"key":"abc" }',
      '{"key":"abc","permission":"functions.execute"}',
      '{"KEY":"abc"}',
      '{"key":"abc"',
      '"key":"abc"}',
      '{"key":"abc"}\n',
      '',
    ])
      expect(keyOnlyBody(bytes(text)), text).toBeUndefined();
  });

  it('takes a key of 512 characters, the schema’s longest', () => {
    const key = 'k'.repeat(512);
    expect(keyOnlyBody(bytes(`{"key":"${key}"}`))).toEqual({ key });
    expect(verifyBodyOf(`{"key":"${key}"}`)).toEqual({ key });
  });

  it('never answers other than the general reading would (2 000 random bodies)', () => {
    const alphabet = 'aZ09_-."\\ {}:,é\u0000';
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let taken = 0;
    for (let round = 0; round < 2000; round++) {
      let key = '';
      const length = next(12);
      // Half the keys of key characters only, half with anything in them.
      const chars = round % 2 === 0 ? alphabet.slice(0, 6) : alphabet;
      for (let i = 0; i < length; i++) key += chars[next(chars.length)];
      const text = `{"key":"${key}"}`;
      const quick = keyOnlyBody(bytes(text));
      if (quick === undefined) continue;
      taken++;
      // The general reading: JSON.parse, then the schema's verdict (verify-body.ts).
      expect(quick, text).toEqual(verifyBodyOf(text));
    }
    // The even rounds with a key of at least one character: the quick reading must take them all.
    expect(taken).toBeGreaterThan(800);
  });
});
