/**
 * The docs give each setting the default the server uses: an operator sizing a deployment from
 * docs/deploy.md or the README gets what Keyward does (src/http/config.ts is the truth). Checked:
 * every row of a settings table (a table whose second column is "default", in the README and
 * every page of docs/), every "`KEYWARD_X` (default 10 s)" in prose, and the bounds the pages
 * name in words (the query bound, 3 s); and the Kubernetes grace period deploy.md quotes.
 */
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/http/config.js';
import { readRepoFile, repoFilesUnder } from '../support/deploy-files.js';

const DEFAULTS = new Map(CONFIG_VARIABLES.map((variable) => [variable.name, variable.default]));
const PAGES = ['README.md', ...repoFilesUnder('docs').filter((path) => path.endsWith('.md'))];

/** Rows `| \`A\` / \`B\` | \`1\` / \`2\` | … |` of tables whose header's second column is "default", as [name, default] pairs. */
function tableDefaults(markdown: string): [string, string][] {
  const pairs: [string, string][] = [];
  let inSettingsTable = false;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      inSettingsTable = false;
      continue;
    }
    const cells = line.split('|').slice(1, -1);
    if (cells[1]?.trim() === 'default') inSettingsTable = true;
    if (!inSettingsTable || !line.startsWith('| `KEYWARD_')) continue;
    // Only literal defaults (`5000`) are compared; prose ("generated into the data dir") is not a value.
    const values = (cells[1] ?? '').split(' / ').map((value) => /^\s*`([^`]*)`\s*$/.exec(value)?.[1]);
    (cells[0] ?? '').split(' / ').forEach((name, index) => {
      const value = values[index];
      if (value !== undefined) pairs.push([name.trim().replace(/`/g, ''), value]);
    });
  }
  return pairs;
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  second: 1000,
  seconds: 1000,
  minute: 60_000,
  minutes: 60_000,
};

/** "`KEYWARD_X` (default 10 s)", "(5 minutes)", "(0 by default)": [name, milliseconds or plain number] pairs. */
function proseDefaults(markdown: string): [string, number][] {
  const pattern =
    /`(KEYWARD_[A-Z0-9_]+)`\s*\((?:default\s+)?(\d[\d ]*)\s*(ms|s|seconds?|minutes?)?(?:\s+by default)?\)/g;
  return [...markdown.matchAll(pattern)].map((match) => [
    match[1] as string,
    Number((match[2] as string).replace(/ /g, '')) * (UNIT_MS[match[3] ?? 'ms'] ?? 1),
  ]);
}

/** Bounds named in words, with the setting each one is. */
const BOUNDS_IN_WORDS: [page: string, phrase: RegExp, setting: string][] = [
  ['docs/deploy.md', /the query bound, (\d+) s\b/, 'KEYWARD_DATABASE_QUERY_TIMEOUT_MS'],
  ['docs/deploy.md', /the connection bound, (\d+) s\b/, 'KEYWARD_DATABASE_CONNECT_TIMEOUT_MS'],
  ['docs/deploy.md', /the command bound, (\d+) ms\b/, 'KEYWARD_REDIS_COMMAND_TIMEOUT_MS'],
];

describe('the defaults the docs name', () => {
  it('are the defaults Keyward uses, in every settings table', () => {
    const documented = PAGES.flatMap((page) =>
      tableDefaults(readRepoFile(page)).map(([name, value]) => ({ page, name, value })),
    );
    // The tables that must be there: deploy.md's and the README's, with the settings issue 28 found wrong or added.
    const names = documented.map(({ name }) => name);
    expect(names).toEqual(
      expect.arrayContaining([
        'KEYWARD_USAGE_FLUSH_SIZE',
        'KEYWARD_PORT',
        'KEYWARD_NODES',
        'KEYWARD_SHUTDOWN_TIMEOUT_MS',
        'KEYWARD_DATABASE_QUERY_TIMEOUT_MS',
      ]),
    );
    expect(names).toEqual(
      expect.arrayContaining(['KEYWARD_SHUTDOWN_DELAY_MS', 'KEYWARD_DATABASE_WAIT_MS', 'KEYWARD_OTEL_TRACES']),
    );
    expect(new Set(documented.map(({ page }) => page))).toEqual(new Set(['README.md', 'docs/deploy.md']));
    for (const { page, name, value } of documented) expect(value, `${name} in ${page}`).toBe(DEFAULTS.get(name));
  });

  it('lists every timeout and every setting issue 28 added in deploy.md’s settings table', () => {
    const listed = new Set(tableDefaults(readRepoFile('docs/deploy.md')).map(([name]) => name));
    const timeouts = CONFIG_VARIABLES.map((variable) => variable.name).filter((name) =>
      /_(TIMEOUT|DELAY|WAIT|KEEPALIVE)_MS$/.test(name),
    );
    expect(timeouts.length).toBeGreaterThanOrEqual(9);
    expect(timeouts.filter((name) => !listed.has(name))).toEqual([]);
  });

  it('are the defaults Keyward uses where prose names them', () => {
    const claims = PAGES.flatMap((page) =>
      proseDefaults(readRepoFile(page)).map(([name, value]) => ({ page, name, value })),
    );
    expect(claims.map(({ name }) => name)).toEqual(
      expect.arrayContaining(['KEYWARD_MAX_STALENESS_MS', 'KEYWARD_DATABASE_WAIT_MS', 'KEYWARD_SHUTDOWN_DELAY_MS']),
    );
    for (const { page, name, value } of claims) expect(value, `${name} in ${page}`).toBe(Number(DEFAULTS.get(name)));
  });

  it('are the defaults Keyward uses where a page names a bound in words', () => {
    for (const [page, phrase, setting] of BOUNDS_IN_WORDS) {
      const match = phrase.exec(readRepoFile(page));
      expect(match, `${phrase} in ${page}`).not.toBeNull();
      const unit = phrase.source.includes(' ms') ? 1 : 1000;
      expect(Number(match?.[1]) * unit, setting).toBe(Number(DEFAULTS.get(setting)));
    }
  });

  it('quote the Kubernetes grace period and preStop delay the base sets', () => {
    const deployment = readRepoFile('deploy/kubernetes/base/deployment.yaml');
    const grace = /terminationGracePeriodSeconds: (\d+)/.exec(deployment)?.[1];
    const preStop = /command: \["sleep", "(\d+)"\]/.exec(deployment)?.[1];
    const page = readRepoFile('docs/deploy.md');
    for (const quoted of page.matchAll(/terminationGracePeriodSeconds(?:`,|:)\s*(\d+)/g))
      expect(quoted[1], 'terminationGracePeriodSeconds').toBe(grace);
    for (const quoted of page.matchAll(/`preStop` sleeps (\d+) s|the (\d+) s preStop/g))
      expect(quoted[1] ?? quoted[2], 'preStop').toBe(preStop);
    expect([...page.matchAll(/terminationGracePeriodSeconds/g)].length).toBeGreaterThanOrEqual(2);
  });
});
