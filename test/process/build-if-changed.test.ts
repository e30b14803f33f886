/**
 * `npm start` builds only when the sources changed (scripts/build-if-changed.mjs): a second start
 * with nothing changed builds nothing, touching a file without changing it builds nothing, a
 * changed source or a missing output builds again, and a failed build leaves no stamp.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRepoFile } from '../support/deploy-files.js';

const SCRIPT = resolve(import.meta.dirname, '../../scripts/build-if-changed.mjs');
const root = mkdtempSync(join(tmpdir(), 'keyward-start-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A build that makes the outputs and counts itself. */
const BUILD = [
  process.execPath,
  '-e',
  "const fs=require('node:fs');fs.mkdirSync('dist/cli',{recursive:true});fs.mkdirSync('dist/ui',{recursive:true});fs.writeFileSync('dist/cli/main.js','');fs.writeFileSync('dist/ui/index.html','');fs.appendFileSync('builds.log','built\\n');process.exit(Number(process.env.FAIL_BUILD??0))",
];

function start(env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [SCRIPT, '--root', root, '--', ...BUILD], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}
const builds = () =>
  existsSync(join(root, 'builds.log'))
    ? readFileSync(join(root, 'builds.log'), 'utf8').split('\n').filter(Boolean).length
    : 0;

describe('npm start builds only when sources changed', () => {
  mkdirSync(join(root, 'src', 'http'), { recursive: true });
  mkdirSync(join(root, 'ui', 'src'), { recursive: true });
  writeFileSync(join(root, 'src', 'http', 'app.ts'), 'export const a = 1;\n');
  writeFileSync(join(root, 'ui', 'src', 'main.tsx'), 'export {};\n');
  writeFileSync(join(root, 'package.json'), '{}\n');
  writeFileSync(join(root, 'package-lock.json'), '{}\n');

  it('builds on the first start, and not on the second', () => {
    expect(start().status).toBe(0);
    expect(builds()).toBe(1);
    const second = start();
    expect(second.status).toBe(0);
    expect(second.stderr).toBe('');
    expect(builds()).toBe(1);
  });

  it('does not build when a file was touched but not changed', () => {
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src', 'http', 'app.ts'), later, later);
    start();
    expect(builds()).toBe(1);
  });

  it('builds when a source, the UI or the lockfile changed, or an output is missing', () => {
    writeFileSync(join(root, 'src', 'http', 'app.ts'), 'export const a = 2;\n');
    start();
    expect(builds()).toBe(2);
    writeFileSync(join(root, 'ui', 'src', 'main.tsx'), 'export const b = 1;\n');
    start();
    expect(builds()).toBe(3);
    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}\n');
    start();
    expect(builds()).toBe(4);
    rmSync(join(root, 'dist', 'ui', 'index.html'));
    start();
    expect(builds()).toBe(5);
    start();
    expect(builds()).toBe(5);
  });

  it('leaves no stamp after a failed build, so the next start builds again', () => {
    writeFileSync(join(root, 'src', 'http', 'app.ts'), 'export const a = 3;\n');
    expect(start({ FAIL_BUILD: '3' }).status).toBe(3);
    start();
    expect(builds()).toBe(7);
  });

  it('is what npm start runs before serving', () => {
    const scripts = (JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['start']).toBe(
      'node scripts/build-if-changed.mjs -- npm run build --silent && node dist/cli/main.js serve',
    );
  });
});
