/**
 * Runs the project's Biome configuration on files laid out in a scratch folder, so a test can
 * show what the import-boundary and cycle rules refuse without touching the real tree.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../..');
const BIOME = resolve(ROOT, 'node_modules/@biomejs/biome/bin/biome');

export interface LintResult {
  readonly ok: boolean;
  /** Biome's report: each finding with its rule and message. */
  readonly output: string;
}

/** Lints `files` (repository-relative path → content) with the repository's biome.jsonc. */
export async function lintScratch(files: Readonly<Record<string, string>>): Promise<LintResult> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-lint-'));
  try {
    // The scratch folder is no git work tree: the config's VCS integration is switched off there.
    const config = readFileSync(resolve(ROOT, 'biome.jsonc'), 'utf8')
      .replace('"vcs": { "enabled": true', '"vcs": { "enabled": false')
      .replace(/"\$schema": "[^"]*",/, '');
    writeFileSync(join(dir, 'biome.jsonc'), config);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        [BIOME, 'lint', '--max-diagnostics=50', '--colors=off', '.'],
        { cwd: dir },
      );
      return { ok: true, output: stdout + stderr };
    } catch (failure) {
      const { stdout = '', stderr = '' } = failure as { stdout?: string; stderr?: string };
      return { ok: false, output: stdout + stderr };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
