/**
 * docs/deploy.md's settings table gives each setting the default the server uses: an operator
 * sizing a deployment from that page gets what Keyward does (src/http/config.ts is the truth).
 */
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/http/config.js';
import { readRepoFile } from '../support/deploy-files.js';

/** `| \`A\` / \`B\` | \`1\` / \`2\` | … |` rows of the "## Settings" section, as [name, documented default] pairs. */
function documentedDefaults(markdown: string): [string, string][] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith('Settings')) ?? '';
  const pairs: [string, string][] = [];
  for (const row of section.split('\n').filter((line) => line.startsWith('| `KEYWARD_'))) {
    const [names = '', defaults = ''] = row.split('|').slice(1, 3);
    // Only literal defaults (`5000`) are compared; prose ("generated into the data dir") is not a value.
    const values = defaults.split(' / ').map((value) => /^\s*`([^`]*)`\s*$/.exec(value)?.[1]);
    names.split(' / ').forEach((name, index) => {
      const value = values[index];
      if (value !== undefined) pairs.push([name.trim().replace(/`/g, ''), value]);
    });
  }
  return pairs;
}

describe('docs/deploy.md', () => {
  it('gives every setting in its table the default Keyward uses', () => {
    const documented = documentedDefaults(readRepoFile('docs/deploy.md'));
    expect(documented.map(([name]) => name)).toEqual(expect.arrayContaining(['KEYWARD_USAGE_FLUSH_SIZE', 'KEYWARD_PORT', 'KEYWARD_NODES']));
    const actual = new Map(CONFIG_VARIABLES.map((variable) => [variable.name, variable.default]));
    for (const [name, value] of documented) expect(value, name).toBe(actual.get(name));
  });
});
