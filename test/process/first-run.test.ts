/**
 * What a newcomer meets on the first start (issue 16's first-run polish): the banner names the
 * console at /ui; where the root key is is said (here, its output a pipe, by a log line naming
 * the file) by the first start that actually serves, even when an earlier start made it and then
 * could not take its port; a database that cannot be reached is named as such.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, startServerProcess, type ServerProcess } from '../support/server-process.js';

const ROOT_KEY = /kwroot_[0-9A-Za-z]{38}/g;
const dir = mkdtempSync(join(tmpdir(), 'keyward-first-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function serveOnce(env: Record<string, string>) {
  return spawnSync(process.execPath, [CLI, 'serve'], {
    cwd: dir,
    env: { ...process.env, KEYWARD_LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('a first start that cannot take its port', () => {
  const dataDir = join(dir, 'data');
  let blocker: Server;
  let failed: ReturnType<typeof serveOnce>;
  let served: ServerProcess;
  let again: ServerProcess;

  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    failed = serveOnce({ KEYWARD_DATA_DIR: dataDir, KEYWARD_PORT: String((blocker.address() as AddressInfo).port) });
    served = await startServerProcess({ KEYWARD_DATA_DIR: dataDir }, dir);
    await served.stop();
    again = await startServerProcess({ KEYWARD_DATA_DIR: dataDir }, dir);
  }, 90_000);
  afterAll(async () => {
    blocker?.close();
    await again?.stop();
  });

  it('fails without printing a root key', () => {
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('could not start');
    expect(failed.stdout).not.toMatch(ROOT_KEY);
  });

  it('leaves the key to be shown by the next start, the first that serves', () => {
    expect(readFileSync(join(dataDir, 'root.key'), 'utf8').trim()).toMatch(ROOT_KEY);
    expect(served.stdout()).toContain(`"rootKeyFile":"${join(dataDir, 'root.key')}"`);
    expect(served.stdout()).not.toMatch(ROOT_KEY);
  });

  it('shows it only that once', () => {
    expect(again.stdout()).toContain('Keyward listening on');
    expect(again.stdout()).not.toContain('rootKeyFile');
    expect(again.stdout()).not.toMatch(ROOT_KEY);
  });

  it('names the console at /ui in the banner', () => {
    expect(again.stdout()).toContain(`Console: ${again.url}/ui`);
  });
});

describe('a KEYWARD_DATABASE_URL nobody answers at, with KEYWARD_DATABASE_WAIT_MS=0', () => {
  it('stops the start at once saying it is the database that could not be reached', () => {
    const result = serveOnce({
      KEYWARD_DATA_DIR: join(dir, 'unused'),
      KEYWARD_PORT: '0',
      KEYWARD_DATABASE_URL: 'postgres://keyward:secret@127.0.0.1:9/keyward',
      KEYWARD_DATABASE_WAIT_MS: '0',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'could not reach the database at postgres://keyward:***@127.0.0.1:9/keyward (KEYWARD_DATABASE_URL)',
    );
    expect(result.stderr).not.toContain('secret');
    expect(result.stdout).not.toContain('Keyward listening');
  });
});
