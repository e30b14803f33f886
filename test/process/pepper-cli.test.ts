/**
 * `keyward pepper rotate` and `keyward pepper status` as an operator runs them (docs/deploy.md);
 * the rotation itself is proven in test/http/pepper-rotation.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/server-process.js';

const cwd = mkdtempSync(join(tmpdir(), 'keyward-pepper-'));

function keyward(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('KEYWARD_')));
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...clean, KEYWARD_DATA_DIR: join(cwd, 'data'), ...env },
    encoding: 'utf8',
    timeout: 15_000,
  });
}

describe('keyward pepper', () => {
  afterAll(() => {
    rmSync(cwd, { recursive: true, force: true });
  });

  it('status says how many live keys still hash under the previous pepper', () => {
    const result = keyward(['pepper', 'status']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('0 live keys still hash under the previous pepper');
  });

  it('rotate asks for both peppers, naming the variables', () => {
    const result = keyward(['pepper', 'rotate'], { KEYWARD_PEPPER: 'a new pepper of thirty-two characters or more' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('KEYWARD_PEPPER_PREVIOUS');
  });

  it('rotate refuses a previous pepper that is not the database’s, changing nothing', () => {
    const result = keyward(['pepper', 'rotate'], {
      KEYWARD_PEPPER: 'a new pepper of thirty-two characters or more',
      KEYWARD_PEPPER_PREVIOUS: 'a guessed pepper, thirty-two characters long',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('not the pepper this database is sealed under');
  });
});
