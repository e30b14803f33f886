/**
 * Where the root key goes on the first start that serves: printed in the banner when stdout is a
 * terminal; otherwise never printed (a container runtime's or systemd's log pipeline would keep
 * it), only written to `<data dir>/root.key`, and the log says where.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/http/config.js';
import { serve, type Running } from '../../src/http/server.js';

const ROOT_KEY = /kwroot_[0-9A-Za-z]{38}/;

describe('the root key in the banner of keyward serve', () => {
  let running: Running | undefined;
  let dataDir = '';
  afterEach(async () => {
    await running?.keyward.close();
    running = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(terminal: boolean, env: Record<string, string> = {}): Promise<string[]> {
    dataDir = mkdtempSync(join(tmpdir(), 'keyward-banner-'));
    const printed: string[] = [];
    running = await serve(loadConfig(env, { dataDir, port: 0, logLevel: 'silent' }), {
      print: (line) => printed.push(line),
      terminal,
      handleSignals: false,
    });
    return printed;
  }

  it('is printed once to a terminal', async () => {
    const printed = await start(true);
    const key = readFileSync(join(dataDir, 'root.key'), 'utf8').trim();
    expect(printed.filter((line) => ROOT_KEY.test(line))).toEqual([`  ${key}`]);
  });

  it('is not printed to anything else', async () => {
    const printed = await start(false);
    expect(readFileSync(join(dataDir, 'root.key'), 'utf8')).toMatch(ROOT_KEY);
    expect(printed.join('\n')).not.toMatch(ROOT_KEY);
    expect(printed.join('\n')).toContain('Keyward listening on');
    expect(printed.join('\n')).not.toContain('Warning');
  });

  it('warns when the change log is polled less often than the staleness bound allows', async () => {
    const printed = await start(false, { KEYWARD_CHANGE_POLL_MS: '20000' });
    expect(printed.filter((line) => line.includes('Warning'))).toEqual([
      '  Warning: KEYWARD_CHANGE_POLL_MS (20000) is not below KEYWARD_MAX_STALENESS_MS (10000): caches go stale between polls and most verifies will read storage',
    ]);
  });
});
