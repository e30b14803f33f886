/**
 * The commands an operator runs beside a server, needing none running: `migrate` and its
 * `--check`, `root-key reset`, `doctor`; and `serve`'s flags, one per KEYWARD_* setting.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/http/config.js';
import { cliHome } from '../support/cli-process.js';
import { startServerProcess } from '../support/server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'keyward-instance-'));
const cli = cliHome(join(dir, 'home'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('keyward serve --help', () => {
  it('has a flag for every KEYWARD_* setting, named after the variable', async () => {
    const help = await cli.run(['serve', '--help']);
    expect(help.status).toBe(0);
    expect(CONFIG_VARIABLES.length).toBeGreaterThan(10);
    for (const variable of CONFIG_VARIABLES)
      expect(help.stdout).toContain(
        `--${variable.name.slice('KEYWARD_'.length).toLowerCase().replaceAll('_', '-')} <value>`,
      );
    expect(help.stdout).toContain('--log-level <value>');
    expect(help.stdout).toContain('--model <value>');
  });
});

describe('keyward migrate', () => {
  const dataDir = join(dir, 'migrate');

  it('--check exits 1 on a database with pending migrations, naming them', async () => {
    const check = await cli.run(['migrate', '--check', '--data-dir', dataDir]);
    expect(check.status).toBe(1);
    expect(check.stdout).toContain('0001-initial');
  });

  it('applies them, after which --check exits 0', async () => {
    const applied = await cli.run(['migrate', '--data-dir', dataDir]);
    expect(applied.status, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Applied');
    const check = await cli.run(['migrate', '--check', '--data-dir', dataDir]);
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('Up to date');
  });
});

describe('keyward root-key reset and doctor', () => {
  it('prints a new root key once, revokes the old one and audits it', async () => {
    const server = await startServerProcess({ KEYWARD_DATA_DIR: join(dir, 'instance') }, dir);
    try {
      const old = readFileSync(join(dir, 'instance', 'root.key'), 'utf8').trim();
      const reset = await cli.run(['root-key', 'reset', '--data-dir', join(dir, 'instance')]);
      expect(reset.status, reset.stderr).toBe(0);
      const printed = reset.stdout.match(/kwroot_[0-9A-Za-z]{38}/g) ?? [];
      expect(printed).toHaveLength(1);
      expect(printed[0]).not.toBe(old);
      expect(reset.stdout).toContain('shown this once');
      expect(readFileSync(join(dir, 'instance', 'root.key'), 'utf8').trim()).toBe(printed[0]);

      const asNew = { KEYWARD_URL: server.url, KEYWARD_KEY: printed[0] ?? '' };
      expect((await cli.run(['whoami'], asNew)).status).toBe(0);
      // The running server learns of the revoke from the change log.
      let refused = await cli.run(['whoami'], { ...asNew, KEYWARD_KEY: old });
      for (let i = 0; i < 10 && refused.status === 0; i++)
        refused = await cli.run(['whoami'], { ...asNew, KEYWARD_KEY: old });
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('REVOKED');
      const audit = await cli.run(['audit', 'list', '--action', 'instance.root_key_reset', '--json'], asNew);
      expect(JSON.parse(audit.stdout).items).toHaveLength(1);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('doctor passes on a healthy data directory', async () => {
    const result = await cli.run(['doctor', '--data-dir', join(dir, 'instance')]);
    expect(result.status, result.stdout).toBe(0);
    for (const check of ['config', 'data dir', 'database', 'migrations', 'pepper'])
      expect(result.stdout).toMatch(new RegExp(`ok\\s+${check}`));
  });

  it('doctor fails on a pepper file others can read, saying how to fix it', async () => {
    chmodSync(join(dir, 'instance', 'pepper'), 0o644);
    const result = await cli.run(['doctor', '--data-dir', join(dir, 'instance')]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/FAIL\s+pepper file .* is 0644; make it 0600/);
  });

  it('doctor fails when the pepper does not match the database', async () => {
    chmodSync(join(dir, 'instance', 'pepper'), 0o600);
    const result = await cli.run([
      'doctor',
      '--data-dir',
      join(dir, 'instance'),
      '--pepper',
      'a different pepper of at least thirty-two chars',
    ]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/FAIL\s+pepper\s+this database was initialised with a different pepper/);
  });

  it('doctor says it is the database that could not be reached', async () => {
    const result = await cli.run(['doctor', '--database-url', 'postgres://nobody@127.0.0.1:9/nowhere']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      /FAIL\s+database\s+could not reach the database at postgres:\/\/nobody@127\.0\.0\.1:9\/nowhere/,
    );
  });
});
