/**
 * Issue 25 item 5 end to end: the built `keyward login --sso` signs in against a real OpenID
 * Connect provider (oidc-provider, in this process on loopback), its login page driven by a
 * scripted HTTP client from the address the CLI prints; the profile (0600) keeps a session, no
 * key; a later command acts through it; `keyward logout` ends it on the server and forgets it.
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHome, type CliHome, type CliResult } from '../support/cli-process.js';
import { CLI } from '../support/server-process.js';
import { sqliteOnly } from '../support/databases.js';
import { browser } from '../support/oidc.js';
import { buildOperatorWorld, OPERATOR, type OperatorWorld } from '../support/operator-world.js';
import { DOMAIN } from '../support/sso-world.js';

const [sqlite] = sqliteOnly();

/** Runs `keyward args…` and, once it prints the sign-in address, signs in there as `login` like a browser would. */
function loginThroughBrowser(home: CliHome, args: readonly string[], login: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env['PATH'] ?? '', ...home.env, KEYWARD_NO_BROWSER: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let signingIn = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const address = /^\s+(http:\/\/\S+)$/m.exec(stderr)?.[1];
      if (address === undefined || signingIn) return;
      signingIn = true;
      const tab = browser('text/html');
      void (async () => {
        const page = await tab.follow(address);
        const submitted = await tab.logIn(page, login);
        // On to Keyward's callback and from there to the CLI's loopback address, which answers the tab.
        await tab.follow(submitted.location as string);
      })().catch(reject);
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('keyward login --sso', { timeout: 60_000 }, () => {
  let world: OperatorWorld;
  let home: CliHome;
  beforeAll(async () => {
    if (sqlite === undefined) throw new Error('SQLite is always there');
    world = await buildOperatorWorld(sqlite);
    home = cliHome();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('signs a person in through the provider; the profile keeps a session that later commands use, until logout', async () => {
    const login = await loginThroughBrowser(
      home,
      ['login', '--sso', '--url', world.base, '--email', `bob@${DOMAIN}`],
      'bob',
    );
    expect(login.status, login.stderr).toBe(0);
    expect(login.stdout).toContain(`as bob@${DOMAIN} with SSO, acting with bob laptop (${world.bob.keyId})`);
    const path = join(home.config, 'keyward', 'profiles.json');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const profile = JSON.parse(readFileSync(path, 'utf8')).profiles.default;
    expect(profile.key).toBeUndefined();
    expect(profile.session).toMatchObject({ email: `bob@${DOMAIN}`, token: expect.stringMatching(/^kwsession-/) });

    const whoami = await home.run(['whoami', '--json']);
    expect(whoami.status, whoami.stderr).toBe(0);
    expect(JSON.parse(whoami.stdout).key.id).toBe(world.bob.keyId);

    const logout = await home.run(['logout']);
    expect(logout.status, logout.stderr).toBe(0);
    expect(logout.stdout).toContain(`Ended session ${profile.session.id}`);
    const sessions = await world.acme.admin.get(`/v1/sessions?userId=${world.bob.userId}`);
    expect(sessions.body.items.map((item: { id: string }) => item.id)).not.toContain(profile.session.id);
    const after = await home.run(['whoami']);
    expect(after.status).toBe(1);
    expect(after.stderr).toContain('not logged in');
  });

  it('signs an operator in as the instance with --operator', async () => {
    const login = await loginThroughBrowser(home, ['login', '--sso', '--operator', '--url', world.base], 'ops');
    expect(login.status, login.stderr).toBe(0);
    expect(login.stdout).toContain(`as ${OPERATOR} with SSO`);
    const tenants = await home.run(['tenants', 'list', '--json']);
    expect(tenants.status, tenants.stderr).toBe(0);
    expect(tenants.stdout).toContain(world.acme.tenantId);
    expect((await home.run(['logout'])).status).toBe(0);
  });

  it('says why a refused sign-in was refused, and stores nothing', async () => {
    const login = await loginThroughBrowser(
      home,
      ['login', '--sso', '--url', world.base, '--email', `carol@${DOMAIN}`],
      'carol',
    );
    expect(login.status).toBe(1);
    expect(login.stderr).toContain('email_unverified');
    expect((await home.run(['whoami'])).stderr).toContain('not logged in');
  });
});
