/**
 * `npm start` builds only when what the build reads has changed since the last build: a SHA-256
 * of src/, ui/, the tsconfigs, package.json and package-lock.json, kept in dist/.build-stamp
 * after a build that succeeded. Contents, not times: a checkout or a copy that touches every file
 * without changing one builds nothing. A second start with nothing changed starts at once.
 *
 *   node scripts/build-if-changed.mjs [--root <dir>] -- <build command…>
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const INPUTS = ['src', 'ui', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
/** What a build makes: without them the stamp alone proves nothing. */
const OUTPUTS = ['dist/cli/main.js', 'dist/ui/index.html'];
const SKIPPED = new Set(['node_modules', 'dist', '.vite']);
const STAMP = 'dist/.build-stamp';

/** The files at `path` (a file, or a directory walked), relative to `root`. */
function filesAt(root, path) {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full, { withFileTypes: true })
    .filter((entry) => !SKIPPED.has(entry.name) && (entry.isDirectory() || entry.isFile()))
    .flatMap((entry) => filesAt(root, join(path, entry.name)));
}

function sourceHash(root) {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => filesAt(root, input)).sort())
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(root, file)))
      .update('\0');
  return hash.digest('hex');
}

const args = process.argv.slice(2);
const separator = args.indexOf('--');
const command = separator === -1 ? [] : args.slice(separator + 1);
const rootFlag = args.indexOf('--root');
const root = resolve(
  rootFlag !== -1 && rootFlag < (separator === -1 ? args.length : separator) ? (args[rootFlag + 1] ?? '.') : '.',
);
if (command.length === 0) {
  process.stderr.write('usage: node scripts/build-if-changed.mjs [--root <dir>] -- <build command…>\n');
  process.exit(2);
}

const current = sourceHash(root);
const stamp = join(root, STAMP);
const built =
  existsSync(stamp) &&
  readFileSync(stamp, 'utf8').trim() === current &&
  OUTPUTS.every((output) => existsSync(join(root, output)));
if (!built) {
  process.stderr.write('keyward: sources changed since the last build (or none yet): building\n');
  const result = spawnSync(command[0], command.slice(1), {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stamp, `${current}\n`);
}
