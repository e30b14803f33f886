/**
 * The README quickstart, pasted into bash as a new user would, against a freshly started
 * server: every step works and prints what the README says it prints.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

function quickstartScript(): string {
  const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const section = readme.split('## Quickstart')[1]?.split('\n## ')[0] ?? '';
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]);
  return blocks.join('\n');
}

describe('the README quickstart', () => {
  let server: ServerProcess;
  let output: string;

  beforeAll(async () => {
    server = await startServerProcess();
    const port = new URL(server.url).port;
    const script = quickstartScript().replace('http://127.0.0.1:7600', `http://127.0.0.1:${port}`);
    output = execFileSync('bash', ['-c', `set -o pipefail\n${script}`], { cwd: server.cwd, encoding: 'utf8' });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('is in the README with every step of the tour', () => {
    const script = quickstartScript();
    for (const step of [
      '/v1/tenants',
      '/v1/environments',
      '/v1/users',
      '/v1/keys',
      '/v1/verify',
      '/v1/me',
      '/revoke',
    ]) {
      expect(script).toContain(step);
    }
  });

  it('creates a tenant, an environment, a user and a key', () => {
    expect(output).toMatch(/tenant ten_[0-9a-z]{26}/);
    expect(output).toMatch(/environment env_[0-9a-z]{26}/);
    expect(output).toMatch(/user usr_[0-9a-z]{26}/);
    expect(output).toMatch(/key key_[0-9a-z]{26}: kw_[0-9A-Za-z]{38}/);
  });

  it('verifies the key VALID for its permission, FORBIDDEN for another, the preset key by its scopes, REVOKED after revoking', () => {
    const verdicts = [...output.matchAll(/"code":"([A-Z_]+)"/g)].map((match) => match[1]);
    expect(verdicts).toEqual(['VALID', 'FORBIDDEN', 'VALID', 'FORBIDDEN', 'REVOKED']);
  });

  it('shows the key to itself at /v1/me without the secret', () => {
    const me = output.split('\n').find((line) => line.startsWith('{"key":'));
    expect(me).toBeDefined();
    expect(JSON.parse(me as string).grants.permissions).toContain('functions.execute');
    expect(me).not.toMatch(/kw_[0-9A-Za-z]{38}/);
  });
});
