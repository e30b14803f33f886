/**
 * `keyward keys create` with no grant flags, on a terminal (tmux gives it one): seed 004's four
 * steps as prompts, answered by keystrokes, and the key it makes verifies as answered.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHome } from '../support/cli-process.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.warn('skipping the key wizard suite: tmux is missing (apt-get install tmux)');

const SOCKET = `keyward-wizard-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const screen = (): string => tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', 'wizard');

async function waitFor(text: string | RegExp): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const shown = screen();
    if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return shown;
    await sleep(100);
  }
  throw new Error(`the terminal never showed ${String(text)}:\n${screen()}`);
}

const quote = (value: string): string => `'${value.replaceAll("'", "'\\''")}'`;

describe.skipIf(!hasTmux)('the interactive key wizard', () => {
  let server: ServerProcess;
  let root: string;
  const call = async (path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${root}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await response.json()) as any;
  };

  beforeAll(async () => {
    server = await startServerProcess();
    root = readFileSync(join(server.cwd, 'data', 'root.key'), 'utf8').trim();
  }, 60_000);
  afterAll(async () => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
    await server?.stop();
    rmSync(server.cwd, { recursive: true, force: true });
  });

  it('walks preset, scopes, sharing groups and review, and the key it makes verifies as answered', async () => {
    const tenant = await call('/v1/tenants', { name: 'Wizard' });
    const environment = await call('/v1/environments', { tenantId: tenant.id, name: 'prod' });
    const group = await call('/v1/groups', { tenantId: tenant.id, name: 'platform-team' });
    const cli = cliHome(join(server.cwd, 'home'));
    const env = Object.entries({ ...cli.env, KEYWARD_URL: server.url, KEYWARD_KEY: root })
      .map(([name, value]) => `${name}=${quote(value)}`)
      .join(' ');
    // The shell stays after the command so the screen can still be read.
    tmux(
      'new-session',
      '-d',
      '-s',
      'wizard',
      '-x',
      '160',
      '-y',
      '60',
      `env ${env} keyward keys create --environment ${environment.id} --name wizard-key; echo "EXIT=$?"; sleep 600`,
    );

    await waitFor('Start from a preset');
    tmux('send-keys', '-t', 'wizard', 'Down', 'Enter'); // deploy → read-only
    await waitFor('Scopes');
    // read-only's scopes come ticked: untick project:viewer, the second.
    tmux('send-keys', '-t', 'wizard', 'Down', 'Space', 'Enter');
    await waitFor('Sharing groups');
    tmux('send-keys', '-t', 'wizard', 'Space', 'Enter');
    await waitFor('Create this key?');
    tmux('send-keys', '-t', 'wizard', 'Enter');
    const shown = await waitFor(/EXIT=\d+/);

    expect(shown).toContain('EXIT=0');
    expect(shown).toContain('Step 4 of 4: review');
    const key = /Key: (kw_[0-9A-Za-z]{38})/.exec(shown)?.[1] ?? '';
    expect(key).not.toBe('');
    const verify = async (action: string, type: string) =>
      (await call('/v1/verify', { key, action, resource: { type } })).code;
    expect(await verify('read', 'agent')).toBe('VALID');
    expect(await verify('read', 'project')).toBe('FORBIDDEN');
    const made = (await call(`/v1/keys?environmentId=${environment.id}`)).items.find(
      (item: { name: string }) => item.name === 'wizard-key',
    );
    expect(made.scopes).toEqual(['agent:viewer']);
    expect(made.groupIds).toEqual([group.id]);
  }, 90_000);
});
