/**
 * An operator's own model, as docs/model.md shows it: the example model in the document loads
 * through KEYWARD_MODEL and keys using its types and roles are checked by it; a broken model
 * stops the server with every bad entry named.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, startServerProcess, type ServerProcess } from '../support/server-process.js';

const DOC = readFileSync(resolve(import.meta.dirname, '../../docs/model.md'), 'utf8');
/** The YAML block under "## Example" in docs/model.md: the document's example is what is tested. */
const EXAMPLE_MODEL = /## Example[^\n]*\n[\s\S]*?```yaml\n([\s\S]*?)```/.exec(DOC)?.[1] ?? '';

const dir = mkdtempSync(join(tmpdir(), 'keyward-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeModel(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('a custom model file', () => {
  let server: ServerProcess;
  let rootKey: string;
  const call = async (method: string, path: string, key: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    expect(EXAMPLE_MODEL).toContain('types:');
    server = await startServerProcess({ KEYWARD_MODEL: writeModel('code-hosting.yaml', EXAMPLE_MODEL) });
    rootKey = readFileSync(join(server.cwd, 'data', 'root.key'), 'utf8').trim();
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
  });

  async function keyWith(
    grants: Record<string, unknown>,
  ): Promise<{ status: number; body: any; environmentId: string }> {
    const tenant = await call('POST', '/v1/tenants', rootKey, { name: `T${Math.random()}` });
    const environment = await call('POST', '/v1/environments', rootKey, { tenantId: tenant.body.id, name: 'prod' });
    const key = await call('POST', '/v1/keys', rootKey, {
      environmentId: environment.body.id,
      name: 'k',
      kind: 'application',
      ...grants,
    });
    return { ...key, environmentId: environment.body.id };
  }

  const verify = async (key: string, action: string, type: string) =>
    (await call('POST', '/v1/verify', rootKey, { key, action, resource: { type } })).body.code as string;

  it('takes keys with its own types, roles, presets and levels, and checks them by it', async () => {
    const maintainer = await keyWith({ scopes: ['repo:maintainer'] });
    expect(maintainer.status, JSON.stringify(maintainer.body)).toBe(201);
    expect(await verify(maintainer.body.key, 'create', 'repo')).toBe('VALID');
    expect(await verify(maintainer.body.key, 'delete', 'repo')).toBe('VALID');
    expect(await verify(maintainer.body.key, 'delete', 'issue')).toBe('FORBIDDEN');

    const contributor = await keyWith({ preset: 'contributor' });
    expect(contributor.status, JSON.stringify(contributor.body)).toBe(201);
    expect(contributor.body.scopes).toEqual(['org:member', 'repo:triager']);
    expect(await verify(contributor.body.key, 'update', 'repo')).toBe('VALID');
    expect(await verify(contributor.body.key, 'create', 'repo')).toBe('FORBIDDEN');
    expect(await verify(contributor.body.key, 'discover', 'issue')).toBe('VALID');

    const levelled = await keyWith({ levels: { issue: 'view' }, permissions: ['repos.create'] });
    expect(levelled.status, JSON.stringify(levelled.body)).toBe(201);
    expect(await verify(levelled.body.key, 'read', 'issue')).toBe('VALID');
    expect(await verify(levelled.body.key, 'update', 'issue')).toBe('FORBIDDEN');
    expect(await verify(levelled.body.key, 'create', 'repo')).toBe('VALID');
    const asked = await call('POST', '/v1/verify', rootKey, { key: levelled.body.key, permission: 'repos.create' });
    expect(asked.body.code).toBe('VALID');
  });

  it('refuses what only the default model knows, naming it', async () => {
    const agent = await keyWith({ scopes: ['agent:viewer'] });
    expect(agent.status).toBe(400);
    expect(agent.body.detail).toContain('unknown type "agent"');
    const role = await keyWith({ scopes: ['repo:owner'] });
    expect(role.status).toBe(400);
    expect(role.body.detail).toContain('unknown role "owner"');
    const permission = await keyWith({ permissions: ['functions.execute'] });
    expect(permission.status).toBe(400);
    expect(permission.body.detail).toContain('functions.execute');
    const { body } = await keyWith({});
    const verifyDefault = await call('POST', '/v1/verify', rootKey, {
      key: body.key,
      action: 'run',
      resource: { type: 'agent' },
    });
    expect(verifyDefault.status).toBe(400);
    expect(verifyDefault.body.detail).toContain('agent');
  });
});

/** `keyward serve` with a model that should stop it: its exit status and output. */
function serveWithModel(modelPath: string, dataDir: string) {
  return spawnSync(process.execPath, [CLI, 'serve'], {
    cwd: dir,
    env: { ...process.env, KEYWARD_DATA_DIR: join(dir, dataDir), KEYWARD_PORT: '0', KEYWARD_MODEL: modelPath },
    encoding: 'utf8',
    timeout: 15_000,
  });
}

describe('a broken model file', () => {
  it('stops the server with exit status 2 and every bad entry named', () => {
    const broken = EXAMPLE_MODEL.replace('includes: [reader]', 'includes: [raeder]').replace(
      'parents: [repo]',
      'parents: [repository]',
    );
    const path = writeModel('broken.yaml', broken);
    const result = serveWithModel(path, 'data');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`the model ${path} is invalid`);
    expect(result.stderr).toContain('roles.triager.includes[0]: unknown role "raeder"');
    expect(result.stderr).toContain('types.issue.parents[0]: unknown type "repository"');
    expect(result.stdout).not.toContain('Keyward listening');
  });

  it('stops the server when the model drops a permission the code relies on, saying why it is needed (issue 12)', () => {
    const withoutUsersManage = EXAMPLE_MODEL.split('\n')
      .filter((line) => !line.trimStart().startsWith('users.manage:'))
      .join('\n');
    const path = writeModel('no-users-manage.yaml', withoutUsersManage);
    const result = serveWithModel(path, 'data3');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'permissions.users.manage: missing: Keyward relies on it (the management API asks for it to manage users, keys, policies and groups)',
    );
    expect(result.stdout).not.toContain('Keyward listening');
  });

  it('stops the server when the file is missing, naming it', () => {
    const path = join(dir, 'nowhere.yaml');
    const result = serveWithModel(path, 'data2');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(path);
  });
});
