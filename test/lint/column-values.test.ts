/**
 * Issue 22 item 4: services see domain values. A flag column is 0/1 and a structured column JSON
 * text only between the database and the column codec (src/storage/column-codec.ts) or a
 * repository; a service comparing with 1, writing `? 1 : 0`, or casting parsed JSON unchecked
 * is reading a column by hand, and a stored value out of shape would be misread there silently.
 * The source is read as text because the patterns are lexical: no type tells a flag from a count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** The places that handle columns raw by design. */
const HOMES = [/^src\/storage\//, /\.repository\.ts$/];

const PATTERNS: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  // A count compared with 1 (`.length === 1`, `.size === 1`) is not a flag.
  { name: 'a flag compared with 1', pattern: /(?<![=!<>]|\.(?:length|size)\s*)[!=]==?\s*1(?![\d.])/ },
  { name: 'a flag written as 1 or 0', pattern: /\?\s*1\s*:\s*0(?![\d.])/ },
  { name: 'JSON parsed and cast, unchecked', pattern: /JSON\.parse\([^;]*\)\s*\)?\s*as\s+(?!unknown\b)/ },
];

/** Lines that match a pattern and are not columns, each with why; a stale entry fails too. */
const NOT_COLUMNS: readonly { readonly file: string; readonly text: string; readonly why: string }[] = [
  { file: 'src/http/metrics.ts', text: 'storage.up ? 1 : 0', why: 'a Prometheus gauge is 1 or 0' },
  { file: 'src/http/metrics.ts', text: "redis.state === 'up' ? 1 : 0", why: 'a Prometheus gauge is 1 or 0' },
  { file: 'src/verify/rate-limits.ts', text: 'reply[0] === 1', why: "the rate-limit Lua script's reply" },
  { file: 'src/verify/rate-limits.ts', text: 'allowed == 1 and cost', why: 'the rate-limit Lua script itself' },
  {
    file: 'src/verify/answers.ts',
    text: 'JSON.parse(this.#json) as VerifyAnswerObject',
    why: 'a verify answer read back from the JSON WrittenResult itself wrote, not a column',
  },
  {
    file: 'src/modules/usage/analytics.service.ts',
    text: 'a.group > b.group ? 1 : 0',
    why: 'a sort comparator',
  },
];

/** What a service may take from the codec: its error, to answer it, and the wrapper that names the row. */
const NOT_DECODING = new Set(['CorruptColumnError', 'readingRow']);

/** The codec's decoders and encoders `source` imports (types and its error aside). */
function codecReadersIn(source: string): string[] {
  const imports = source.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s*from\s*'[^']*column-codec\.js'/g);
  return [...imports].flatMap(([, typeOnly, names]) =>
    typeOnly !== undefined
      ? []
      : (names ?? '')
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== '' && !name.startsWith('type ') && !NOT_DECODING.has(name)),
  );
}

/** The service-side sources: every .ts file under modules, verify and http, tests aside. */
function serviceSources(): string[] {
  return ['src/modules', 'src/verify', 'src/http']
    .flatMap((dir) =>
      readdirSync(resolve(ROOT, dir), { recursive: true, encoding: 'utf8' }).map((file) => `${dir}/${file}`),
    )
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .filter((file) => !HOMES.some((home) => home.test(file)));
}

interface Finding {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly name: string;
}

/** Every line of `source` that matches a pattern; `//` comments are passed over. */
function columnFindings(file: string, source: string): Finding[] {
  const findings: Finding[] = [];
  source.split('\n').forEach((raw, index) => {
    const code = raw.replace(/\/\/.*$/, '').trim();
    if (code.startsWith('*') || code.startsWith('/*')) return;
    for (const { name, pattern } of PATTERNS)
      if (pattern.test(code)) findings.push({ file, line: index + 1, text: code, name });
  });
  return findings;
}

const excused = (finding: Finding) =>
  NOT_COLUMNS.some((entry) => entry.file === finding.file && finding.text.includes(entry.text));

describe('column values in services (issue 22 item 4)', () => {
  const files = serviceSources();
  const findings = files.flatMap((file) => columnFindings(file, readFileSync(resolve(ROOT, file), 'utf8')));

  it('finds no flag or JSON column read by hand outside src/storage and the repositories', () => {
    const offending = findings.filter((finding) => !excused(finding));
    expect(offending.map(({ file, line, name, text }) => `${file}:${line} ${name}: ${text}`)).toEqual([]);
  });

  // Every table's rows are decoded by its repository (column-codec.ts's tableColumns); a service
  // importing a decoder is reading a column itself.
  it('has no service decode through the column codec', () => {
    const importers = files.filter((file) => codecReadersIn(readFileSync(resolve(ROOT, file), 'utf8')).length > 0);
    expect(importers).toEqual([]);
  });

  it.each([
    ["import { decodeFlag, stringList } from '../../storage/column-codec.js';", ['decodeFlag', 'stringList']],
    ["import { CorruptColumnError } from '../../storage/column-codec.js';", []],
    ["import type { JsonColumn } from '../storage/column-codec.js';", []],
    ["import { type JsonColumn, readingRow, jsonObject } from './column-codec.js';", ['jsonObject']],
  ])('reads %s as importing the codecs %j', (line, names) => {
    expect(codecReadersIn(line)).toEqual(names);
  });

  it('excuses only lines that are still there', () => {
    const stale = NOT_COLUMNS.filter(
      (entry) => !findings.some((f) => f.file === entry.file && f.text.includes(entry.text)),
    );
    expect(stale).toEqual([]);
  });

  it.each([
    ['if (endpoint.enabled !== 1) return', 'a flag compared with 1'],
    ['const admin = row.admin === 1;', 'a flag compared with 1'],
    ['enabled: input.enabled ? 1 : 0,', 'a flag written as 1 or 0'],
    ['const flow = JSON.parse(text) as SsoFlow;', 'JSON parsed and cast, unchecked'],
    ['const ids = JSON.parse(row.group_ids) as string[];', 'JSON parsed and cast, unchecked'],
  ])('catches %s', (line, name) => {
    expect(columnFindings('src/modules/x/x.service.ts', line).map((finding) => finding.name)).toEqual([name]);
  });

  it.each([
    'if (candidates.length === 1) return',
    'const only = rest.size === 1 ? a : b;',
    'const value: unknown = JSON.parse(text);',
    'if (count === 10) return',
    'const half = ratio === 1.5;',
  ])('lets %s pass', (line) => {
    expect(columnFindings('src/modules/x/x.service.ts', line)).toEqual([]);
  });
});
