/**
 * Issue 17 on the command line: `keys create` and `keys update` take --ip-allow (repeatable),
 * --credits and --refill; `keys credits add <id> <n>` adds to a balance; `verify --cost` spends
 * and prints what is left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHome, type CliHome } from '../support/cli-process.js';
import { tenantInProcess } from '../support/process-tenant.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

describe('keyward keys usage controls', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let cli: CliHome;
  let env: Record<string, string>;
  let environmentId: string;

  beforeAll(async () => {
    server = await startServerProcess();
    const tenant = await tenantInProcess(server, 'Cli');
    env = { KEYWARD_URL: server.url, KEYWARD_KEY: tenant.rootKey };
    environmentId = tenant.environmentId;
    cli = cliHome();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  const create = (...flags: string[]) =>
    cli.run(
      [
        'keys',
        'create',
        '--environment',
        environmentId,
        '--name',
        'svc',
        '--permission',
        'functions.execute',
        '--json',
        ...flags,
      ],
      env,
    );

  it('creates a key with an IP allowlist, credits and a refill', async () => {
    const created = await create(
      '--ip-allow',
      '10.0.0.0/8',
      '--ip-allow',
      '2001:db8::/32',
      '--credits',
      '100',
      '--refill',
      '1000/day',
    );
    expect(created.status, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'],
      credits: { remaining: 100, refill: { amount: 1000, interval: 'day' } },
    });
  });

  it('refuses a malformed --refill with a usage error', async () => {
    const created = await create('--credits', '5', '--refill', '1000/week');
    expect(created.status).not.toBe(0);
    expect(created.stderr).toContain('--refill');
  });

  it('updates a key and adds credits', async () => {
    const created = JSON.parse((await create()).stdout) as { id: string };
    const updated = await cli.run(
      ['keys', 'update', created.id, '--credits', '3', '--ip-allow', '192.0.2.0/24', '--json'],
      env,
    );
    expect(updated.status, updated.stderr).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({ ipAllowlist: ['192.0.2.0/24'], credits: { remaining: 3 } });
    const added = await cli.run(['keys', 'credits', 'add', created.id, '7'], env);
    expect(added.status, added.stderr).toBe(0);
    expect(added.stdout).toContain('has 10 credits');
  });

  it('verifies with a cost, printing the limits and credits left, and exits 1 once the credits are spent', async () => {
    const created = JSON.parse((await create('--credits', '3', '--ratelimit', 'per-hour:10/3600000')).stdout) as {
      key: string;
    };
    const spent = await cli.run(['verify', created.key, '--cost', '3'], env);
    expect(spent.status, spent.stderr).toBe(0);
    expect(spent.stdout).toContain('VALID');
    expect(spent.stdout).toContain('rate limit per-hour: 7 of 10 left until');
    expect(spent.stdout).toContain('credits: 0 left');
    const refused = await cli.run(['verify', created.key], env);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain('USAGE_EXCEEDED');
    expect((await cli.run(['verify', created.key, '--cost', 'two'], env)).stderr).toContain('--cost');
  });
});
