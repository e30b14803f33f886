/**
 * Every file Keyward writes in the data dir is 0600, whatever the directory's mode (SPEC §6): the
 * SQLite database and the -wal and -shm files SQLite makes beside it later, the pepper, root.key.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp, type Keyward } from '../../src/http/app.js';
import { loadConfig } from '../../src/http/config.js';

function modes(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir).map((name) => [name, (statSync(join(dir, name)).mode & 0o777).toString(8)]),
  );
}

describe('files in the data dir', () => {
  let dataDir = '';
  let keyward: Keyward | undefined;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'keyward-modes-'));
  });
  afterEach(async () => {
    await keyward?.close();
    keyward = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('are all 0600 in a world-readable directory, the -wal and -shm files included', async () => {
    chmodSync(dataDir, 0o755);
    keyward = await buildApp({ config: loadConfig({}, { dataDir, logLevel: 'silent' }) });
    const reply = await keyward.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: { authorization: `Bearer ${keyward.rootKey.createdKey}` },
      payload: { name: 'Modes' },
    });
    expect(reply.statusCode).toBe(201);
    const seen = modes(dataDir);
    expect(Object.keys(seen).sort()).toEqual(['keyward.db', 'keyward.db-shm', 'keyward.db-wal', 'pepper', 'root.key']);
    for (const [name, mode] of Object.entries(seen)) expect(mode, name).toBe('600');
  });

  it('are made 0600 again when an earlier start left them readable', async () => {
    writeFileSync(join(dataDir, 'keyward.db'), '', { mode: 0o644 });
    writeFileSync(join(dataDir, 'pepper'), 'p'.repeat(43) + '\n', { mode: 0o644 });
    chmodSync(join(dataDir, 'keyward.db'), 0o644);
    chmodSync(join(dataDir, 'pepper'), 0o644);
    keyward = await buildApp({ config: loadConfig({}, { dataDir, logLevel: 'silent' }) });
    for (const [name, mode] of Object.entries(modes(dataDir))) expect(mode, name).toBe('600');
  });
});
