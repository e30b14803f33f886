/**
 * The README's CLI quickstart, pasted into bash with `keyward` on the PATH, against a freshly
 * started server; and what a script relies on around it: `--json` is the API's object, a refused
 * call exits 1 with its code, `verify` exits 0 only for VALID, the profile is 0600 and
 * KEYWARD_URL/KEYWARD_KEY override it, no colour without a TTY.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHome, type CliHome, type CliResult } from '../support/cli-process.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

function cliQuickstart(): string {
  const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const section = readme.split('## Quickstart (CLI)')[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]).join('\n');
}

// Each test spawns several processes; on a loaded machine one spawn can take seconds.
describe('the keyward CLI against a running server', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let cli: CliHome;
  let quickstart: CliResult;
  let rootKey: string;

  beforeAll(async () => {
    server = await startServerProcess();
    rootKey = readFileSync(join(server.cwd, 'data', 'root.key'), 'utf8').trim();
    cli = cliHome();
    const script = cliQuickstart().replace('http://127.0.0.1:7600', server.url);
    quickstart = await cli.bash(script, server.cwd);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('runs every command of the README quickstart', () => {
    expect(cliQuickstart()).toContain('keyward login');
    expect(quickstart.stderr).not.toMatch(/error: (?!FORBIDDEN)/);
    expect(quickstart.status, quickstart.stderr).toBe(0);
  });

  it('answers verify VALID, then FORBIDDEN and exit 1, by permission and by action, and REVOKED after the revoke', () => {
    const verdicts = quickstart.stdout
      .split('\n')
      .filter((line) => /^(VALID|FORBIDDEN|REVOKED|NOT_FOUND|EXPIRED|DISABLED)$/.test(line));
    expect(verdicts).toEqual(['VALID', 'FORBIDDEN', 'VALID', 'FORBIDDEN', 'REVOKED']);
    expect(quickstart.stdout.match(/^exit 1$/gm)).toHaveLength(3);
  });

  it('shows the usage chart, the key list and an unbroken audit chain', () => {
    expect(quickstart.stdout).toMatch(/\d{4}-\d{2}-\d{2} {2}█+ \d+/);
    expect(quickstart.stdout).toMatch(/ada-laptop\s+user\s+active/);
    expect(quickstart.stdout).toMatch(/key\.create/);
    expect(quickstart.stdout).toMatch(/OK: \d+ events chained/);
  });

  it('prints the API object unchanged with --json', async () => {
    const listed = await cli.run(['keys', 'list', '--json']);
    expect(listed.status).toBe(0);
    const page = JSON.parse(listed.stdout) as { items: Array<Record<string, unknown>>; nextCursor: string | null };
    expect(page.items.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(page.items[0] ?? {})).toEqual(
      expect.arrayContaining(['id', 'status', 'scopes', 'hint', 'expiresAt']),
    );
    const api = (await (
      await fetch(`${server.url}/v1/keys/${String(page.items[0]?.['id'])}`, {
        headers: { authorization: `Bearer ${rootKey}` },
      })
    ).json()) as Record<string, unknown>;
    const shown = await cli.run(['keys', 'show', String(page.items[0]?.['id']), '--json']);
    expect(JSON.parse(shown.stdout)).toEqual(api);
  });

  it('exits 1 on a refused call and prints its code, detail and requestId', async () => {
    const result = await cli.run(['tenants', 'show', 'ten_00000000000000000000000000']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/error: NOT_FOUND: \S.*/);
    expect(result.stderr).toMatch(/requestId: req_\S+/);
    expect(result.stdout).toBe('');
  });

  it('refuses a second tenant of a name already taken (any case), saying so and exiting 1', async () => {
    expect((await cli.run(['tenants', 'create', '--name', 'Umbrella'])).status).toBe(0);
    const again = await cli.run(['tenants', 'create', '--name', 'UMBRELLA']);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/error: CONFLICT: a tenant named "UMBRELLA" already exists/);
    expect(again.stdout).toBe('');
  });

  it('exits 0 for a VALID verify and 1 for a key that does not exist', async () => {
    expect((await cli.run(['verify', rootKey])).status).toBe(0);
    const unknown = await cli.run(['verify', 'kw_nosuchkey', '--json']);
    expect(unknown.status).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ valid: false, code: 'NOT_FOUND' });
  });

  it('keeps the login profile readable by its owner alone', () => {
    const file = join(cli.config, 'keyward', 'profiles.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      profiles: { default: { url: server.url, key: rootKey } },
    });
  });

  it('lets KEYWARD_URL and KEYWARD_KEY override the profile', async () => {
    const wrongKey = await cli.run(['whoami'], { KEYWARD_KEY: 'kwroot_notarealkey' });
    expect(wrongKey.status).toBe(1);
    expect(wrongKey.stderr).toMatch(/error: (UNAUTHENTICATED|NOT_FOUND)/);
    const noServer = await cli.run(['whoami'], { KEYWARD_URL: 'http://127.0.0.1:9' });
    expect(noServer.status).toBe(1);
    expect(noServer.stderr).toContain('UNREACHABLE');
  });

  it('names an unknown profile instead of using the default', async () => {
    const result = await cli.run(['whoami', '--profile', 'staging']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no profile "staging"');
  });

  it('prints no colour codes when stdout is not a terminal', () => {
    expect(quickstart.stdout).not.toContain('\u001b[');
  });

  // `script` gives the command a pseudo-terminal.
  it('colours its tables on a terminal, and never under NO_COLOR', async () => {
    const onTerminal = await cli.bash("script -qec 'keyward tenants list' /dev/null", server.cwd);
    expect(onTerminal.stdout).toContain('\u001b[1mID');
    const noColour = await cli.bash("script -qec 'keyward tenants list' /dev/null", server.cwd, { NO_COLOR: '1' });
    expect(noColour.stdout).toContain('ID');
    expect(noColour.stdout).not.toContain('\u001b[');
  });

  it('prints the otpauth URI and a QR code for MFA enrolment, and the seed once', async () => {
    const tenant = JSON.parse((await cli.run(['tenants', 'create', '--name', 'Mfa', '--json'])).stdout) as {
      id: string;
    };
    const user = JSON.parse(
      (
        await cli.run([
          'users',
          'create',
          '--tenant',
          tenant.id,
          '--name',
          'Grace',
          '--email',
          'grace@example.com',
          '--json',
        ])
      ).stdout,
    ) as { id: string };
    const enrol = await cli.run(['users', 'mfa', 'enrol', user.id]);
    expect(enrol.status, enrol.stderr).toBe(0);
    expect(enrol.stdout).toMatch(/^otpauth:\/\/totp\/.*secret=[A-Z2-7]+/m);
    expect(enrol.stdout).toMatch(/[▄▀█]{5,}/);
    expect(enrol.stdout.match(/TOTP seed: [A-Z2-7]+/g)).toHaveLength(1);
  });

  it('rotates with a grace period, printing the new secret once, and disables and enables a key', async () => {
    const environment = JSON.parse((await cli.run(['environments', 'list', '--json'])).stdout).items[0] as {
      id: string;
    };
    const created = JSON.parse(
      (
        await cli.run([
          'keys',
          'create',
          '--environment',
          environment.id,
          '--name',
          'svc',
          '--scope',
          'agent:viewer',
          '--never-expires',
          '--json',
        ])
      ).stdout,
    ) as { id: string; key: string };
    const rotated = await cli.run(['keys', 'rotate', created.id, '--grace', '60']);
    expect(rotated.status, rotated.stderr).toBe(0);
    const secrets = rotated.stdout.match(/kw_[0-9A-Za-z]{38}/g) ?? [];
    expect(secrets).toHaveLength(1);
    expect(rotated.stdout).toContain('Store it now');
    expect((await cli.run(['verify', created.key])).status).toBe(0);
    expect((await cli.run(['verify', secrets[0] ?? ''])).status).toBe(0);

    expect((await cli.run(['keys', 'disable', created.id])).stdout).toContain('is disabled');
    const disabled = await cli.run(['verify', secrets[0] ?? '']);
    expect(disabled.status).toBe(1);
    expect(disabled.stdout).toContain('DISABLED');
    expect((await cli.run(['keys', 'enable', created.id])).stdout).toContain('is active');
  });

  it('links a policy, joins a group and lists keys by them; creates a resource the key may read', async () => {
    const json = async (args: string[]) => {
      const result = await cli.run([...args, '--json']);
      expect(result.status, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as {
        id: string;
        key?: string;
        tenantId?: string;
        items?: Array<{ id: string }>;
      };
    };
    const environment = (await json(['environments', 'list'])).items?.[0]?.id ?? '';
    const policy = await json([
      'policies',
      'create',
      '--environment',
      environment,
      '--name',
      'readers',
      '--scope',
      'project:viewer',
    ]);
    const group = await json([
      'groups',
      'create',
      '--tenant',
      (await json(['environments', 'show', environment])).tenantId ?? '',
      '--name',
      'ops',
    ]);
    const key = await json([
      'keys',
      'create',
      '--environment',
      environment,
      '--name',
      'linked',
      '--policy',
      policy.id,
      '--never-expires',
    ]);
    await json(['groups', 'members', 'add', group.id, key.id]);
    expect((await json(['keys', 'list', '--policy', policy.id])).items?.map((item) => item.id)).toEqual([key.id]);
    expect((await json(['keys', 'list', '--group', group.id])).items?.map((item) => item.id)).toEqual([key.id]);
    const project = await json([
      'resources',
      'create',
      '--environment',
      environment,
      '--type',
      'project',
      '--name',
      'website',
    ]);
    const allowed = await cli.run([
      'verify',
      key.key ?? '',
      '--action',
      'read',
      '--type',
      'project',
      '--resource',
      project.id,
    ]);
    expect(allowed.stdout).toContain('VALID');
    expect(allowed.status).toBe(0);
  });
});
