/**
 * A client generated from `/openapi.json` by a generator package (swagger-typescript-api) is
 * usable: it is produced, typechecks under `strict`, and once compiled, verifies a key and reads
 * `/v1/me` against a running server, and reports a problem's `code` for a failed call.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteOnly } from '../support/databases.js';
import { seedTenant, startKeyward, type Seeded, type TestKeyward } from '../support/keyward.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const GENERATOR = resolve(ROOT, 'node_modules/swagger-typescript-api/dist/cli.mjs');
const TSC = resolve(ROOT, 'node_modules/typescript/bin/tsc');
// The document is the routes', whatever the storage: SQLite only (databases.ts), by its named way.
const [sqlite] = sqliteOnly();

/** What the compiled usage module exports: calls made only through the generated client. */
interface Usage {
  verify(baseUrl: string, key: string, permission: string): Promise<{ valid: boolean; code: string }>;
  me(baseUrl: string, key: string): Promise<{ keyId: string }>;
  missingKey(baseUrl: string, key: string, id: string): Promise<{ status: number; code: string }>;
}

const USAGE = `
import { Api, type Problem } from './keyward-api.js';

const client = (baseUrl: string, key: string) => new Api({ baseUrl, baseApiParams: { headers: { authorization: \`Bearer \${key}\` } } });

export async function verify(baseUrl: string, key: string, permission: string): Promise<{ valid: boolean; code: string }> {
  const answer = await new Api({ baseUrl }).v1.verifyKey({ key, permission });
  return { valid: answer.data.valid, code: answer.data.code };
}

export async function me(baseUrl: string, key: string): Promise<{ keyId: string }> {
  const answer = await client(baseUrl, key).v1.getMe();
  return { keyId: answer.data.key.id };
}

export async function missingKey(baseUrl: string, key: string, id: string): Promise<{ status: number; code: string }> {
  try {
    await client(baseUrl, key).v1.getKey(id);
    return { status: 200, code: 'none' };
  } catch (failure) {
    const response = failure as { status: number; error: Problem };
    return { status: response.status, code: response.error.code };
  }
}
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023', 'DOM'],
    strict: true,
    skipLibCheck: true,
    outDir: 'out',
    typeRoots: [resolve(ROOT, 'node_modules/@types')],
    types: ['node'],
  },
  include: ['*.ts'],
};

describe('a client generated from the OpenAPI document', () => {
  let kw: TestKeyward;
  let seeded: Seeded;
  let baseUrl: string;
  let dir: string;

  beforeAll(async () => {
    if (sqlite === undefined) throw new Error('SQLite is always there');
    kw = await startKeyward(sqlite);
    seeded = await seedTenant(kw, 'Generated');
    baseUrl = await kw.keyward.app.listen({ host: '127.0.0.1', port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'keyward-client-'));
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify((await kw.client().get('/openapi.json')).body));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    writeFileSync(join(dir, 'usage.ts'), USAGE);
  }, 30_000);
  afterAll(async () => {
    await kw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // The generator formats its output with a WebAssembly formatter: slow on a busy machine.
  it('is generated, typechecks under strict, and verifies keys against a running server', {
    timeout: 180_000,
  }, async () => {
    await run(
      process.execPath,
      [GENERATOR, 'generate', '--path', join(dir, 'openapi.json'), '--output', dir, '--name', 'keyward-api.ts'],
      { cwd: dir },
    );
    await run(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')], { cwd: dir });
    const usage = (await import(pathToFileURL(join(dir, 'out/usage.js')).href)) as Usage;

    expect(await usage.verify(baseUrl, seeded.adminKey, 'users.manage')).toEqual({ valid: true, code: 'VALID' });
    expect(await usage.me(baseUrl, seeded.adminKey)).toEqual({ keyId: seeded.adminKeyId });
    expect(await usage.missingKey(baseUrl, seeded.adminKey, 'key_00000000000000000000000000')).toEqual({
      status: 404,
      code: 'NOT_FOUND',
    });
  });
});
