/**
 * `docs/errors.md` documents the error-code table of `src/core/error-codes.ts` (STYLE.md: "a test
 * fails if docs/errors.md drifts from it"): every code with its status and title, and no code the
 * source does not have.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/core/error-codes.js';

interface DocumentedCode {
  readonly status: number;
  readonly title: string;
}

/** The rows of the codes table: `| \`CODE\` | status | title | when |`. */
function documentedCodes(markdown: string): Map<string, DocumentedCode[]> {
  const rows = new Map<string, DocumentedCode[]>();
  for (const line of markdown.split('\n')) {
    const match = /^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|\s*([^|]+?)\s*\|/.exec(line);
    if (match === null) continue;
    const [, code = '', status = '', title = ''] = match;
    rows.set(code, [...(rows.get(code) ?? []), { status: Number(status), title }]);
  }
  return rows;
}

const documented = documentedCodes(readFileSync(resolve(import.meta.dirname, '../docs/errors.md'), 'utf8'));

describe('docs/errors.md', () => {
  it('documents every error code exactly once', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(documented.get(code)?.length, code).toBe(1);
  });

  it('documents no code that the error-code table does not have', () => {
    expect([...documented.keys()].filter((code) => !(code in ERROR_CODES))).toEqual([]);
  });

  it.each(Object.entries(ERROR_CODES))(
    'gives %s the status and title of the error-code table',
    (code, { status, title }) => {
      expect(documented.get(code)?.[0]).toEqual({ status, title });
    },
  );
});
