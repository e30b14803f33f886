/**
 * docs/migrate.md run as a new user would: its shell steps pasted into bash, with `keyward` on
 * the PATH and logged in, against a freshly started server. A home-grown table of SHA-256 hashes
 * is exported, imported, one old key verified VALID, and one rotated into Keyward's format.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHome, type CliHome, type CliResult } from '../support/cli-process.js';
import { tenantInProcess } from '../support/process-tenant.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

function guideScript(): string {
  const guide = readFileSync(resolve(import.meta.dirname, '../../docs/migrate.md'), 'utf8');
  return [...guide.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]).join('\n');
}

describe('the migration guide, step by step', { timeout: 120_000 }, () => {
  let server: ServerProcess;
  let cli: CliHome;
  let ran: CliResult;

  beforeAll(async () => {
    server = await startServerProcess();
    const { rootKey, environmentId } = await tenantInProcess(server, 'Migrating');
    cli = cliHome();
    const work = mkdtempSync(join(tmpdir(), 'keyward-migrate-'));
    ran = await cli.bash(guideScript(), work, {
      KEYWARD_URL: server.url,
      KEYWARD_KEY: rootKey,
      ENVIRONMENT: environmentId,
    });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('runs every step without an error', () => {
    expect(guideScript()).toContain('keyward keys import keys.jsonl');
    expect(ran.status, `${ran.stdout}\n${ran.stderr}`).toBe(0);
    expect(ran.stderr).not.toMatch(/error/i);
  });

  it('imports the three keys of the table, verifies an old one VALID and rotates one into Keyward’s format', () => {
    expect(ran.stdout).toMatch(/^3$/m);
    expect(ran.stdout).toMatch(/Imported 3 keys from keys\.jsonl/);
    expect(ran.stdout).toMatch(/^VALID$/m);
    expect(ran.stdout).toMatch(/^kw_$/m);
  });
});
