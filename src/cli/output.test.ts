/** The CLI's one output layer: how it escapes, and that nothing else in src/cli prints. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escapeControl, jsonText } from './output.js';

describe('escapeControl', () => {
  it('writes C0, DEL, C1 and bidirectional controls as visible escapes, and leaves other text alone', () => {
    expect(escapeControl('a\u001b[2J\u001b]52;c;eA==\u0007\u009b31m\u007f\r\n\t\u202eé 名前 \\x1b')).toBe(
      'a\\x1b[2J\\x1b]52;c;eA==\\x07\\x9b31m\\x7f\\r\\n\\t\\u202eé 名前 \\x1b',
    );
  });
});

describe('jsonText', () => {
  it('is JSON that reads back as the value, with no raw control character but its line ends', () => {
    const value = { name: 'x\u001b[2J\u0007\u009b\u0085\u202e\u2066y', n: 1 };
    const text = jsonText(value);
    expect(JSON.parse(text)).toEqual(value);
    expect(text).not.toMatch(/(?!\n)[\p{Cc}\u202a-\u202e\u2066-\u2069]/u);
  });
});

describe('src/cli', () => {
  it('prints only through output.ts', () => {
    const dir = new URL('.', import.meta.url);
    const printing = readdirSync(dir)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && file !== 'output.ts')
      .filter((file) =>
        /process\.(stdout|stderr)\.write|console\.\w+\(/.test(readFileSync(new URL(file, dir), 'utf8')),
      );
    expect(printing).toEqual([]);
  });
});
