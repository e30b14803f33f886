/**
 * The `keyward` command as a user meets it: `--help` lists every KEYWARD_* setting, and a bad
 * setting stops the start with a non-zero exit and a message naming it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/http/config.js';
import { CLI } from '../support/server-process.js';

const cwd = mkdtempSync(join(tmpdir(), 'keyward-cli-'));

function keyward(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, KEYWARD_DATA_DIR: join(cwd, 'data'), ...env },
    encoding: 'utf8',
    timeout: 15_000,
  });
}

describe('the keyward command', () => {
  afterAll(() => {
    rmSync(cwd, { recursive: true, force: true });
  });

  it('lists every KEYWARD_* variable with --help', () => {
    const result = keyward(['--help']);
    expect(result.status).toBe(0);
    expect(CONFIG_VARIABLES.length).toBeGreaterThan(0);
    for (const variable of CONFIG_VARIABLES) expect(result.stdout).toContain(variable.name);
    for (const name of ['KEYWARD_HOST', 'KEYWARD_PORT', 'KEYWARD_DATA_DIR', 'KEYWARD_DATABASE_URL', 'KEYWARD_PEPPER'])
      expect(result.stdout).toContain(name);
  });

  it('lists the serve command with --help', () => {
    expect(keyward(['--help']).stdout).toMatch(/serve/);
  });

  for (const port of ['not-a-port', '70000', '-1']) {
    it(`refuses KEYWARD_PORT=${port} with a non-zero exit and a message naming it`, () => {
      const result = keyward(['serve'], { KEYWARD_PORT: port });
      expect(result.status).not.toBe(0);
      expect(result.status).not.toBeNull();
      expect(result.stderr).toContain('KEYWARD_PORT');
      expect(result.stdout).not.toContain('Keyward listening');
    });
  }

  it('refuses an unknown KEYWARD_LOG_LEVEL, naming it', () => {
    const result = keyward(['serve'], { KEYWARD_PORT: '0', KEYWARD_LOG_LEVEL: 'loud' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('KEYWARD_LOG_LEVEL');
  });
});
