/**
 * Builds the management UI into `dist/ui` for the suites that drive it, only when its sources
 * changed since the last build (a hash of `ui/`, the `src/api` grammar and types it imports, the
 * `src/client` it talks through, the `src/core` code src/api publishes, and the lock file, kept
 * beside the build). Unit runs never pay for Vite; the browser suite pays once.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../..');
const UI_OUT = resolve(ROOT, 'dist/ui');
const STAMP = join(UI_OUT, '.source-hash');
const SOURCE_DIRS = ['ui', 'src/api', 'src/client', 'src/core'];
const SOURCE_FILES = ['package-lock.json'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** A hash of every file the UI build reads from this repository. */
export function uiSourceHash(): string {
  const hash = createHash('sha256');
  const files = [
    ...SOURCE_DIRS.flatMap((dir) => filesUnder(resolve(ROOT, dir))),
    ...SOURCE_FILES.map((file) => resolve(ROOT, file)),
  ].sort();
  for (const file of files) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export async function ensureUiBuilt(): Promise<void> {
  const wanted = uiSourceHash();
  if (existsSync(join(UI_OUT, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === wanted) return;
  // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  await promisify(execFile)(
    process.execPath,
    [resolve(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'ui/vite.config.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  writeFileSync(STAMP, wanted);
}
