/**
 * Issue 29 item 4: the README's Express snippet, `req.keyward` included, compiles in a
 * TypeScript app with express@5 and @types/express, importing `keyward/express` as a user does
 * (the package's own exports, built into dist/ before the tests run). A misspelt member does not
 * compile, so the check can fail.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
// Inside the package, so `keyward/express` resolves through its own exports as in an app that installed it.
const APP = join(ROOT, 'test-results', `express-app-${process.pid}`);

function readmeExpressSnippet(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('## Verify from your service')[1]?.split('\n## ')[0] ?? '';
  const block = [...section.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((match) => match[1] as string)
    .find((code) => code.includes("import { keywardExpress } from 'keyward/express'"));
  if (block === undefined) throw new Error('the README has no Express snippet under "Verify from your service"');
  return block;
}

/** Runs tsc on `source` as app.ts; answers its diagnostics, empty when it compiles. */
function compile(source: string): string {
  writeFileSync(join(APP, 'app.ts'), source);
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', APP], {
      encoding: 'utf8',
      stdio: 'pipe',
      timeout: 60_000,
    });
    return '';
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return `${failed.stdout ?? ''}${failed.stderr ?? ''}` || String(error);
  }
}

describe('keyward/express in a TypeScript Express 5 app', { timeout: 120_000 }, () => {
  mkdirSync(APP, { recursive: true });
  writeFileSync(
    join(APP, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        types: ['node'],
        skipLibCheck: true,
      },
      files: ['app.ts'],
    }),
  );
  afterAll(() => {
    rmSync(APP, { recursive: true, force: true });
  });

  it("compiles the README's snippet, req.keyward and the await of ready included", () => {
    const snippet = readmeExpressSnippet();
    expect(snippet).toContain('req.keyward?.keyId');
    expect(compile(snippet)).toBe('');
  });

  it('refuses a member the answer does not have, so the check above can fail', () => {
    const misspelt = readmeExpressSnippet().replace('req.keyward?.keyId', 'req.keyward?.keyIdd');
    expect(compile(misspelt)).toMatch(/keyIdd/);
  });
});
