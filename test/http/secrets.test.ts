/**
 * A key is shown exactly once and kept nowhere (SPEC §4): not in the database (on SQLite not in
 * any byte of the file, its WAL or its shared memory; on every database not in any column of any
 * table), not in the log, not in any later answer. The root key goes to `<data dir>/root.key`
 * and the pepper to `<data dir>/pepper`, both readable by the owner alone.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { storedCells, storedTables } from '../support/stored-cells.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';

/** What must never be found: each key, and its secret part without the prefix. */
function needles(keys: readonly string[]): string[] {
  return keys.flatMap((key) => [key, key.slice(key.indexOf('_') + 1)]);
}

describe.each(testDatabases())('secrets at rest on $name', (db) => {
  /** Every key this instance issued, the root key first. */
  const keys: string[] = [];
  const keyIds: string[] = [];
  const requestIds: string[] = [];

  const kw = keywardForSuite(db);
  const seeded = tenantForSuite(kw, 'Vault');
  beforeAll(async () => {
    keys.push(kw.rootKey, seeded.adminKey);
    keyIds.push(seeded.adminKeyId);
    const staging = await seeded.admin.post('/v1/environments', { name: 'staging', keyPrefix: 'stg' });
    const member = await seeded.admin.post('/v1/users', { name: 'Mo', email: 'mo@vault.example' });
    const bodies = [
      { name: 'svc', kind: 'application', permissions: ['functions.execute'] },
      { name: 'staging-svc', kind: 'application', environmentId: staging.body.id, expiresInDays: 30 },
      { name: 'mo', kind: 'user', userId: member.body.id, metadata: { team: 'ops' } },
    ];
    for (const body of bodies) {
      const created = await seeded.admin.post('/v1/keys', body);
      expect(created.status).toBe(201);
      keys.push(created.body.key);
      keyIds.push(created.body.id);
    }
    const byRoot = await kw.root.post('/v1/keys', {
      name: 'root-made',
      kind: 'application',
      environmentId: seeded.environmentId,
    });
    keys.push(byRoot.body.key);
    keyIds.push(byRoot.body.id);

    // Use every key the ways a key could leak: as a bearer, in a verify body, in rejected
    // requests (a denied, audited call; a body that fails validation; one that is not JSON).
    for (const key of keys) {
      for (const reply of [
        await kw.client(key).get('/v1/me'),
        await kw.client().post('/v1/verify', { key, permission: 'functions.execute' }),
        await kw.client(`${key}x`).get('/v1/users'),
        await kw.client(key).post('/v1/verify', { key, tenant: 'x' }),
        await kw.client().raw({
          method: 'POST',
          path: '/v1/verify',
          headers: { 'content-type': 'application/json' },
          payload: `{"key": "${key}"`,
        }),
      ]) {
        requestIds.push(String(reply.headers['x-request-id']));
      }
    }
    await seeded.admin.patch(`/v1/keys/${keyIds[1]}`, { enabled: false });
    await seeded.admin.post(`/v1/keys/${keyIds[2]}/revoke`);
  });

  it.runIf(db.name === 'sqlite')('writes no key to the SQLite file, its WAL or its shared memory', () => {
    const base = join(kw.database.dataDir, 'keyward.db');
    const files = [base, `${base}-wal`, `${base}-shm`].filter((file) => existsSync(file));
    expect(files).toContain(`${base}-wal`);
    const bytes = Buffer.concat(files.map((file) => readFileSync(file)));
    // The search is meaningful: the files do hold the keys' rows.
    for (const id of keyIds) expect(bytes.includes(id), id).toBe(true);
    for (const needle of needles(keys))
      expect(bytes.includes(needle), `${needle.slice(0, 6)}… found on disk`).toBe(false);
  });

  it('stores no key in any column of any table', async () => {
    const tables = await storedTables(kw);
    expect(tables).toEqual(expect.arrayContaining(['api_keys', 'audit_events', 'change_log']));
    const cells = await storedCells(kw, tables);
    for (const id of keyIds) expect(cells, id).toContain(id);
    for (const needle of needles(keys))
      expect(cells.includes(needle), `${needle.slice(0, 6)}… found in a table`).toBe(false);
  });

  it('logs no key', () => {
    const log = kw.logText();
    // The search is meaningful: the log does hold these requests.
    for (const requestId of requestIds) expect(log).toContain(requestId);
    for (const needle of needles(keys))
      expect(log.includes(needle), `${needle.slice(0, 6)}… found in the log`).toBe(false);
  });

  it('never answers a key again when keys are read or listed', async () => {
    const listed = await seeded.admin.get('/v1/keys');
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual(expect.arrayContaining(keyIds));
    const reads = await Promise.all(keyIds.map((id) => seeded.admin.get(`/v1/keys/${id}`)));
    for (const item of [...listed.body.items, ...reads.map((reply) => reply.body)]) {
      expect(item).not.toHaveProperty('key');
      expect(item.id).toMatch(/^key_/);
    }
    const answers = JSON.stringify([
      listed.body,
      ...reads.map((reply) => reply.body),
      (await kw.client(keys[4]).get('/v1/me')).body,
    ]);
    for (const needle of needles(keys)) expect(answers.includes(needle)).toBe(false);
  });

  it('writes the root key to <data dir>/root.key, readable by the owner alone', () => {
    const file = join(kw.database.dataDir, 'root.key');
    expect(readFileSync(file, 'utf8').trim()).toBe(kw.rootKey);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('generates the pepper into <data dir>/pepper, readable by the owner alone', () => {
    const file = join(kw.database.dataDir, 'pepper');
    expect(readFileSync(file, 'utf8').trim().length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
