/**
 * A Keyward app on a throw-away SQLite data dir, seeded with one tenant, environment and
 * application key holding `functions.execute`. Shared by the HTTP and in-process benchmarks.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../dist/http/app.js';
import { loadConfig } from '../dist/http/config.js';

async function call(app, key, method, url, body) {
  const response = await app.inject({ method, url, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, payload: JSON.stringify(body ?? {}) });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return response.json();
}

export async function seededKeyward() {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyward-bench-'));
  const keyward = await buildApp({ config: loadConfig({}, { dataDir, logLevel: 'silent' }) });
  const root = keyward.rootKey.createdKey;
  const tenant = await call(keyward.app, root, 'POST', '/v1/tenants', { name: 'Bench' });
  const environment = await call(keyward.app, root, 'POST', '/v1/environments', { tenantId: tenant.id, name: 'prod' });
  const created = await call(keyward.app, root, 'POST', '/v1/keys', {
    environmentId: environment.id,
    name: 'bench',
    kind: 'application',
    permissions: ['functions.execute'],
  });
  return { keyward, key: created.key, rootKey: root };
}
