/**
 * Issue 29 item 5: the CLI keeps keys out of argv, where `ps` and shell history see them.
 * `keyward verify -` and `keyward login --key -` read the key from stdin; a key written on the
 * command line still works but warns on stderr.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHome, type CliHome } from '../support/cli-process.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const WARNING = /warning: a key on the command line is visible to ps/;

describe('keys kept out of the command line', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let cli: CliHome;
  let keyFile: string;
  let rootKey: string;

  beforeAll(async () => {
    server = await startServerProcess();
    keyFile = join(server.cwd, 'data', 'root.key');
    rootKey = readFileSync(keyFile, 'utf8').trim();
    cli = cliHome();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('logs in with --key - reading the key from stdin, without a warning', async () => {
    const result = await cli.bash(`keyward login --url ${server.url} --key - < "${keyFile}"`, server.cwd);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Logged in to .* as root/);
    expect(result.stderr).not.toMatch(WARNING);
  });

  it('verifies a key read from stdin with verify -, exit 0 for VALID and no warning', async () => {
    const result = await cli.bash('keyward verify - <<< "$PRESENTED"', server.cwd, {
      KEYWARD_URL: server.url,
      KEYWARD_KEY: rootKey,
      PRESENTED: rootKey,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^VALID$/m);
    expect(result.stderr).not.toMatch(WARNING);
  });

  it('answers NOT_FOUND and exit 1 for an unknown key from stdin, with the permission still positional', async () => {
    const unknown = join(server.cwd, 'unknown.key');
    writeFileSync(unknown, 'kw_notakey\n');
    const result = await cli.bash(`keyward verify - functions.execute < "${unknown}"`, server.cwd, {
      KEYWARD_URL: server.url,
      KEYWARD_KEY: rootKey,
    });
    expect(result.stdout).toMatch(/^NOT_FOUND$/m);
    expect(result.status).toBe(1);
  });

  it('still takes a key written on the command line, and warns on stderr how to avoid it', async () => {
    const result = await cli.run(['verify', rootKey], { KEYWARD_URL: server.url, KEYWARD_KEY: rootKey });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^VALID$/m);
    expect(result.stderr).toMatch(WARNING);
    expect(result.stderr).toContain('keyward verify -');
    expect(result.stderr).not.toContain(rootKey);
  });

  it('refuses an empty stdin with exit 1 and says how to give the key', async () => {
    const result = await cli.bash('keyward verify - < /dev/null', server.cwd, {
      KEYWARD_URL: server.url,
      KEYWARD_KEY: rootKey,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no key on stdin/);
  });
});
