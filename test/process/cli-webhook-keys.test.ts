/**
 * `keyward webhook-keys` as an operator uses it: a sender's secret imported from standard input
 * (never a flag), listed by hint, a received request checked with `verify` (exit 0 when valid,
 * 1 with the reason when not), a rotation printing the new secret once.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHome, type CliHome } from '../support/cli-process.js';
import { tenantInProcess } from '../support/process-tenant.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

/** GitHub's "Validating webhook deliveries" example. */
const GITHUB = {
  secret: "It's a Secret to Everybody",
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
  body: 'Hello, World!',
};

describe('keyward webhook-keys', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let cli: CliHome;
  let env: Record<string, string>;
  let environmentId: string;
  let dir: string;

  beforeAll(async () => {
    server = await startServerProcess();
    const tenant = await tenantInProcess(server, 'Cli');
    env = { KEYWARD_URL: server.url, KEYWARD_KEY: tenant.rootKey };
    environmentId = tenant.environmentId;
    cli = cliHome();
    dir = mkdtempSync(join(tmpdir(), 'keyward-webhook-'));
    writeFileSync(join(dir, 'secret'), `${GITHUB.secret}\n`);
    writeFileSync(join(dir, 'body'), GITHUB.body);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('imports a secret from standard input, lists it by hint and verifies a delivery signed with it', async () => {
    const created = await cli.bash(
      `keyward webhook-keys create --environment ${environmentId} --name gh --scheme github --secret-stdin --json < secret`,
      dir,
      env,
    );
    expect(created.status, created.stderr).toBe(0);
    const key = JSON.parse(created.stdout) as { id: string; secret: string; secretHint: string };
    expect(key).toMatchObject({ secret: GITHUB.secret, secretHint: 'body' });

    const listed = await cli.run(['webhook-keys', 'list', '--environment', environmentId], env);
    expect(listed.stdout).toContain(key.id);
    expect(listed.stdout).toContain('…body');
    expect(listed.stdout).not.toContain(GITHUB.secret);

    const valid = await cli.bash(
      `keyward webhook-keys verify ${key.id} --header 'X-Hub-Signature-256: ${GITHUB.signature}' --body-file body`,
      dir,
      env,
    );
    expect(valid.status, valid.stderr).toBe(0);
    expect(valid.stdout.trim()).toBe('valid');

    const tampered = await cli.run(
      ['webhook-keys', 'verify', key.id, '--header', `X-Hub-Signature-256: ${GITHUB.signature}`, '--body', 'Hello!'],
      env,
    );
    expect(tampered.status).toBe(1);
    expect(tampered.stdout.trim()).toBe('not valid: bad_signature');
  });

  it('prints a rotated secret once, with how long the previous one verifies', async () => {
    const created = await cli.run(
      ['webhook-keys', 'create', '--environment', environmentId, '--name', 'std', '--scheme', 'standard', '--json'],
      env,
    );
    const id = (JSON.parse(created.stdout) as { id: string }).id;
    const rotated = await cli.run(['webhook-keys', 'rotate', id, '--grace', '600'], env);
    expect(rotated.status, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/Secret: whsec_[A-Za-z0-9+/]+=*/);
    expect(rotated.stdout).toContain('The previous secret verifies until');
    const shown = await cli.run(['webhook-keys', 'show', id], env);
    expect(shown.stdout).not.toContain('whsec_');
  });
});
