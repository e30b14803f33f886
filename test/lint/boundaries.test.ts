/**
 * STYLE.md's arrows and the no-cycle rule, held by Biome (biome.jsonc, run by `npm run lint` in
 * `npm test`): each refused import is refused with its reason, the allowed ones pass, and the
 * repository itself passes.
 */
import { describe, expect, it } from 'vitest';
import { lintScratch } from '../support/biome.js';

const CORE_FILE = 'export const one = 1;\n';
const USES = (from: string) => `import { thing } from '${from}';\nexport const used = thing;\n`;

describe('the import boundaries', () => {
  it.each([
    ['src/core/grants/probe.ts', '../../storage/database.js', 'core imports nothing outside src/core'],
    ['src/core/probe.ts', 'fastify', 'the core knows no transport'],
    ['src/api/probe.ts', '../modules/deps.js', 'schemas do no I/O and know no server'],
    ['src/client/probe.ts', '../http/app.js', 'client and middleware import nothing of the server'],
    ['src/middleware/probe.ts', '../storage/database.js', 'client and middleware import nothing of the server'],
    ['src/modules/keys/probe.ts', '../../http/problem.js', 'nothing imports http but cli'],
    ['src/verify/probe.ts', '../http/config.js', 'nothing imports http but cli'],
    ['src/storage/probe.ts', '../modules/deps.js', 'storage knows no services and no transport'],
    ['ui/src/probe.ts', '../../src/storage/database.js', 'the UI speaks HTTP only'],
  ])('refuses %s importing %s', { timeout: 60_000 }, async (file, from, reason) => {
    const result = await lintScratch({ [file]: USES(from) });
    expect(result.ok).toBe(false);
    expect(result.output).toContain('noRestrictedImports');
    expect(result.output).toContain(reason);
  });

  it('lets each part import along the arrows', { timeout: 60_000 }, async () => {
    const result = await lintScratch({
      'src/core/model/probe.ts': USES('../grants/one.js'),
      'src/core/grants/one.ts': CORE_FILE,
      'src/api/probe.ts': USES('../core/grants/one.js'),
      'src/modules/probe.ts': USES('../storage/database.js'),
      'src/http/probe.ts': USES('../modules/deps.js'),
      'src/cli/probe.ts': USES('../http/app.js'),
      'src/middleware/probe.ts': USES('../client/index.js'),
      'ui/src/probe.ts': USES('../../src/api/keys.js'),
      'ui/src/client-probe.ts': USES('../../src/client/management.js'),
    });
    expect(result.output).not.toContain('noRestrictedImports');
  });

  it.each([
    ['fetch', "export const load = () => fetch('/v1/keys');\n"],
    ['XMLHttpRequest', 'export const open = () => new XMLHttpRequest();\n'],
  ])(
    'refuses a console file calling the network with %s, not through keyward/client',
    { timeout: 60_000 },
    async (_global, source) => {
      const result = await lintScratch({ 'ui/src/probe.ts': source });
      expect(result.ok).toBe(false);
      expect(result.output).toContain('noRestrictedGlobals');
      expect(result.output).toContain('the console talks only through keyward/client');
    },
  );
});

describe('import cycles', () => {
  it('are refused, type-only ones included', { timeout: 60_000 }, async () => {
    const result = await lintScratch({
      'src/modules/a.ts': "import type { B } from './b.js';\nexport interface A { b?: B }\n",
      'src/modules/b.ts': "import type { A } from './a.js';\nexport interface B { a?: A }\n",
    });
    expect(result.ok).toBe(false);
    expect(result.output).toContain('noImportCycles');
  });
});
