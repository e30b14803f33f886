/**
 * The built server, first start and restart on one data directory: the first start prints its
 * URL, writes the root key to `<data dir>/root.key` (0600) and, its output being no terminal
 * here (a pipe, as under a container runtime or systemd), prints no key but logs where it was
 * written; a restart makes no second key, and the first still works. The build itself is done
 * once per run by test/support/global-setup.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../support/keyward.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const ROOT_KEY = /kwroot_[0-9A-Za-z]{38}/g;

async function get(url: string, key: string): Promise<Reply> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.json() };
}

describe('first start and restart of the built server on SQLite', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'keyward-proc-'));
  const dataDir = join(cwd, 'data');
  let first: ServerProcess;
  let firstOutput: string;
  let rootKey: string;
  let second: ServerProcess;

  beforeAll(async () => {
    first = await startServerProcess({ KEYWARD_DATA_DIR: dataDir }, cwd);
    firstOutput = first.stdout();
    rootKey = readFileSync(join(dataDir, 'root.key'), 'utf8').trim();
    expect((await get(`${first.url}/v1/me`, rootKey)).status).toBe(200);
    expect(await first.stop()).toBe(0);
    second = await startServerProcess({ KEYWARD_DATA_DIR: dataDir }, cwd);
  });
  afterAll(async () => {
    await second?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('prints the URL it listens on, with the real port', () => {
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(first.url).port).not.toBe('0');
    expect(firstOutput).toContain(`Keyward listening on ${first.url}`);
  });

  it('prints no root key to an output that is not a terminal, and logs where it was written', () => {
    expect(rootKey).toMatch(ROOT_KEY);
    expect(firstOutput).not.toMatch(ROOT_KEY);
    expect(firstOutput).not.toContain(rootKey.slice(7, 20));
    const line = firstOutput.split('\n').find((candidate) => candidate.includes('rootKeyFile'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ level: 40, rootKeyFile: join(dataDir, 'root.key') });
  });

  it('writes the root key to <data dir>/root.key, readable by its owner alone', () => {
    expect(statSync(join(dataDir, 'root.key')).mode & 0o777).toBe(0o600);
  });

  it('prints no root key on a second start on the same data directory', () => {
    expect(second.stdout()).toContain('Keyward listening on');
    expect(second.stdout()).not.toMatch(ROOT_KEY);
    expect(second.stdout().toLowerCase()).not.toContain('root key');
    expect(second.stdout()).not.toContain('rootKeyFile');
  });

  it('keeps root.key as it was on a second start', () => {
    expect(readFileSync(join(dataDir, 'root.key'), 'utf8').trim()).toBe(rootKey);
  });

  it('still accepts the first root key after a restart', async () => {
    const reply = await get(`${second.url}/v1/tenants`, rootKey);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ items: [], nextCursor: null });
    expect((await get(`${second.url}/v1/me`, rootKey)).body.grants.root).toBe(true);
  });

  // No API lists the root key, so the database is the witness that no second one was made.
  it('has exactly one root key in the database after the restart', () => {
    const file = join(dataDir, 'keyward.db');
    expect(existsSync(file)).toBe(true);
    const sqlite = new Database(file, { readonly: true, fileMustExist: true });
    try {
      expect(sqlite.prepare("select count(*) as n from api_keys where kind = 'root'").get()).toEqual({ n: 1 });
    } finally {
      sqlite.close();
    }
  });
});
