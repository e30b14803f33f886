/**
 * Issue 21: `npx keyward` and a globally installed (linked) `keyward` run dist/cli/main.js itself,
 * through its shebang, so the build must leave it executable: it is recreated without its run bit
 * on every build. The global setup builds by the very script `npm run build` and `npm start` run.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI } from '../support/server-process.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

describe('the built keyward command', () => {
  it('is executable by everyone after the build', () => {
    expect((statSync(CLI).mode & 0o777).toString(8)).toBe('755');
  });

  it('runs as a command of its own, as npx and npm link run it', () => {
    const result = spawnSync(CLI, ['--version'], { encoding: 'utf8', timeout: 15_000 });
    expect(result.error?.message).toBeUndefined();
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
  });
});
