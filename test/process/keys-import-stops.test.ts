/**
 * `keyward keys import` stopped by a bad line says which line, what was kept and how to resume,
 * and a malformed hash is named by its line before anything is sent.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHome, type CliHome } from '../support/cli-process.js';
import { tenantInProcess } from '../support/process-tenant.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const line = (name: string) =>
  JSON.stringify({
    sha256: createHash('sha256')
      .update(`sk_live_${randomBytes(16).toString('hex')}`)
      .digest('hex'),
    name,
  });

describe('keyward keys import stopping on a bad line', { timeout: 120_000 }, () => {
  let server: ServerProcess;
  let cli: CliHome;
  let env: Record<string, string>;
  let work: string;

  beforeAll(async () => {
    server = await startServerProcess();
    const { rootKey, environmentId } = await tenantInProcess(server, 'Importing');
    cli = cliHome();
    env = { KEYWARD_URL: server.url, KEYWARD_KEY: rootKey };
    work = mkdtempSync(join(tmpdir(), 'keyward-import-'));
    env['ENVIRONMENT'] = environmentId;
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  const importFile = (name: string) =>
    cli.run(
      ['keys', 'import', join(work, name), '--environment', env['ENVIRONMENT'] as string, '--prefix', 'sk_live_'],
      env,
    );

  it('names the line of a hash imported already, and says nothing of this run was kept', async () => {
    const first = line('first');
    writeFileSync(join(work, 'once.jsonl'), `${first}\n`);
    expect((await importFile('once.jsonl')).status).toBe(0);
    writeFileSync(join(work, 'again.jsonl'), `${line('new')}\n${first}\n`);
    const again = await importFile('again.jsonl');
    expect(again.status).toBe(1);
    expect(again.stdout + again.stderr).toContain(
      'Stopped at line 2: nothing from this run is imported (each batch of 500 is all or none).',
    );
    expect(again.stdout + again.stderr).toContain('run again with --skip 0');
    expect(again.stdout + again.stderr).toMatch(/CONFLICT: .*imported already/);
  });

  it('names the line of a malformed hash before sending anything', async () => {
    writeFileSync(join(work, 'bad.jsonl'), `${line('fine')}\n{"sha256":"zz","name":"typo"}\n`);
    const bad = await importFile('bad.jsonl');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain("line 2: sha256 must be the key's SHA-256 in hex (64 characters)");
  });
});
