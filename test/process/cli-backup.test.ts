/**
 * `keyward backup` and `restore` on SQLite, as docs/deploy.md tells an operator to use them: a
 * backup taken while the server keeps creating keys restores to a database whose audit chain
 * verifies and which holds every key acknowledged before the backup began.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliHome } from '../support/cli-process.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const PEPPER = { KEYWARD_PEPPER: 'the backup test pepper, shared by both instances' };
const dir = mkdtempSync(join(tmpdir(), 'keyward-backup-'));
const cli = cliHome(join(dir, 'home'));

async function call(
  server: ServerProcess,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

describe('keyward backup and restore under concurrent writes', () => {
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores to a database that passes audit verify and holds every key acknowledged before the backup', async () => {
    const original = await startServerProcess({ ...PEPPER, KEYWARD_DATA_DIR: join(dir, 'original') }, dir);
    servers.push(original);
    const root = readFileSync(join(dir, 'original', 'root.key'), 'utf8').trim();
    const tenant = await call(original, root, 'POST', '/v1/tenants', { name: 'Backed up' });
    const environment = await call(original, root, 'POST', '/v1/environments', {
      tenantId: tenant.body.id,
      name: 'prod',
    });

    const acknowledged: string[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const created = await call(original, root, 'POST', '/v1/keys', {
          environmentId: environment.body.id,
          name: `k${i}`,
          kind: 'application',
          expiresInDays: null,
        });
        expect(created.status).toBe(201);
        acknowledged.push(created.body.key);
      }
    })();
    while (acknowledged.length < 5) await new Promise((resolve) => setTimeout(resolve, 20));
    const beforeBackup = [...acknowledged];
    const backup = await cli.run(['backup', join(dir, 'keyward-backup.db'), '--data-dir', join(dir, 'original')]);
    const writtenDuring = acknowledged.length - beforeBackup.length;
    writing = false;
    await writer;
    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stdout).toContain('Backed up');
    // The writes went on while the copy was taken.
    expect(writtenDuring).toBeGreaterThan(0);

    const restore = await cli.run(['restore', join(dir, 'keyward-backup.db'), '--data-dir', join(dir, 'restored')]);
    expect(restore.status, restore.stderr).toBe(0);

    const restored = await startServerProcess({ ...PEPPER, KEYWARD_DATA_DIR: join(dir, 'restored') }, dir);
    servers.push(restored);
    const audit = await cli.run(['audit', 'verify'], { KEYWARD_URL: restored.url, KEYWARD_KEY: root });
    expect(audit.status, audit.stderr).toBe(0);
    expect(audit.stdout).toMatch(/^OK: \d+ events chained/);
    for (const key of beforeBackup) {
      expect((await call(restored, root, 'POST', '/v1/verify', { key })).body.code).toBe('VALID');
    }
  }, 120_000);

  it('writes the backup and the restored database 0600 whatever the umask, a database replaced with --force too', async () => {
    const copy = join(dir, 'private-backup.db');
    const replaced = join(dir, 'replaced');
    mkdirSync(replaced);
    writeFileSync(join(replaced, 'keyward.db'), '');
    chmodSync(join(replaced, 'keyward.db'), 0o644);
    const result = await cli.bash(
      [
        'umask 022',
        `keyward backup "${copy}" --data-dir "${join(dir, 'original')}"`,
        `keyward restore "${copy}" --data-dir "${join(dir, 'fresh')}"`,
        `keyward restore "${copy}" --data-dir "${replaced}" --force`,
      ].join('\n'),
      dir,
    );
    expect(result.status, result.stderr).toBe(0);
    for (const file of [copy, join(dir, 'fresh', 'keyward.db'), join(replaced, 'keyward.db')]) {
      expect({ file, mode: (statSync(file).mode & 0o777).toString(8) }).toEqual({ file, mode: '600' });
    }
  });

  it('refuses to restore over an existing database without --force', async () => {
    const result = await cli.run(['restore', join(dir, 'keyward-backup.db'), '--data-dir', join(dir, 'restored')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--force');
  });

  it('refuses to restore a file that is not a Keyward database', async () => {
    const result = await cli.run(['restore', join(dir, 'original', 'root.key'), '--data-dir', join(dir, 'elsewhere')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/error: /);
  });
});
