/**
 * What docs/leaked-keys.md tells an operator to register with a secret scanner holds for the keys
 * Keyward makes: the regular expression finds every key of the default prefix in surrounding
 * text and nothing that merely resembles one, and the checksum snippet accepts a key and refuses
 * it with one character changed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKey } from '../src/core/key-format.js';

const DOC = readFileSync(resolve(import.meta.dirname, '../docs/leaked-keys.md'), 'utf8');

function fenced(language: string): string {
  const match = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``).exec(DOC);
  if (match?.[1] === undefined) throw new Error(`docs/leaked-keys.md has no ${language} block`);
  return match[1].trim();
}

const hasPython = spawnSync('python3', ['--version']).status === 0;

describe('the key pattern docs/leaked-keys.md gives a secret scanner', () => {
  const pattern = new RegExp(fenced('regex'), 'g');

  it('finds each key of the default prefix where code and config files put one', () => {
    for (let n = 0; n < 50; n++) {
      const key = generateKey('kw');
      for (const text of [`KEYWARD_KEY=${key}\n`, `const key = "${key}";`, `Authorization: Bearer ${key}`]) {
        expect([...text.matchAll(pattern)].map((match) => match[0])).toEqual([key]);
      }
    }
  });

  it('finds nothing in a key of another prefix, a longer token, or a shorter one', () => {
    const key = generateKey('kw');
    for (const text of [generateKey('acme'), `x${key}`, `${key}Z`, key.slice(0, -1)]) {
      expect([...text.matchAll(pattern)], text).toEqual([]);
    }
  });

  it.skipIf(!hasPython)('has a checksum snippet that accepts a key and refuses one character changed', () => {
    const key = generateKey('kw');
    const changed = `${key.slice(0, 10)}${key[10] === 'a' ? 'b' : 'a'}${key.slice(11)}`;
    const script = `${fenced('python')}\nimport sys\nprint(is_keyward_key(sys.argv[1]), is_keyward_key(sys.argv[2]))`;
    const printed = execFileSync('python3', ['-c', script, key, changed], { encoding: 'utf8' });
    expect(printed.trim()).toBe('True False');
  });
});
